/**
 * `createClient` and the one `invoke` every generated operation function calls.
 * A client is service-agnostic: the generated operation brings its service's endpoint
 * template and base path; the client brings the signer, region, transport and policies.
 */
import { OciRawError } from "./errors.js";
import { sendRequest } from "./request.js";
import type { CallOptions, OciResponse, OperationRequest, Paged, Paging, QueryValue, ServiceInfo } from "./operation.js";
import { fillEndpointTemplateFrom, NO_EXTRA_REGIONS, type ExtraRegions } from "./region-table.js";
import { defaultRetryStrategy, noRetry, type RetryStrategy } from "./retry.js";
import { errorFromResponse } from "./service-error.js";
import { lowerCaseHeaders, type HeadersInput } from "./signing-core.js";
import type { RequestSigner } from "./signing-core.js";
import { describeNetworkError, type TransportOptions } from "./transport.js";
import { validateResponse, type ValidationMode } from "./validation.js";

export interface ClientOptions extends TransportOptions {
  signer: RequestSigner;
  /** Region name or short code (`us-phoenix-1`, `phx`): fills the service's endpoint template. */
  region?: string | undefined;
  /** Replaces the origin (e.g. a vault's management endpoint, or the emulator); the base path stays. */
  endpoint?: string | undefined;
  /** Strategy for operations that retry by default (`x-obmcs-client-retries-enabled`). */
  retry?: RetryStrategy | undefined;
  /**
   * Response validation. Default "warn": a spec that drifted from the service must not turn a
   * successful call into an exception in production; it is reported once per operation.
   * Use "strict" in tests and CI to catch drift, "off" to skip the work.
   */
  validation?: ValidationMode | undefined;
  timeoutMs?: number | undefined;
  /** Receives validation warnings. Default: `process.emitWarning` (`console.warn` where there is no process). */
  onWarning?: ((message: string) => void) | undefined;
  /** Headers sent with every request (e.g. `opc-client-info`), in any form fetch accepts. */
  headers?: HeadersInput | undefined;
}

export interface Client {
  /** The options as given, except `headers`: lower-cased into a record once. */
  readonly options: Readonly<Omit<ClientOptions, "headers">> & { readonly headers?: Readonly<Record<string, string>> | undefined };
  /** Operations already warned about in "warn" mode (one warning each, per client). */
  readonly warnedOperations: Set<string>;
  /**
   * The base URL per service, worked out on the first call: the options are frozen, and a region
   * outside the built-in table is looked up in ~/.oci/regions-config.json.
   */
  readonly baseUrls: WeakMap<ServiceInfo, string>;
}

/**
 * Where a client looks up a region outside the built-in table: the entry that created it
 * decides (Node: the regions config file and OCI_REGION_METADATA; the web entry: nowhere, it
 * has no file system). A symbol-keyed property of the client, so `Client`'s type stays as it was;
 * `Symbol.for`, so every bundled copy of this module reads it (scripts/build.ts).
 */
const EXTRA_REGIONS: unique symbol = Symbol.for("oci-raw.extraRegions");
type ClientWithRegions = Client & { readonly [EXTRA_REGIONS]?: ExtraRegions };

/**
 * createClient with the entry's region sources: oci-raw's (client-node.ts) and
 * oci-raw's web entry (web.ts) each export `createClient` over this.
 */
export function createClientWith(options: ClientOptions, extraRegions: ExtraRegions): Client {
  if (!options || typeof options.signer?.sign !== "function") {
    throw new TypeError("createClient: `signer` is required (e.g. new ApiKeySigner(...) or await authFromEnvironment())");
  }
  // Lower-cased once, so they meet the request's own (lower-case) headers under one name.
  const headers = options.headers === undefined ? undefined : Object.freeze(lowerCaseHeaders(options.headers));
  const client: ClientWithRegions = {
    options: Object.freeze({ ...options, headers }),
    warnedOperations: new Set(),
    baseUrls: new WeakMap(),
    [EXTRA_REGIONS]: extraRegions,
  };
  return client;
}

/** Node's process warning where there is one (Node, Bun, Deno); the console elsewhere (Workers, browsers). */
function defaultWarning(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (message: string, options: { code: string }) => void } }).process;
  if (typeof proc?.emitWarning === "function") proc.emitWarning(message, { code: "OCI_RAW_VALIDATION" });
  else console.warn(`OCI_RAW_VALIDATION: ${message}`);
}

/** A query value percent-encoded, or a typed error naming the parameter (an invalid Date, a lone surrogate). */
function encodeQueryValue(name: string, value: string | number | boolean | Date, operationId: string | undefined): string {
  const fail = (problem: string): OciRawError =>
    new OciRawError(`${operationId === undefined ? "" : `${operationId}: `}query parameter "${name}" ${problem}. Nothing was sent.`, {
      code: "QUERY_PARAMETER_INVALID",
    });
  if (value instanceof Date && Number.isNaN(value.getTime())) throw fail("is an invalid Date");
  try {
    return encodeURIComponent(value instanceof Date ? value.toISOString() : String(value));
  } catch {
    // URIError: a lone UTF-16 surrogate has no UTF-8 form.
    throw fail("contains a lone UTF-16 surrogate (half of a character), which has no UTF-8 form; pass a well-formed string");
  }
}

/** `?a=1&b=x%20y&c=1&c=2` from the operation's query object; undefined and null are left out. */
export function buildQuery(query: Readonly<Record<string, QueryValue>> | undefined, operationId?: string): string {
  if (!query) return "";
  let out = "";
  for (const name of Object.keys(query)) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    const values = Array.isArray(value) ? value : [value as string | number | boolean | Date];
    for (const v of values) out += `${out ? "&" : "?"}${encodeQueryValue(name, name, undefined)}=${encodeQueryValue(name, v, operationId)}`;
  }
  return out;
}

/** The service origin + base path for this client. */
export function serviceBaseUrl(client: Client, request: Pick<OperationRequest, "service" | "operationId">): string {
  const { endpoint, region } = client.options;
  const { service } = request;
  let origin: string;
  if (endpoint) origin = endpoint;
  else if (!service.endpointTemplate) {
    throw new OciRawError(
      `${service.name} has per-resource endpoints (e.g. a vault's management endpoint): ` +
        `pass createClient({ endpoint }) to call ${request.operationId}.`,
      { code: "ENDPOINT_REQUIRED" },
    );
  } else if (!region) {
    throw new OciRawError(
      `No region to fill ${service.endpointTemplate} for ${request.operationId}: pass createClient({ region }) or ({ endpoint }).`,
      { code: "REGION_REQUIRED" },
    );
  } else origin = fillEndpointTemplateFrom((client as ClientWithRegions)[EXTRA_REGIONS] ?? NO_EXTRA_REGIONS, service.endpointTemplate, region);
  return origin.replace(/\/+$/, "") + service.basePath;
}

/**
 * `.`, `..` and their percent-encoded spellings (`%2E`, `.%2e`, `%252E`…): the URL parser fetch
 * uses removes a dot segment even when encoded (`/o/%2E%2E` is `/`), so such a value would
 * address another resource (GetObject ".." is GetBucket). DECISIONS.md 16: refuse, not encode.
 */
const DOT_SEGMENT = /^(?:\.|%(?:25)*2e){1,2}$/i;

/** Why a path parameter's value cannot address exactly one segment (what to do included), or undefined when it can. */
function pathParameterProblem(value: string): string | undefined {
  if (value === "") return "is empty, which would address another resource; pass a non-empty value";
  if (DOT_SEGMENT.test(value)) {
    return `is "${value}", a dot segment the URL parser removes (even percent-encoded), which would send the request to another resource; such a name cannot be addressed through a URL path`;
  }
  return undefined;
}

function pathParameterError(request: OperationRequest, name: string, problem: string): OciRawError {
  return new OciRawError(`${request.operationId}: path parameter "${name}" ${problem}. Nothing was sent.`, { code: "PATH_PARAMETER_INVALID" });
}

/** Each `{name}` of the path template, percent-encoded as exactly one segment — or a typed error before anything is signed. */
function buildPath(request: OperationRequest): string {
  return request.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const raw = request.pathParams?.[name];
    if (raw === undefined || raw === null) {
      throw new TypeError(`${request.operationId}: path parameter "${name}" is required`);
    }
    const value = String(raw);
    const problem = pathParameterProblem(value);
    if (problem !== undefined) throw pathParameterError(request, name, problem);
    try {
      return encodeURIComponent(value);
    } catch {
      // URIError: a lone UTF-16 surrogate has no UTF-8 form.
      throw pathParameterError(request, name, "contains a lone UTF-16 surrogate (half of a character), which has no UTF-8 form; pass a well-formed string");
    }
  });
}

function buildHeaders(client: Client, request: OperationRequest): Record<string, string> {
  const headers: Record<string, string> = { ...client.options.headers };
  if (request.headers) {
    for (const name of Object.keys(request.headers)) {
      const value = request.headers[name];
      if (value === undefined || value === null) continue;
      headers[name.toLowerCase()] = value instanceof Date ? value.toISOString() : String(value);
    }
  }
  if (request.responseKind !== "binary" && headers["accept"] === undefined) headers["accept"] = "application/json";
  return headers;
}

function encodeBody(request: OperationRequest, headers: Record<string, string>): string | Uint8Array | ReadableStream | undefined {
  if (request.body === undefined) return undefined;
  if ((request.bodyKind ?? "json") === "json") {
    headers["content-type"] ??= "application/json";
    return JSON.stringify(request.body);
  }
  headers["content-type"] ??= "application/octet-stream";
  const body = request.body;
  if (typeof body === "string" || body instanceof Uint8Array || body instanceof ReadableStream) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(`${request.operationId}: a binary body must be a string, Uint8Array, ArrayBuffer or ReadableStream`);
}

function cachedBaseUrl(client: Client, request: OperationRequest): string {
  let url = client.baseUrls.get(request.service);
  if (url === undefined) client.baseUrls.set(request.service, (url = serviceBaseUrl(client, request)));
  return url;
}

/**
 * What `paginate` needs from a paginated operation's response: the next page's token (from the
 * header or the body property the request's `paging` names), the parameter it goes in, and
 * where the items are.
 */
function pageOf(paging: Paging, headers: Headers, data: unknown): Paged<string | undefined> {
  let next: string | undefined;
  if ("header" in paging.next) next = headers.get(paging.next.header) ?? undefined;
  else if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    const value = (data as Record<string, unknown>)[paging.next.body];
    next = typeof value === "string" ? value : undefined;
  }
  return { param: paging.param, next, items: paging.items };
}

/** The error a binary body's stream failed with, as the typed error invoke would have given. */
function bodyReadError(error: unknown, method: string, url: string, status: number): unknown {
  // The caller's own abort keeps its reason, as before a response.
  if (error instanceof Error && error.name === "AbortError") return error;
  const { origin, pathname } = new URL(url);
  const where = `${method} ${origin}${pathname}`;
  if (error instanceof Error && error.name === "TimeoutError") {
    return new OciRawError(`${where} timed out while the ${status} response's body was read (timeoutMs covers reading it).`, { code: "REQUEST_TIMEOUT", cause: error });
  }
  return new OciRawError(`${where} failed while the ${status} response's body was read: ${describeNetworkError(error)}`, { code: "NETWORK_ERROR", cause: error });
}

/**
 * A binary answer is the caller's to read (it may be a large download, so it is not read
 * here), but a body that breaks off or outlasts `timeoutMs` still fails with invoke's typed
 * errors rather than fetch's `TypeError: terminated` or a DOMException.
 */
function withTypedBody(response: Response, method: string, url: string): Response {
  const source = response.body;
  if (source === null) return response;
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(bodyReadError(error, method, url, response.status));
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * Build, sign and send one operation, and turn the answer into an OciResponse or a typed error.
 * `P` is `Paged<…>` when the request describes its `paging` (generated code gives both).
 */
export async function invoke<T, P extends Paged<string | undefined> | undefined = Paged<string | undefined> | undefined>(
  client: Client,
  request: OperationRequest<T>,
  options: CallOptions = {},
): Promise<OciResponse<T, P>> {
  const url = cachedBaseUrl(client, request) + buildPath(request) + buildQuery(request.query, request.operationId);
  const headers = buildHeaders(client, request);
  const body = encodeBody(request, headers);
  const retry = options.retry ?? (request.retryByDefault ? (client.options.retry ?? defaultRetryStrategy) : noRetry);
  // Retrying a POST is only safe with a retry token: generate one, as the OCI SDKs do.
  if (request.acceptsRetryToken && retry.maxAttempts > 1 && headers["opc-retry-token"] === undefined) {
    headers["opc-retry-token"] = globalThis.crypto.randomUUID().replaceAll("-", "");
  }
  const kind = request.responseKind ?? "json";
  const response = await sendRequest(url, {
    method: request.method,
    headers,
    body,
    signer: client.options.signer,
    fetch: client.options.fetch,
    dispatcher: client.options.dispatcher,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? client.options.timeoutMs,
    retry,
    excludeBodyFromSignature: request.excludeBodyFromSignature,
    // Reading the body is part of the request (a body that breaks off is retried like a
    // reset); a binary body is the caller's to stream.
    readBody: kind !== "binary",
  });
  const opcRequestId = response.headers.get("opc-request-id") ?? undefined;
  if (!response.ok) throw await errorFromResponse(response, { method: request.method, url });

  const opcNextPage = response.headers.get("opc-next-page") ?? undefined;
  // Long-running operations answer with a work request to poll (waitForWorkRequest).
  const opcWorkRequestId = response.headers.get("opc-work-request-id") ?? undefined;
  const base = { status: response.status, headers: response.headers, opcRequestId, opcNextPage, ...(opcWorkRequestId === undefined ? {} : { opcWorkRequestId }) };
  // The paging description is the request's; its type is the generated function's promise.
  const paged = (data: unknown): OciResponse<T, P> =>
    (request.paging ? { ...base, data, paging: pageOf(request.paging, response.headers, data) } : { ...base, data }) as OciResponse<T, P>;
  if (kind === "binary") return paged(withTypedBody(response, request.method, url));
  const text = await response.text();
  if (kind === "none" || text === "") return paged(undefined);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new OciRawError(
      `${request.operationId}: the ${response.status} response is not JSON (content-type ${response.headers.get("content-type") ?? "none"}, opc-request-id ${opcRequestId ?? "none"}).`,
      { code: "RESPONSE_NOT_JSON" },
    );
  }
  validateResponse(client.options.validation ?? "warn", request.operationId, request.schema, data, {
    opcRequestId,
    warned: client.warnedOperations,
    onWarning: client.options.onWarning ?? defaultWarning,
  }, request.isValid);
  return paged(data);
}
