/**
 * Orchestration: spec → model → index.ts (operations, schemas, validators), types.ts, and
 * schemas.check.ts with `checks`. Output is a pure function of the spec, the options and oci-raw's version (no
 * timestamps, no absolute paths), so it is byte-identical on every machine.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import { chooseEndpoint } from "./endpoints.js";
import { emitOperations } from "./emit-operations.js";
import { emitSchemaChecks } from "./emit-schemas.js";
import { emitTypes } from "./emit-types.js";
import { recordedSha256, sourceLine, type SpecSource } from "./specs.js";
import { GenerateError, type GenerateWarning } from "./errors.js";
import { readSpec } from "./load.js";
import { buildModel } from "./model.js";
import { normalizeSpec } from "./normalize.js";
import { checkTypeCycles } from "./shape.js";
import { generatorVersion } from "./version.js";

export interface GenerateOptions {
  /** Spec files (YAML or JSON; OpenAPI 3.0, 3.1 or Swagger 2.0). */
  specs: string[];
  /** Output directory; each spec gets a folder `<outDir>/<service>/`. */
  outDir: string;
  /** Service (folder) name; only with a single spec. Default: the spec's file name. */
  name?: string | undefined;
  /** Endpoint template, e.g. `https://iaas.{region}.{domain}`; only with a single spec. */
  endpoint?: string | undefined;
  /** Paths in headers are relative to this (default: the current directory). */
  cwd?: string | undefined;
  /** How to regenerate, as written in the headers (default: the matching `oci-raw generate` command). */
  regenerateCommand?: string | undefined;
  /**
   * Also write `schemas.check.ts`: compile-time proof (by tsc) that each zod/mini schema
   * parses to the type index.ts declares it with, and index.ts without `// @ts-nocheck`. For CI
   * of a project that edits specs; it about triples the type-check time of the generated code
   * (figure 7) and nothing imports the check file. Default: false (and a check file left by an
   * earlier run with `checks` is removed).
   */
  checks?: boolean | undefined;
  /** Progress messages on long runs. */
  onProgress?: ((message: string) => void) | undefined;
  /**
   * Where the spec came from when it was fetched by name or URL (`fetchSpec`): the headers
   * then record Oracle's URL and SHA-256, and name the spec by its service.
   */
  source?: SpecSource | undefined;
  /**
   * With `source`: regenerate although the folder was generated from another version of the
   * spec (a different SHA-256 in its header). Without it that is an error: a spec that
   * changed upstream is taken on purpose, never silently.
   */
  update?: boolean | undefined;
}

export interface GeneratedService {
  spec: string;
  service: string;
  /** The folder written, e.g. `generated/identity`. */
  dir: string;
  /** File name → content. */
  files: Map<string, string>;
  operations: number;
  schemas: number;
  warnings: GenerateWarning[];
  endpointTemplate: string | undefined;
  milliseconds: number;
}

/** Every file the generator may write in a service folder (schemas.check.ts only with `checks`). */
export const GENERATED_FILES = ["types.ts", "schemas.check.ts", "index.ts"] as const;

/** Files earlier versions of the generator wrote, removed when a folder is regenerated. */
const FORMER_FILES = ["schemas.js", "schemas.d.ts", "validators.js", "validators.d.ts"] as const;

/**
 * Without `checks`, index.ts tells the user's compiler to read its declarations and skip its
 * bodies: every export carries its type, and the bodies (operations, schemas, guards) were
 * type-checked when the generator was tested — checking them again in every user build would
 * more than double its cost (DECISIONS.md 4, benchmark figure 7). With `checks` it is checked
 * in full, beside schemas.check.ts.
 */
const NO_CHECK =
  "// @ts-nocheck: every export carries its type, so your compiler reads the declarations and skips the bodies\n" +
  "// (generate with --checks to type-check them too).\n";

/** `specs/core-iaas.swagger.yaml` → `core-iaas`. */
export function serviceNameOf(spec: string): string {
  return basename(spec)
    .replace(/\.(ya?ml|json)$/i, "")
    .replace(/\.(swagger|openapi|oas3?|spec)$/i, "")
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .toLowerCase();
}

function posix(path: string): string {
  return path.split(sep).join("/");
}

/**
 * Text for a `//` comment: every JavaScript line terminator (LF, CR, U+2028, U+2029) written
 * as its escape, so a file name or flag value cannot end the comment and become code.
 */
function commentText(text: string): string {
  return text.replace(/[\n\r\u2028\u2029]/g, (c) => ({ "\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029" })[c] ?? "");
}

/** An endpoint template is an http(s) URL: no spaces or control characters (which would also be a line break in the output). */
const ENDPOINT_TEMPLATE = /^https?:\/\/[^\s\u0000-\u001f\u007f\u2028\u2029]+$/;

function shellWord(word: string): string {
  return /^[A-Za-z0-9_./{}:@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A folder generated from another version of the spec is only regenerated with `update`. */
function refuseSilentUpdate(source: SpecSource, absoluteDir: string, dir: string, specLabel: string): void {
  let recorded: string | undefined;
  try {
    recorded = recordedSha256(readFileSync(join(absoluteDir, "index.ts"), "utf8"));
  } catch {
    return; // nothing generated there yet
  }
  if (recorded !== undefined && recorded !== source.sha256) {
    throw new GenerateError(
      `${dir} was generated from the spec with SHA-256 ${recorded}; the catalog now names ${source.sha256}. ` +
        `Pass --update (update: true) to regenerate from the new spec, or generate from the old spec's URL to keep it.`,
      { file: specLabel },
    );
  }
}

/** Generates one service in memory. */
export async function generateService(spec: string, options: Omit<GenerateOptions, "specs">): Promise<GeneratedService> {
  try {
    return await generateOneService(spec, options);
  } catch (error) {
    // readSpec refuses deep nesting up front; this is the net under every other recursion.
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new GenerateError("the spec nests schemas too deeply for the generator (it ran out of stack); give the inner schemas names.", {
        file: spec,
        cause: error,
      });
    }
    // Every error names the spec, also one thrown by a step that was not told its name.
    if (error instanceof GenerateError && error.file === "") {
      throw new GenerateError(error.problem, { file: spec, pointer: error.pointer, ...(error.line === undefined ? {} : { line: error.line }), cause: error.cause });
    }
    throw error;
  }
}

async function generateOneService(spec: string, options: Omit<GenerateOptions, "specs">): Promise<GeneratedService> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  if (options.source && options.source.service === undefined && options.name === undefined) {
    throw new GenerateError("this URL is not in the catalog, so its service has no name: pass --name (the folder to generate).", { file: options.source.url });
  }
  const service = options.name ?? options.source?.service ?? serviceNameOf(spec);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(service)) {
    throw new GenerateError(`"${service}" cannot be a folder name; pass --name with letters, digits, "-", "_" or ".".`, { file: spec });
  }
  const source = options.source;
  const specLabel = source ? (source.service ?? source.url) : posix(relative(cwd, resolve(cwd, spec)));
  const dir = posix(relative(cwd, resolve(cwd, options.outDir, service))) || ".";
  if (source && options.update !== true) refuseSilentUpdate(source, resolve(cwd, dir), dir, specLabel);
  const progress = options.onProgress ?? (() => {});

  // Load, then normalize (Oracle's polymorphism and nulls; Swagger 2.0 → OpenAPI 3).
  const loaded = await (async () => {
    const read = readSpec(resolve(cwd, spec));
    return { ...read, ...(await normalizeSpec(read.doc, read.format, read.file)) };
  })().catch((error: unknown) => {
    // Name the spec as the user wrote it, not by its absolute path.
    if (error instanceof GenerateError && error.file !== specLabel) {
      throw new GenerateError(error.problem, {
        file: specLabel,
        pointer: error.pointer,
        ...(error.line === undefined ? {} : { line: error.line }),
        cause: error.cause,
      });
    }
    throw error;
  });
  progress(`${specLabel}: loaded (${loaded.format})`);
  checkTypeCycles(loaded.doc, loaded.format, specLabel);
  const model = buildModel(loaded.doc, specLabel);

  if (options.endpoint !== undefined && !ENDPOINT_TEMPLATE.test(options.endpoint)) {
    throw new GenerateError(
      `--endpoint ${JSON.stringify(options.endpoint)} is not an http(s) URL template; write it like https://iaas.{region}.{domain}.`,
      { file: specLabel },
    );
  }
  const endpoint = chooseEndpoint(service, loaded.host, options.endpoint);
  // In the order they have always been reported: the spec's, the operations', the endpoint's, the schemas'.
  const warnings = [...loaded.warnings, ...model.warnings];
  if (endpoint.source === "unknown") {
    warnings.push({ pointer: "", message: `no endpoint known for service "${service}"; pass --endpoint, or createClient({ endpoint })` });
  }
  warnings.push(...model.schemas.warnings);
  const regenerate =
    options.regenerateCommand ??
    ["npx oci-raw generate", source ? (source.service ?? source.url) : specLabel, "--out", posix(relative(cwd, resolve(cwd, options.outDir))) || "."]
      .concat(options.name ? ["--name", options.name] : [], options.endpoint ? ["--endpoint", options.endpoint] : [], options.checks ? ["--checks"] : [])
      .map((w, i) => (i === 0 ? w : shellWord(w)))
      .join(" ");
  const header =
    `// Generated by oci-raw ${generatorVersion()} from ${commentText(source ? `Oracle's ${specLabel} spec` : specLabel)}. Do not edit: regenerate with\n` +
    `//   ${commentText(regenerate)}\n` +
    (source ? `${commentText(sourceLine(source))}\n` : "");

  const check = options.checks === true ? emitSchemaChecks(model, header) : undefined;
  progress(`${specLabel}: schemas`);
  const index = emitOperations(
    model,
    { name: service, endpointTemplate: endpoint.template, perResource: endpoint.source === "per-resource", basePath: loaded.basePath },
    header + (options.checks === true ? "" : NO_CHECK),
  );
  progress(`${specLabel}: operations`);
  // Last: openapi-typescript adds discriminator properties to the schema objects it is given.
  const responseComponents = new Set(model.schemas.entries.flatMap((entry) => (entry.component === undefined ? [] : [entry.component])));
  const types = await emitTypes(loaded.doc, specLabel, { responseSchemas: responseComponents, bases: model.schemas.bases });
  progress(`${specLabel}: types`);
  const files = new Map<string, string>([
    ["types.ts", header + types],
    ...(check === undefined ? [] : [["schemas.check.ts", check] as const]),
    ["index.ts", index],
  ]);
  return {
    spec: specLabel,
    service,
    dir,
    files,
    operations: model.operations.length,
    schemas: model.schemas.entries.length,
    warnings,
    endpointTemplate: endpoint.template,
    milliseconds: performance.now() - started,
  };
}

/**
 * Writes files whose content changed (so unchanged files keep their timestamps), and removes
 * generated files this run did not make (a schemas.check.ts from an earlier run with `checks`,
 * the schemas.js and validators.js of earlier versions),
 * so the folder is what the options say. Other files in the folder are left alone.
 */
export function writeService(generated: GeneratedService, cwd = process.cwd()): void {
  const dir = resolve(cwd, generated.dir);
  mkdirSync(dir, { recursive: true });
  for (const name of [...GENERATED_FILES, ...FORMER_FILES]) {
    if (!generated.files.has(name)) rmSync(join(dir, name), { force: true });
  }
  for (const [name, content] of generated.files) {
    const path = join(dir, name);
    let current: string | undefined;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== content) writeFileSync(path, content);
  }
}

/** Generates every spec and writes `<outDir>/<service>/`. */
export async function generate(options: GenerateOptions): Promise<GeneratedService[]> {
  if (options.specs.length === 0) throw new GenerateError("no spec given.", { file: "" });
  if (options.specs.length > 1 && (options.name || options.endpoint || options.source)) {
    throw new GenerateError("--name, --endpoint and source apply to one spec; generate the specs one at a time.", { file: options.specs.join(", ") });
  }
  const results: GeneratedService[] = [];
  const seen = new Map<string, string>();
  for (const spec of options.specs) {
    const generated = await generateService(spec, options);
    const other = seen.get(generated.dir);
    if (other) throw new GenerateError(`writes the same folder ${generated.dir} as ${other}; pass --name.`, { file: generated.spec });
    seen.set(generated.dir, generated.spec);
    writeService(generated, options.cwd);
    results.push(generated);
  }
  return results;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** One line per generated spec: `specs/x.yaml → generated/x: 5 operations, 4 schemas, 0 warnings, 0.1 s`. */
export function summaryLine(result: GeneratedService, where: string = result.dir): string {
  return (
    `${result.spec} → ${where}: ${count(result.operations, "operation")}, ${count(result.schemas, "schema")}, ` +
    `${count(result.warnings.length, "warning")}, ${(result.milliseconds / 1000).toFixed(1)} s\n`
  );
}
