/**
 * Noticing that a file was rewritten (`oci session refresh`, a token injector), cheaply:
 * one `stat` shared by concurrent callers, compared with what was last read, and at most one
 * per `checkIntervalMs` (default 1 s) — a signer under load would otherwise stat the file for
 * every request. A change is seen within that interval; a 401 re-reads the file at once.
 */
import { stat } from "node:fs/promises";
import type { ExpiringCredentials, RefreshingCredentials } from "./refreshing.js";
import { SingleFlight } from "./single-flight.js";

interface Seen {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
}

export const DEFAULT_CHECK_INTERVAL_MS = 1000;

export class WatchedFile {
  readonly path: string;
  readonly #intervalMs: number;
  #seen: Seen | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;
  readonly #check = new SingleFlight(async (): Promise<boolean> => {
    try {
      const s = await stat(this.path);
      const seen = this.#seen;
      return !seen || seen.mtimeMs !== s.mtimeMs || seen.size !== s.size || seen.ino !== s.ino;
    } catch {
      return false;
    }
  });

  readonly #now: () => number;

  /** `now` is a clock in ms (tests); only differences are used. Default `performance.now`. */
  constructor(path: string, options: { checkIntervalMs?: number | undefined; now?: (() => number) | undefined } = {}) {
    this.path = path;
    this.#now = options.now ?? (() => performance.now());
    this.#intervalMs = options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    if (!(this.#intervalMs >= 0)) throw new TypeError(`checkIntervalMs must be a non-negative number of milliseconds, got ${String(options.checkIntervalMs)}`);
  }

  /** Record the file's current state (call just before reading it). Missing file → nothing recorded. */
  async mark(): Promise<void> {
    this.#checkedAt = this.#now();
    try {
      const s = await stat(this.path);
      this.#seen = { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
    } catch {
      this.#seen = undefined;
    }
  }

  /** Forget what was read, so the next look (after the interval) counts the file as changed. */
  forget(): void {
    this.#seen = undefined;
  }

  /**
   * True when the file differs (mtime, size or inode) from when it was last marked. A file that
   * cannot be stat'ed counts as unchanged: reading it will report the problem. Within
   * `checkIntervalMs` of the last look, unchanged without looking.
   */
  changed(): Promise<boolean> {
    const checking = this.#check.current;
    if (checking) return checking;
    const now = this.#now();
    if (now - this.#checkedAt < this.#intervalMs) return Promise.resolve(false);
    this.#checkedAt = now;
    return this.#check.start();
  }
}

/**
 * A credentials source over a token file: `refreshing` re-reads it at once when it was
 * rewritten (and no file means nothing to watch, e.g. a token given literally).
 *
 * A rewrite seen half-done — `oci session refresh` and token injectors may truncate the file
 * and write it a moment later — reads empty or unparsable. The token held is still good, so
 * signing goes on with it until it expires, and the file is read again at the next look (one
 * `checkIntervalMs` later). A 401 (`refresh`) has no such grace: the held token was refused.
 */
export function rereadOnChange(
  file: WatchedFile | undefined,
  refreshing: RefreshingCredentials,
): { credentials(): Promise<ExpiringCredentials>; refresh(): Promise<ExpiringCredentials> } {
  return {
    async credentials() {
      if (!file) return refreshing.credentials();
      const changed = await file.changed();
      try {
        return await (changed ? refreshing.refresh() : refreshing.credentials());
      } catch (error) {
        const held = refreshing.held();
        if (!held) throw error;
        file.forget();
        return held;
      }
    },
    refresh: () => refreshing.refresh(),
  };
}
