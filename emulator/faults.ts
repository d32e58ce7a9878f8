/**
 * Injected faults for the next N requests: failures with an OCI error answer, delays, dropped
 * connections, and answers whose body breaks off. Each kind is its own FIFO queue of counted entries, so
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
  /**
   * Answer the next `count` requests as usual (status, headers, the full `content-length`) but
   * send only the body's first `afterBytes` bytes (default: half of it; never all of it: an
   * empty body, or a 204 or 304, is answered whole), then destroy the
   * socket ("reset", the default: a body that breaks off mid-read) or send nothing more and
   * leave the connection open ("stall": a body that never ends, until the client gives up).
   */
  breakBodyNext(count: number, options?: BreakBodyOptions): void;
  clear(): void;
}

export interface BreakBodyOptions {
  /** Body bytes sent before the break, at most all but the last. Default: half of the body. */
  readonly afterBytes?: number | undefined;
  /** Default "reset". */
  readonly then?: "reset" | "stall" | undefined;
}

/** A queued body break, as the server applies it. */
export interface BodyBreak {
  readonly afterBytes: number | "half";
  readonly then: "reset" | "stall";
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
  readonly #breaks: Counted<BodyBreak>[] = [];

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

  breakBodyNext(count: number, options: BreakBodyOptions = {}): void {
    checkCount(count);
    const { afterBytes, then = "reset" } = options;
    if (afterBytes !== undefined && (!Number.isInteger(afterBytes) || afterBytes < 0)) {
      throw new TypeError(`faults.breakBodyNext: afterBytes must be a non-negative integer, got ${afterBytes}`);
    }
    if (then !== "reset" && then !== "stall") throw new TypeError(`faults.breakBodyNext: then must be "reset" or "stall", got ${String(then)}`);
    this.#breaks.push({ remaining: count, value: { afterBytes: afterBytes ?? "half", then } });
  }

  clear(): void {
    this.#fails.length = 0;
    this.#delays.length = 0;
    this.#drops.length = 0;
    this.#breaks.length = 0;
  }

  /** The faults for the request being handled now (consumes one of each queued kind). */
  takeNext(): {
    readonly delayMs: number;
    readonly drop: boolean;
    readonly fail: FailFault | undefined;
    readonly breakBody: BodyBreak | undefined;
  } {
    const delayMs = take(this.#delays) ?? 0;
    const drop = take(this.#drops) ?? false;
    // A dropped request never answers, so it does not use up a queued failure or break.
    const fail = drop ? undefined : take(this.#fails);
    const breakBody = drop ? undefined : take(this.#breaks);
    return { delayMs, drop, fail, breakBody };
  }
}
