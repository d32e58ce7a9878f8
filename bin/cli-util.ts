/**
 * What every oci-raw command shares: flag parsing with "did you mean" suggestions, exit
 * codes, colour only on a TTY without NO_COLOR, and one clean line for expected errors.
 */
import { AuthError, ConfigError, KeyError, OciRawError, OciServiceError } from "../runtime/errors.js";
import { closest } from "../runtime/suggest.js";
import { packageVersion as readPackageVersion } from "../codegen/version.js";

/** Exit codes (documented in `oci-raw --help`). */
export const EXIT = Object.freeze({
  ok: 0,
  /** A service answered non-2xx, or the request failed (network, timeout). */
  serviceError: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** Config file, key or credentials problem. */
  config: 3,
});

/** Where a command reads and writes; tests and the real process supply different ones. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stderr is a terminal (colour allowed unless NO_COLOR). */
  readonly isTTY: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isTTY: process.stderr.isTTY === true,
  };
}

/** Bad command-line input: exit code 2, one line. */
export class UsageError extends OciRawError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, { code: "USAGE_ERROR" });
  }
}

export interface FlagSpec {
  /** Without dashes, e.g. "http-method". */
  readonly name: string;
  /** Takes a value (`--name value` or `--name=value`); otherwise a switch. */
  readonly value?: string | undefined;
  readonly required?: boolean | undefined;
  /** May be given more than once; every value is in `lists` (and the last in `values`). */
  readonly repeatable?: boolean | undefined;
  readonly description: string;
  readonly example?: string | undefined;
}

export interface ParsedFlags {
  readonly values: Readonly<Record<string, string>>;
  readonly switches: ReadonlySet<string>;
  /** Every value of each repeatable flag given, in order. */
  readonly lists: Readonly<Record<string, readonly string[]>>;
}

/** Parse `argv` against `specs`; unknown flags, missing values and positionals are UsageErrors. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], command: string): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  const lists: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h") {
      switches.add("help");
      continue;
    }
    if (!arg.startsWith("--")) {
      throw new UsageError(`${command}: unexpected argument "${arg}". Flags start with --; see oci-raw ${command} --help.`);
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) {
      const near = closest(name, [...byName.keys()]);
      throw new UsageError(`${command}: unknown flag --${name}.${near ? ` Did you mean --${near}?` : ""} See oci-raw ${command} --help.`);
    }
    if (spec.value === undefined) {
      if (eq !== -1) throw new UsageError(`${command}: --${name} takes no value.`);
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || (value.startsWith("--") && value.length > 2)) {
        throw new UsageError(`${command}: --${name} needs a value (${spec.value}).${spec.example ? ` For example: ${spec.example}` : ""}`);
      }
      i += 1;
    }
    if (values[name] !== undefined && !spec.repeatable) throw new UsageError(`${command}: --${name} is given twice.`);
    values[name] = value;
    if (spec.repeatable) (lists[name] ??= []).push(value);
  }
  if (!switches.has("help")) {
    const missing = specs.filter((s) => s.required && values[s.name] === undefined).map((s) => `--${s.name}`);
    if (missing.length > 0) {
      throw new UsageError(`${command}: missing ${missing.join(" and ")}. See oci-raw ${command} --help.`);
    }
  }
  return { values, switches, lists };
}

/** Help text listing every flag with its example. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.value ? ` <${s.value}>` : ""}${s.required ? "  (required)" : ""}`, s] as const);
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows
    .map(([left, s]) => `  ${left.padEnd(width)}  ${s.description}${s.example ? `\n  ${" ".repeat(width)}  e.g. ${s.example}` : ""}`)
    .join("\n");
}

export const EXIT_CODES_HELP = `Exit codes:
  0  success (2xx)
  1  the service answered non-2xx, or the request failed (network, timeout)
  2  usage error (bad flags or arguments)
  3  config, key or credentials error`;

/** Colour only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export function painter(io: CliIo): { red: (s: string) => string; dim: (s: string) => string; bold: (s: string) => string } {
  const on = io.isTTY && (io.env["NO_COLOR"] === undefined || io.env["NO_COLOR"] === "");
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap(31), dim: wrap(2), bold: wrap(1) };
}

/** Print an error the way users should see it and return the exit code. */
export function reportError(error: unknown, io: CliIo, options: { debug?: boolean; hasDebugFlag?: boolean } = {}): number {
  const paint = painter(io);
  if (error instanceof UsageError) {
    io.stderr(`${paint.red("error:")} ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError || error instanceof KeyError || error instanceof AuthError) {
    io.stderr(`${paint.red(`${error.name}:`)} ${error.message}\n`);
    return EXIT.config;
  }
  if (error instanceof OciServiceError || error instanceof OciRawError) {
    io.stderr(`${paint.red(`${error.name}:`)} ${error.message}\n`);
    return EXIT.serviceError;
  }
  // Not an error we expected: say so, and show the stack only when debugging.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`${paint.red("unexpected error:")} ${message}\n`);
  if (options.debug && error instanceof Error && error.stack) io.stderr(`${paint.dim(error.stack)}\n`);
  else if (options.hasDebugFlag) io.stderr("Run again with --debug for details.\n");
  else if (error instanceof Error && error.stack) io.stderr(`${paint.dim(error.stack)}\n`);
  return EXIT.serviceError;
}

/** The package version (codegen/version.ts reads it for the generator's headers too). */
export function packageVersion(): string {
  return readPackageVersion() ?? "unknown";
}
