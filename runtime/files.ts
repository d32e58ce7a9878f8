/**
 * Why a file could not be read, in words, for every error that names a file (config, keys,
 * certificates, token files, the CLI's file:// bodies). Internal: not part of the public API.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";

/** "does not exist", "is a directory", "is not readable (permission denied)" or "cannot be read (EIO)". */
export function whyUnreadable(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EISDIR":
      return "is a directory";
    case "EACCES":
    case "EPERM":
      return "is not readable (permission denied)";
    default:
      return `cannot be read (${code ?? "error"})`;
  }
}

/** True when the error says the file does not exist. */
export function isMissingFile(cause: unknown): boolean {
  return (cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * Files already warned about as too open, so each is named once per process: one set for the
 * process under a `Symbol.for` key, because the package ships more than one bundled copy of this
 * module (`oci-raw`, `oci-raw/auth`; scripts/build.ts).
 */
const warnedTooOpen: Set<string> = ((globalThis as { [key: symbol]: unknown })[Symbol.for("oci-raw.warnedTooOpen")] ??= new Set<string>()) as Set<string>;

/**
 * Warn once per file and process when a file that holds credentials (a private key, the config
 * file) can be read or written by its group or others (mode & 0o077), with the `chmod` that fixes
 * it, as the OCI CLI does. Never fails: containers often run as root with odd modes. Skipped on
 * Windows, where POSIX modes mean nothing.
 */
export function warnIfTooOpen(file: string, what: string, warn: (message: string) => void): void {
  if (process.platform === "win32") return;
  const path = resolve(file);
  if (warnedTooOpen.has(path)) return;
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return;
  }
  if ((mode & 0o077) === 0) return;
  warnedTooOpen.add(path);
  const octal = (mode & 0o777).toString(8).padStart(3, "0");
  const quoted = /^[\w./+,:@%=-]+$/.test(file) ? file : `'${file.replaceAll("'", `'\\''`)}'`;
  warn(
    `Permissions on ${what} ${file} are too open (mode ${octal}: its group or others can access it). ` +
      `Only you should be able to read it: run \`chmod 600 ${quoted}\`.`,
  );
}
