/**
 * The one way auth code talks HTTP (IMDS, federation, resource principal endpoints): the
 * transport option shape of DECISIONS.md 1, a per-attempt timeout, and retries of network
 * errors, 429 and 5xx. Errors are AuthErrors naming what was asked and where — never a body,
 * since bodies here carry keys and tokens.
 */
import { AuthError } from "../errors.js";
import { decideRetry, retryStrategy, sleep, type RetryStrategy } from "../retry.js";
import { signRequest, type SignatureHeaderLists, type SigningCredentials } from "../signing.js";
import { describeNetworkError, transportFetch, type TransportOptions } from "../transport.js";

export interface AuthHttpOptions extends TransportOptions {
  /** Retries of network errors, 429 and 5xx. Default `DEFAULT_AUTH_RETRY` (3 attempts, short backoff). */
  retry?: RetryStrategy | undefined;
  /** Per-attempt timeout in ms. Default 10 000. */
  timeoutMs?: number | undefined;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * Auth requests are retried quickly and briefly: a signer is usually created on the request
 * path, so a dead IMDS should fail in seconds, not after the SDKs' 8 attempts.
 */
export const DEFAULT_AUTH_RETRY: RetryStrategy = retryStrategy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 });
export const DEFAULT_AUTH_TIMEOUT_MS = 10_000;

/**
 * Send a request, retrying transient failures. `init()` is called per attempt, so signed
 * requests are signed afresh. Returns any status the caller must judge (e.g. 404, 401).
 */
export async function requestWithRetry(
  url: string,
  init: () => Promise<RequestInit> | RequestInit,
  what: string,
  options: AuthHttpOptions = {},
): Promise<HttpAnswer> {
  const strategy = options.retry ?? DEFAULT_AUTH_RETRY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const requestInit = await init();
    // Token requests (POST) are safe to repeat: each one just mints a token.
    const method = (requestInit.method ?? "GET").toUpperCase();
    try {
      const response = await transportFetch(options, url, { ...requestInit, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      const decision = decideRetry(strategy, {
        attempt,
        method,
        hasRetryToken: true,
        status: response.status,
        retryAfter: response.headers.get("retry-after") ?? undefined,
      });
      if (decision.retry) {
        await sleep(decision.delayMs);
        continue;
      }
      return { status: response.status, headers: response.headers, text };
    } catch (cause) {
      const decision = decideRetry(strategy, { attempt, method, hasRetryToken: true, error: cause });
      if (decision.retry) {
        await sleep(decision.delayMs);
        continue;
      }
      const name = (cause as Error | undefined)?.name;
      const reason =
        name === "TimeoutError" || name === "AbortError" ? `no answer within ${timeoutMs} ms` : describeNetworkError(cause);
      throw new AuthError(`Could not reach ${what} at ${url}: ${reason}${attempt > 1 ? ` (after ${attempt} attempts)` : ""}.`, {
        code: "AUTH_ENDPOINT_UNREACHABLE",
        cause: new Error(reason),
      });
    }
  }
}

/**
 * `requestWithRetry` for a request signed with `credentials`, afresh on every attempt (a retry
 * needs a new date). A POST body is signed as JSON, the signer's default content-type.
 */
export function signedRequestWithRetry(
  request: { method: "GET" | "POST"; url: string; body?: string | undefined },
  credentials: SigningCredentials,
  lists: SignatureHeaderLists,
  what: string,
  options: AuthHttpOptions,
): Promise<HttpAnswer> {
  return requestWithRetry(
    request.url,
    () => {
      const init: RequestInit = { method: request.method, headers: wireHeaders(signRequest(request, credentials, lists).headers) };
      if (request.body !== undefined) init.body = request.body;
      return init;
    },
    what,
    options,
  );
}

/** The text of a 200 answer; any other status is an AuthError (see `httpStatusError`). */
export function okText(answer: HttpAnswer, what: string, url: string, hint = ""): string {
  if (answer.status !== 200) throw httpStatusError(what, url, answer, hint);
  return answer.text;
}

/** An AuthError for a non-2xx answer: endpoint, status and OCI's error code/message when the body is one. */
export function httpStatusError(what: string, url: string, answer: HttpAnswer, hint = ""): AuthError {
  let detail = "";
  try {
    const body = JSON.parse(answer.text) as { code?: unknown; message?: unknown };
    if (typeof body.code === "string") {
      detail = `: ${body.code}${typeof body.message === "string" ? ` — ${body.message.slice(0, 300)}` : ""}`;
    }
  } catch {
    // Not OCI's JSON error shape; say nothing about the body.
  }
  const requestId = answer.headers.get("opc-request-id");
  return new AuthError(
    `${what} at ${url} answered HTTP ${answer.status}${detail}${requestId ? ` (opc-request-id ${requestId})` : ""}.${hint ? ` ${hint}` : ""}`,
    { code: answer.status === 401 ? "AUTH_NOT_AUTHENTICATED" : "AUTH_ENDPOINT_ERROR" },
  );
}

/** A JSON object from an answer body, or an AuthError that does not quote the body. */
export function parseJsonObject(what: string, url: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AuthError(`${what} at ${url} answered with a body that is not JSON (${text.length} bytes).`, {
      code: "AUTH_BAD_RESPONSE",
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AuthError(`${what} at ${url} answered with JSON that is not an object.`, { code: "AUTH_BAD_RESPONSE" });
  }
  return value as Record<string, unknown>;
}

/** A required non-empty string field of a JSON answer. */
export function stringField(what: string, url: string, body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new AuthError(`${what} at ${url} answered without a "${field}" string.`, { code: "AUTH_BAD_RESPONSE" });
  }
  return value;
}

/** PEM body as one base64 string: header/footer lines and whitespace removed (what federation wants). */
export function pemBody(pem: string): string {
  return pem
    .split(/\r?\n/)
    .filter((line) => !line.startsWith("-----"))
    .join("")
    .replace(/\s+/g, "");
}

/**
 * Signed headers as they go to fetch: `host` and `content-length` are dropped because fetch
 * sets both itself, to the same values the signature covers (from the URL and the string
 * body); an explicit content-length is rejected once the `undici` package has installed its
 * global dispatcher.
 */
export function wireHeaders(signed: Record<string, string>): Record<string, string> {
  const { host: _host, "content-length": _length, ...rest } = signed;
  return rest;
}
