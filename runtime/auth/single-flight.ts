/**
 * One call at a time: callers that arrive while a call runs share its promise, and the first
 * caller after it settles (fulfilled or rejected) starts a new one, so a failure is never
 * cached. Used for token refreshes and token-file checks, where N concurrent requests must
 * cause one fetch or one `stat`, not N.
 */
export class SingleFlight<T> {
  readonly #run: () => Promise<T>;
  #inflight: Promise<T> | undefined;

  constructor(run: () => Promise<T>) {
    this.#run = run;
  }

  /** The call in flight, if any. */
  get current(): Promise<T> | undefined {
    return this.#inflight;
  }

  /** Join the call in flight, or start one. */
  start(): Promise<T> {
    if (this.#inflight) return this.#inflight;
    const run = async (): Promise<T> => {
      // Never settle synchronously, so `#inflight` is assigned before `finally` clears it.
      await undefined;
      try {
        return await this.#run();
      } finally {
        this.#inflight = undefined;
      }
    };
    this.#inflight = run();
    return this.#inflight;
  }
}
