/**
 * Injected faults for the next N requests: failures with an OCI error answer, delays, and
 * dropped connections. Each kind is its own FIFO queue of counted entries, so
 * `failNext(2, 429, …)` then `failNext(1, 503, …)` answers 429, 429, 503.
 */

export interface FailFault {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Faults {
  /** Answer the next `count` requests with `status` and `{ code, message }` (e.g. 429 with `retry-after`). */
  failNext(count: number, status: number, code: string, message?: string, headers?: Record<string, string>): void;
  /** Hold the next `count` requests for `ms` before handling them normally. */
  delayNext(count: number, ms: number): void;
  /** Destroy the socket of the next `count` requests without answering. */
  dropNext(count: number): void;
  clear(): void;
}

interface Counted<T> {
  remaining: number;
  readonly value: T;
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new TypeError(`faults: count must be a positive integer, got ${count}`);
}

function take<T>(queue: Counted<T>[]): T | undefined {
  const head = queue[0];
  if (head === undefined) return undefined;
  head.remaining -= 1;
  if (head.remaining === 0) queue.shift();
  return head.value;
}

export class FaultQueue implements Faults {
  readonly #fails: Counted<FailFault>[] = [];
  readonly #delays: Counted<number>[] = [];
  readonly #drops: Counted<true>[] = [];

  failNext(count: number, status: number, code: string, message?: string, headers: Record<string, string> = {}): void {
    checkCount(count);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`faults.failNext: status must be an HTTP error status (400-599), got ${status}`);
    }
    this.#fails.push({
      remaining: count,
      value: { status, code, message: message ?? `Injected fault: ${status} ${code}`, headers: { ...headers } },
    });
  }

  delayNext(count: number, ms: number): void {
    checkCount(count);
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`faults.delayNext: ms must be a non-negative number, got ${ms}`);
    this.#delays.push({ remaining: count, value: ms });
  }

  dropNext(count: number): void {
    checkCount(count);
    this.#drops.push({ remaining: count, value: true });
  }

  clear(): void {
    this.#fails.length = 0;
    this.#delays.length = 0;
    this.#drops.length = 0;
  }

  /** The faults for the request being handled now (consumes one of each queued kind). */
  takeNext(): { readonly delayMs: number; readonly drop: boolean; readonly fail: FailFault | undefined } {
    const delayMs = take(this.#delays) ?? 0;
    const drop = take(this.#drops) ?? false;
    // A dropped request never answers, so it does not use up a queued failure.
    const fail = drop ? undefined : take(this.#fails);
    return { delayMs, drop, fail };
  }
}
