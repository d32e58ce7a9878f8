/**
 * Why a file could not be read, in words, for every error that names a file (config, keys,
 * certificates, token files, the CLI's file:// bodies). Internal: not part of the public API.
 */

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
