import { OciRawError } from "../runtime/errors.js";

/**
 * A spec could not be turned into code: unreadable, malformed, or using something the
 * generator does not support. Says which file and where in it (a JSON pointer).
 */
export class GenerateError extends OciRawError {
  override name = "GenerateError";
  /** The spec file, as given to the generator. */
  readonly file: string;
  /** JSON pointer into the spec (RFC 6901), e.g. `/paths/~1users/get`; "" is the whole document. */
  readonly pointer: string;
  /** The line in the file, when known (syntax errors). */
  readonly line: number | undefined;
  /** The problem alone, without the location prefix. */
  readonly problem: string;

  constructor(message: string, where: { file: string; pointer?: string; line?: number; cause?: unknown }) {
    const pointer = where.pointer ?? "";
    const line = where.line === undefined ? "" : `:${where.line}`;
    super(`${where.file}${line}#${pointer}: ${message}`, { code: "GENERATE_ERROR", cause: where.cause });
    this.file = where.file;
    this.pointer = pointer;
    this.line = where.line;
    this.problem = message;
  }
}

/** Something the generator typed loosely (usually as `unknown`) instead of failing. */
export interface GenerateWarning {
  pointer: string;
  message: string;
}

/** Encodes path segments as a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function pointerOf(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/**
 * Percent-decodes a `$ref`'s pointer text (a URI fragment). A `%` that starts no escape
 * (`%zz`, a cut `%E0%A4%A`) is kept as it is: this never throws, so a malformed pointer is
 * one that points at nothing (load.ts's `checkLocalRefs` says so, naming it) rather than a URIError.
 */
export function decodePercent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Whether `text` percent-decodes without error (every `%` starts an escape of UTF-8). */
export function isPercentEncoded(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** Splits a JSON pointer into its decoded segments. */
export function segmentsOf(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return pointer === "/" ? [""] : [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => decodePercent(s.replace(/~1/g, "/").replace(/~0/g, "~")));
}
