/** Retry strategies (placeholder types; the loop lands with signedFetch). */
export interface RetryStrategy {
  /** Total attempts including the first; 1 means no retry. */
  readonly maxAttempts: number;
}
export const noRetry: RetryStrategy = Object.freeze({ maxAttempts: 1 });
