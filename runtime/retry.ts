/**
 * Retry strategies as plain frozen values, and the pure decision they imply: whether one
 * finished attempt should be retried, and after how long. The loop that uses them (with
 * re-signing per attempt) is in http.ts; nothing here touches a timer except `sleep`.
 *
 * Defaults follow the OCI SDKs: 8 attempts, exponential backoff capped at 30 s with full
 * jitter; retried are network errors that can go away on another try (a reset or refused
 * connection, a timeout, a temporary DNS failure — as undici's retry handler lists them; never a
 * TLS or certificate failure, nor a name that does not resolve), 429, 5xx except 501, and 409
 * IncorrectState / LockConflict (Python); POST and PATCH only when they carry an
 * `opc-retry-token`.
 */

/** What the policy sees about an attempt that just finished. */
export interface RetryAttempt {
  /** How many attempts have been made so far (1 after the first). */
  readonly attempt: number;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The request carries an `opc-retry-token`, making a POST/PATCH safe to repeat. */
  readonly hasRetryToken: boolean;
  /** The response status; undefined when the attempt failed without a response. */
  readonly status?: number | undefined;
  /** OCI's error `code` from the response body (read for 409 only). */
  readonly errorCode?: string | undefined;
  /** The `retry-after` response header, as sent. */
  readonly retryAfter?: string | undefined;
  /** The network error (or per-attempt timeout) when there was no response. */
  readonly error?: unknown;
}

/** Should this finished attempt be retried (attempt budget aside)? */
export type RetryPolicy = (attempt: RetryAttempt) => boolean;

export interface RetryStrategy {
  /** Total attempts including the first; 1 means no retry. */
  readonly maxAttempts: number;
  /** Backoff before retry n is up to `baseDelayMs * 2^(n-1)`… */
  readonly baseDelayMs: number;
  /** …capped here. A `retry-after` longer than this is capped too. */
  readonly maxDelayMs: number;
  /** "full": a uniformly random delay in [0, backoff] (AWS "full jitter"); "none": exactly the backoff. */
  readonly jitter: "full" | "none";
  readonly shouldRetry: RetryPolicy;
}

/**
 * Error codes of failures that another attempt can get past: undici's retry handler's list
 * (less ENOTFOUND: a name that does not resolve will not resolve in a second), Node's temporary
 * DNS failure, and undici's and this runtime's timeouts.
 */
const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENETDOWN",
  "ENETUNREACH",
  "EHOSTDOWN",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "REQUEST_TIMEOUT",
]);

/** Whether an attempt's failure, or one of its causes, is one another attempt can get past. */
export function isTransientError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === "object" && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_ERROR_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const RETRYABLE_409_CODES: ReadonlySet<string> = new Set(["IncorrectState", "LockConflict"]);
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/** The OCI SDKs' policy (see the module comment). Pure: replace it through `retryStrategy({ shouldRetry })`. */
export function isRetryable(attempt: RetryAttempt): boolean {
  const method = attempt.method.toUpperCase();
  if (!IDEMPOTENT_METHODS.has(method) && !attempt.hasRetryToken) return false;
  const status = attempt.status;
  if (status === undefined) return isTransientError(attempt.error);
  if (status === 429) return true;
  if (status === 409) return attempt.errorCode !== undefined && RETRYABLE_409_CODES.has(attempt.errorCode);
  return status >= 500 && status !== 501;
}

export interface RetryStrategyOptions {
  /** Default 8. */
  maxAttempts?: number | undefined;
  /** Default 1 000 ms. */
  baseDelayMs?: number | undefined;
  /** Default 30 000 ms. */
  maxDelayMs?: number | undefined;
  /** Default "full". `true`/`false` are accepted as "full"/"none". */
  jitter?: "full" | "none" | boolean | undefined;
  /** Default `isRetryable`. */
  shouldRetry?: RetryPolicy | undefined;
}

function checkNumber(name: string, value: number, min: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new TypeError(`retryStrategy: ${name} must be ${integer ? "an integer" : "a number"} >= ${min}, got ${value}`);
  }
  return value;
}

/**
 * A retry strategy value. `retryStrategy({ maxAttempts: 4 })` is the Python SDK's
 * `RetryStrategyBuilder().add_max_attempts(4).get_retry_strategy()`.
 */
export function retryStrategy(options: RetryStrategyOptions = {}): RetryStrategy {
  const jitter = options.jitter === undefined || options.jitter === true ? "full" : options.jitter === false ? "none" : options.jitter;
  if (jitter !== "full" && jitter !== "none") throw new TypeError(`retryStrategy: jitter must be "full" or "none", got ${String(jitter)}`);
  return Object.freeze({
    maxAttempts: checkNumber("maxAttempts", options.maxAttempts ?? 8, 1, true),
    baseDelayMs: checkNumber("baseDelayMs", options.baseDelayMs ?? 1000, 0, false),
    maxDelayMs: checkNumber("maxDelayMs", options.maxDelayMs ?? 30_000, 0, false),
    jitter,
    shouldRetry: options.shouldRetry ?? isRetryable,
  });
}

/** The OCI SDKs' default: 8 attempts, 1 s doubling to at most 30 s, full jitter. */
export const defaultRetryStrategy: RetryStrategy = retryStrategy();

/** Exactly one attempt. */
export const noRetry: RetryStrategy = retryStrategy({ maxAttempts: 1 });

/**
 * `retry-after` as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110).
 * Undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The backoff before the retry that follows `attempt` (1-based), before any retry-after. */
export function backoffDelayMs(strategy: RetryStrategy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(strategy.maxDelayMs, strategy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return strategy.jitter === "full" ? Math.floor(random() * ceiling) : ceiling;
}

export type RetryDecision = { readonly retry: false } | { readonly retry: true; readonly delayMs: number };

/**
 * Whether to retry after `attempt`, and when: the whole policy as one pure function
 * (injected `random` and `now` make it deterministic in tests). A `retry-after` header
 * replaces the computed backoff, capped at `maxDelayMs`.
 */
export function decideRetry(
  strategy: RetryStrategy,
  attempt: RetryAttempt,
  clock: { random?: () => number; now?: number } = {},
): RetryDecision {
  if (attempt.attempt >= strategy.maxAttempts || !strategy.shouldRetry(attempt)) return { retry: false };
  const retryAfter = parseRetryAfter(attempt.retryAfter, clock.now ?? Date.now());
  const delayMs = retryAfter !== undefined ? Math.min(retryAfter, strategy.maxDelayMs) : backoffDelayMs(strategy, attempt.attempt, clock.random);
  return { retry: true, delayMs };
}

/** Wait `ms`, or reject promptly with the signal's reason when it aborts. Leaves no timer behind. */
export function sleep(ms: number, signal?: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
