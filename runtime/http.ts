/**
 * signedFetch: sign → send → (retry / refresh once on 401) → the raw Response, whatever its
 * status, like fetch. The loop itself is request.ts's `sendRequest`, which the auth providers'
 * own requests share.
 */
import { sendRequest } from "./request.js";
import type { RequestSigner } from "./signers.js";
import type { TransportOptions } from "./transport.js";
import type { RetryStrategy } from "./retry.js";

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
