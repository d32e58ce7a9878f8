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
import { keyIdOfAuthorization, lowerCaseHeaders, methodHasBody } from "./signing.js";
import type { RequestSigner } from "./signers.js";
import { decideRetry, noRetry, sleep, type RetryAttempt, type RetryStrategy } from "./retry.js";
import { describeNetworkError, transportFetch, type TransportOptions } from "./transport.js";

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
  headers?: Record<string, string | undefined> | Headers | undefined;
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
}

type PreparedBody = { kind: "bytes"; bytes: Uint8Array } | { kind: "stream"; stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> } | { kind: "none" };

const EMPTY = new Uint8Array(0);

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
  if (typeof body === "string") return { kind: "bytes", bytes: Buffer.from(body, "utf8") };
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

/** Throws a TypeError naming the first header fetch would refuse (never quoting its value: it may be a token). */
function checkHeaders(headers: Record<string, string>): void {
  try {
    new Headers(headers);
  } catch {
    for (const [name, value] of Object.entries(headers)) {
      try {
        new Headers([[name, value]]);
      } catch {
        throw new TypeError(`signedFetch: header ${JSON.stringify(name)} has an invalid name, or a line break or control character in its value`);
      }
    }
  }
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
  const url = new URL(input);
  const method = (options.method ?? "GET").toUpperCase();
  const excludeBody = options.excludeBodyFromSignature === true;
  const body = prepareBody(options.body, method, excludeBody);
  const callerHeaders = lowerCaseHeaders(options.headers);
  // fetch rejects a bad header only when sending, which would look like (and be retried as)
  // a network failure: check once here instead.
  checkHeaders(callerHeaders);
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
    if (body.kind === "bytes") init.body = body.bytes;
    else if (body.kind === "stream") {
      init.body = body.stream as ReadableStream<Uint8Array>;
      init.duplex = "half";
    }

    let response: Response | undefined;
    let failure: unknown;
    try {
      response = await transportFetch(options, url, init);
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      failure = timeoutSignal?.aborted
        ? new OciRawError(`${method} ${url.origin}${url.pathname} timed out after ${options.timeoutMs} ms (attempt ${attempt}).`, {
            code: "REQUEST_TIMEOUT",
            cause: error,
          })
        : new OciRawError(`${method} ${url.origin}${url.pathname} failed without a response (attempt ${attempt}): ${describeNetworkError(error)}`, {
            code: "NETWORK_ERROR",
            cause: error,
          });
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
