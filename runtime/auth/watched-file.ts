/**
 * Noticing that a file was rewritten (`oci session refresh`, a token injector), cheaply:
 * one `stat` shared by concurrent callers, compared with what was last read.
 */
import { stat } from "node:fs/promises";

interface Seen {
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
}

export class WatchedFile {
  readonly path: string;
  #seen: Seen | undefined;
  #checking: Promise<boolean> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Record the file's current state (call just before reading it). Missing file → nothing recorded. */
  async mark(): Promise<void> {
    try {
      const s = await stat(this.path);
      this.#seen = { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
    } catch {
      this.#seen = undefined;
    }
  }

  /**
   * True when the file differs (mtime, size or inode) from when it was last marked. A file that
   * cannot be stat'ed counts as unchanged: reading it will report the problem.
   */
  changed(): Promise<boolean> {
    if (this.#checking) return this.#checking;
    const check = async (): Promise<boolean> => {
      await undefined;
      try {
        const s = await stat(this.path);
        const seen = this.#seen;
        return !seen || seen.mtimeMs !== s.mtimeMs || seen.size !== s.size || seen.ino !== s.ino;
      } catch {
        return false;
      } finally {
        this.#checking = undefined;
      }
    };
    this.#checking = check();
    return this.#checking;
  }
}
