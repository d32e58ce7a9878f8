/**
 * Auth code's requests (IMDS, federation, resource principal endpoints) on the one HTTP path
 * (request.ts `sendRequest`, which `signedFetch` uses too): the transport option shape of
 * DECISIONS.md 1, a per-attempt timeout, a short retry strategy, the 401 rule. Errors are
 * AuthErrors naming what was asked and where — never a body, since bodies here carry keys and
 * tokens.
 */
import { AuthError, OciRawError } from "../errors.js";
import { sendRequest } from "../request.js";
import { retryStrategy, type RetryStrategy } from "../retry.js";
import type { RequestSigner } from "../signers.js";
import { describeNetworkError, type TransportOptions } from "../transport.js";

/** What every auth provider takes for its own requests: the one transport shape, plus retry and timeout. */
export interface AuthTransportOptions extends TransportOptions {
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
 * One auth request through `sendRequest`, signed when `signer` is given. Token requests (POST)
 * are safe to repeat — each one just mints a token — so every method is retried alike.
 * Returns any status the caller must judge (e.g. 404, 401); a failure without an answer is an
 * AuthError `AUTH_ENDPOINT_UNREACHABLE` whose cause is the transport's error.
 */
export async function authRequest(
  request: { method: "GET" | "POST"; url: string; headers?: Record<string, string> | undefined; body?: string | undefined; signer?: RequestSigner | undefined },
  what: string,
  options: AuthTransportOptions = {},
): Promise<HttpAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  const unreachable = (reason: string, cause: unknown): AuthError =>
    new AuthError(`Could not reach ${what} at ${request.url}: ${reason}.`, { code: "AUTH_ENDPOINT_UNREACHABLE", cause });
  let response: Response;
  try {
    response = await sendRequest(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signer: request.signer,
      fetch: options.fetch,
      dispatcher: options.dispatcher,
      retry: options.retry ?? DEFAULT_AUTH_RETRY,
      timeoutMs,
      repeatable: true,
      // The body is part of the answer: one that breaks off or stalls is retried like a reset.
      readBody: true,
    });
  } catch (cause) {
    if (cause instanceof OciRawError && cause.code === "REQUEST_TIMEOUT") throw unreachable(`no answer within ${timeoutMs} ms`, cause);
    if (cause instanceof OciRawError && cause.code === "NETWORK_ERROR") throw unreachable(describeNetworkError(cause.cause), cause);
    throw cause;
  }
  return { status: response.status, headers: response.headers, text: await response.text() };
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
    // No cause: JSON.parse's message quotes the body, which can carry a token.
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
