/**
 * The one HTTP path: sign (when there is a signer) → send → retry / refresh once on 401 → the
 * raw Response, whatever its status. `signedFetch` (below) and every auth provider's own
 * requests (instance metadata, federation, resource principal token endpoints) go through
 * `sendRequest`, so retries, per-attempt timeouts, the 401 rule and header handling live here
 * only. Every attempt is signed afresh (new date), the bytes sent are exactly the bytes
 * hashed, and a discarded response's body is drained so its socket is reused.
 *
 * The package entry exports `signedFetch` and its option types; `sendRequest` is internal.
 */
import { OciRawError } from "./errors.js";
import { keyIdOfAuthorization, lowerCaseHeaders, methodHasBody, UNSENDABLE_HEADER_CHARACTER, type HeadersInput } from "./signing-core.js";
import type { RequestSigner } from "./signing-core.js";
import { decideRetry, noRetry, sleep, type RetryAttempt, type RetryStrategy } from "./retry.js";
import { describeNetworkError, redactUserinfo, transportFetch, type TransportOptions } from "./transport.js";

/** A request body. Streams are sent as they come and need `excludeBodyFromSignature`. */
export type SignedFetchBody = string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** What `onRetry` hears before each retry (for logging; no secrets in it). */
export interface RetryNotice {
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly status?: number | undefined;
  readonly error?: unknown;
}

export interface SignedFetchOptions extends TransportOptions {
  /** Default GET. */
  method?: string | undefined;
  /** Any form fetch accepts: a `Headers` object, `[name, value]` pairs or a record. */
  headers?: HeadersInput | undefined;
  body?: SignedFetchBody | null | undefined;
  signer: RequestSigner;
  /** Cancels the request, and any backoff wait, with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Per attempt; a timed-out attempt counts as a network failure for the retry policy. */
  timeoutMs?: number | undefined;
  /** Default `noRetry` (a raw request does what it is told, once). */
  retry?: RetryStrategy | undefined;
  /** Don't sign the body (streamed uploads, e.g. Object Storage PutObject). */
  excludeBodyFromSignature?: boolean | undefined;
  /** Called before each retry wait. */
  onRetry?: ((notice: RetryNotice) => void) | undefined;
}

export interface SendOptions extends Omit<SignedFetchOptions, "signer"> {
  /** Absent: the request goes unsigned (instance metadata). */
  signer?: RequestSigner | undefined;
  /**
   * The request is safe to repeat whatever its method (auth token requests: each one just
   * mints a token), as if it carried an `opc-retry-token`.
   */
  repeatable?: boolean | undefined;
  /**
   * Read the whole body as part of each attempt, and resolve to a Response holding those
   * bytes: a body that breaks off, cannot be decoded or outlasts `timeoutMs` is then a typed
   * failure of the attempt, retried like one (invoke's JSON responses).
   */
  readBody?: boolean | undefined;
}

type PreparedBody = { kind: "bytes"; bytes: Uint8Array } | { kind: "stream"; stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> } | { kind: "none" };

const EMPTY = new Uint8Array(0);
/** TextEncoder rather than Buffer: this module is also the web entry's (no Buffer there). Stateless. */
const UTF8 = new TextEncoder();

function isStream(body: unknown): body is ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> {
  return (
    body instanceof ReadableStream ||
    (typeof body === "object" && body !== null && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function")
  );
}

/** Bytes are encoded once, so what is hashed is what is sent. */
function prepareBody(body: SendOptions["body"], method: string, excludeBody: boolean): PreparedBody {
  if (body == null) {
    // OCI signs content-length: 0 for an empty POST/PUT/PATCH; send an empty body so the
    // wire says so too (fetch sends no content-length for a body-less PATCH).
    return methodHasBody(method) ? { kind: "bytes", bytes: EMPTY } : { kind: "none" };
  }
  if (method === "GET" || method === "HEAD") {
    throw new TypeError(`signedFetch: a ${method} request cannot have a body`);
  }
  if (typeof body === "string") return { kind: "bytes", bytes: UTF8.encode(body) };
  if (body instanceof Uint8Array) return { kind: "bytes", bytes: body };
  if (body instanceof ArrayBuffer) return { kind: "bytes", bytes: new Uint8Array(body) };
  if (isStream(body)) {
    if (!excludeBody) {
      throw new TypeError(
        "signedFetch: a stream body can only be sent with excludeBodyFromSignature (OCI signs a body's SHA-256, which needs the whole body first); pass bytes or a string instead",
      );
    }
    return { kind: "stream", stream: body };
  }
  throw new TypeError("signedFetch: body must be a string, Uint8Array, ArrayBuffer, ReadableStream or AsyncIterable");
}

/** AbortSignal.any (Node ≥ 20.3), or the same by hand. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (signals.length === 1) return signals[0]!;
  if (typeof AbortSignal.any === "function") return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true, signal: controller.signal });
  }
  return controller.signal;
}

/** An HTTP token (RFC 9110): what fetch accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Headers Node's fetch (undici) manages itself and refuses from a caller while sending;
 * `connection` it takes only as "close" or "keep-alive".
 */
const FETCH_OWN_HEADERS: ReadonlySet<string> = new Set(["transfer-encoding", "keep-alive", "upgrade", "expect"]);

/**
 * Throws a TypeError naming the first header fetch would refuse — never quoting its value: it
 * may be a token. `new Headers` alone is not enough: it lets control characters through that
 * fetch then refuses while sending, which would look like (and be retried as) a network failure.
 */
function checkHeaders(headers: Record<string, string>, whose: string): void {
  for (const name of Object.keys(headers)) {
    if (!HEADER_NAME.test(name)) throw new TypeError(`signedFetch: ${whose} header ${JSON.stringify(name)} has an invalid name`);
    const value = headers[name]!;
    if (FETCH_OWN_HEADERS.has(name) || (name === "connection" && !/^(?:close|keep-alive)$/i.test(value))) {
      throw new TypeError(`signedFetch: fetch does not send a caller's ${JSON.stringify(name)} header${name === "connection" ? ` other than "close" or "keep-alive"` : ""}; leave it out`);
    }
    if (name === "content-length" && !/^\d+$/.test(value)) {
      throw new TypeError(`signedFetch: the content-length header must be a number of bytes (fetch refuses any other); leave it out to have it computed`);
    }
    if (UNSENDABLE_HEADER_CHARACTER.test(value)) {
      throw new TypeError(
        `signedFetch: ${whose} header ${JSON.stringify(name)} has a character fetch cannot send in its value (a line break, another control character, or one above U+00FF)`,
      );
    }
  }
}

/**
 * The URL to send to, or a TypeError before anything is signed: fetch refuses these only when
 * sending (reported as, and retried like, network errors), and its message would quote a
 * password given in the URL.
 */
function parseRequestUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    // Node's error carries the input (`error.input`), which may hold a password: not kept.
    throw new TypeError(`signedFetch: not a valid absolute URL: ${redactUserinfo(String(input))}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`signedFetch: the URL must be https: or http:, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError(
      `signedFetch: the URL has a user name or password in it (${redactUserinfo(url.href)}); OCI requests are authenticated by their signature, and fetch refuses URLs with user:password@ — remove it`,
    );
  }
  return url;
}

/**
 * The response with its whole body read into memory (for `readBody`). A null-body status
 * (204, 205, 304) keeps a null body: Response refuses any other.
 */
async function bufferedResponse(response: Response): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
  return new Response(nullBody ? null : bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The typed failure of an attempt that got no (whole) response: REQUEST_TIMEOUT or NETWORK_ERROR, `error` as cause. */
function attemptFailure(
  where: { method: string; url: URL; attempt: number; timeoutMs: number | undefined },
  timedOut: boolean,
  status: number | undefined,
  error: unknown,
): OciRawError {
  const { method, url, attempt, timeoutMs } = where;
  const target = `${method} ${url.origin}${url.pathname}`;
  if (timedOut) {
    const during = status === undefined ? "" : ` while reading the ${status} response's body`;
    return new OciRawError(`${target} timed out after ${timeoutMs} ms${during} (attempt ${attempt}).`, { code: "REQUEST_TIMEOUT", cause: error });
  }
  const what = status === undefined ? "failed without a response" : `failed while reading the ${status} response's body`;
  return new OciRawError(`${target} ${what} (attempt ${attempt}): ${describeNetworkError(error)}`, { code: "NETWORK_ERROR", cause: error });
}

/** Read and discard a body we won't return, so the connection goes back to the pool. */
async function drain(response: Response): Promise<void> {
  try {
    await response.arrayBuffer();
  } catch {
    // the connection is unusable anyway
  }
}

/** OCI's error code from a (cloned) response body, for the 409 IncorrectState rule. */
async function peekErrorCode(response: Response): Promise<string | undefined> {
  try {
    const parsed: unknown = JSON.parse(await response.clone().text());
    const code = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["code"] : undefined;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Send one request, returning the raw Response whatever its status (see `signedFetch`).
 * Failures without a response are OciRawErrors, code `NETWORK_ERROR` or `REQUEST_TIMEOUT`,
 * with the underlying error as `cause`.
 */
export async function sendRequest(input: string | URL, options: SendOptions): Promise<Response> {
  const url = parseRequestUrl(input);
  const method = (options.method ?? "GET").toUpperCase();
  const excludeBody = options.excludeBodyFromSignature === true;
  const body = prepareBody(options.body, method, excludeBody);
  const callerHeaders = lowerCaseHeaders(options.headers);
  // fetch rejects a bad header only when sending, which would look like (and be retried as)
  // a network failure: check once here instead.
  checkHeaders(callerHeaders, "the");
  const strategy = body.kind === "stream" ? noRetry : (options.retry ?? noRetry);
  const hasRetryToken = options.repeatable === true || callerHeaders["opc-retry-token"] !== undefined;
  const callerSignal = options.signal;
  let refreshed = body.kind === "stream"; // a stream cannot be sent twice
  let attempt = 0;

  for (;;) {
    callerSignal?.throwIfAborted();
    attempt += 1;
    const signed = options.signer
      ? await options.signer.sign({ method, url, headers: callerHeaders, body: body.kind === "bytes" ? body.bytes : undefined, excludeBody })
      : { ...callerHeaders };
    // A signer's own headers (a custom one's too) get the same check as the caller's.
    checkHeaders(signed, "the signed");
    // fetch derives `host` from the URL, the same way the signer did (default ports dropped).
    delete signed["host"];
    if (body.kind === "bytes") {
      // fetch computes content-length from these very bytes, so leave it to fetch: an explicit
      // one is rejected ("invalid content-length header") once the `undici` package has
      // installed its global dispatcher under Node 20's built-in fetch.
      const declared = signed["content-length"];
      if (declared !== undefined && Number(declared) !== body.bytes.byteLength) {
        throw new TypeError(`signedFetch: content-length ${declared} does not match the body's ${body.bytes.byteLength} bytes`);
      }
      delete signed["content-length"];
    }

    const timeoutSignal = options.timeoutMs !== undefined ? AbortSignal.timeout(options.timeoutMs) : undefined;
    const signals = [callerSignal, timeoutSignal].filter((s): s is AbortSignal => s !== undefined);
    const init: RequestInit & { duplex?: "half" } = { method, headers: signed, redirect: "manual" };
    if (signals.length > 0) init.signal = anySignal(signals);
    // The DOM lib's BodyInit takes only ArrayBuffer-backed views (TypeScript 5.9); the bytes are
    // the caller's or TextEncoder's, and fetch copies them either way.
    if (body.kind === "bytes") init.body = body.bytes as Uint8Array<ArrayBuffer>;
    else if (body.kind === "stream") {
      init.body = body.stream as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }

    let response: Response | undefined;
    let failure: unknown;
    let status: number | undefined;
    try {
      response = await transportFetch(options, url, init);
      status = response.status;
      if (options.readBody === true) response = await bufferedResponse(response);
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      response = undefined;
      failure = attemptFailure({ method, url, attempt, timeoutMs: options.timeoutMs }, timeoutSignal?.aborted === true, status, error);
    }

    if (response?.status === 401 && !refreshed && options.signer?.refresh) {
      refreshed = true;
      await drain(response);
      const keyId = keyIdOfAuthorization(signed["authorization"]);
      await options.signer.refresh(keyId === undefined ? undefined : { keyId });
      attempt -= 1; // the refresh retry does not use up the retry budget
      continue;
    }

    const seen: RetryAttempt = response
      ? {
          attempt,
          method,
          hasRetryToken,
          status: response.status,
          errorCode: response.status === 409 ? await peekErrorCode(response) : undefined,
          retryAfter: response.headers.get("retry-after") ?? undefined,
        }
      : { attempt, method, hasRetryToken, error: failure };
    const decision = decideRetry(strategy, seen);
    if (!decision.retry) {
      if (response) return response;
      throw failure;
    }
    if (response) await drain(response);
    options.onRetry?.({ attempt, delayMs: decision.delayMs, status: response?.status, error: failure });
    await sleep(decision.delayMs, callerSignal);
  }
}

/**
 * Sign and send one OCI request, returning the raw Response whatever its status. Use
 * `errorFromResponse` (service-error.ts) to turn a non-2xx answer into an OciServiceError.
 *
 * Retries follow `retry` (default: none); a signer with `refresh()` that meets a 401 is
 * refreshed and the request sent once more (a second 401 is returned as is). A stream body
 * is sent once: it cannot be replayed for a retry. A failure without a response is an
 * OciRawError, code `NETWORK_ERROR` or `REQUEST_TIMEOUT`, whose `cause` is the fetch error.
 */
export function signedFetch(input: string | URL, options: SignedFetchOptions): Promise<Response> {
  return sendRequest(input, options);
}
