/**
 * `oci-raw generate <spec...> [--out generated] [--name service] [--endpoint template] [--checks]`:
 * one typed client folder per spec, one summary line per spec.
 */
import { existsSync, statSync } from "node:fs";
import { EXIT, flagHelp, parseFlags, UsageError, type CliIo, type FlagSpec } from "../cli-util.js";

const FLAGS: readonly FlagSpec[] = [
  { name: "out", value: "DIR", description: "Output directory; each spec gets <DIR>/<service>/ (default: generated).", example: "--out src/oci" },
  { name: "name", value: "SERVICE", description: "Service (folder) name for a single spec (default: the spec's file name).", example: "--name identity" },
  {
    name: "endpoint",
    value: "TEMPLATE",
    description: "Endpoint template for a single spec, with {region} and {domain}.",
    example: "--endpoint https://iaas.{region}.{domain}",
  },
  { name: "cache", value: "DIR", description: "Where specs fetched by name or URL are kept, so regenerating works offline (default: your cache directory).", example: "--cache .oci-specs" },
  {
    name: "specs-base-url",
    value: "URL",
    description: "A mirror serving Oracle's spec files (<sha256>.yaml), instead of docs.oracle.com (default: OCI_RAW_SPECS_BASE_URL).",
    example: "--specs-base-url https://mirror.example.com/oci-specs/",
  },
  { name: "catalog", value: "FILE", description: "A catalog of service names to look names up in, instead of the built-in one (as `oci-raw specs --catalog`).", example: "--catalog catalog.json" },
  { name: "update", description: "Regenerate a folder from a newer version of its spec (a changed SHA-256 upstream is never taken silently)." },
  // Off by default: the check file roughly doubles the generated code's type-check time (DECISIONS.md 4).
  { name: "checks", description: "Also write schemas.check.ts, for CI: tsc proves each schema matches its type." },
  { name: "verbose", description: "List every warning (constructs typed loosely, derived names, …)." },
  { name: "help", description: "Show this help." },
];

export const GENERATE_HELP = `Usage: oci-raw generate <spec...> [flags]

A spec is a file, a service name from Oracle's catalog (\`oci-raw specs\` lists them; the spec
is downloaded, checked against its SHA-256 and cached), or an Oracle spec URL.

Generate a typed client from OpenAPI 3.0 / 3.1 or Swagger 2.0 specs (YAML or JSON): one
folder per spec with index.ts (one async function per operation), types.ts and response
schemas (zod/mini). Generated code imports only oci-raw and zod. With --checks, also
schemas.check.ts: nothing imports it, but type-checking it proves that every schema parses to
the type declared for it, at about twice the type-check time; without --checks, a check file
left by an earlier run is removed.

Flags:
${flagHelp(FLAGS)}

Examples:
  oci-raw generate identity --out src/oci
  oci-raw generate specs/identity.yaml
  oci-raw generate specs/core.yaml --out src/oci --name core --endpoint "https://iaas.{region}.{domain}"
  oci-raw generate specs/identity.yaml --out src/oci --checks && tsc --noEmit   # CI: schemas agree with types

Exit codes:
  0  generated
  1  a spec could not be generated (the message names the file and the JSON pointer)
  2  usage error (bad flags or arguments)
`;

const VALUE_FLAGS = new Set(FLAGS.filter((f) => f.value !== undefined).map((f) => f.name));

/** Splits positionals (spec files) from flags, so the shared flag parser sees flags only. */
function splitArgs(argv: readonly string[]): { specs: string[]; flags: string[] } {
  const specs: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--") || arg === "-h") {
      flags.push(arg);
      const name = arg.slice(2);
      if (VALUE_FLAGS.has(name) && i + 1 < argv.length) flags.push(argv[++i]!);
    } else specs.push(arg);
  }
  return { specs, flags };
}

/**
 * A spec argument as a file to generate from: a file that exists is itself; otherwise a
 * catalog name or an Oracle spec URL is fetched (cache first) and checked.
 */
async function specFile(
  given: string,
  options: { cacheDir: string | undefined; baseUrl: string | undefined; catalogFile: string | undefined },
  io: Pick<CliIo, "stderr">,
): Promise<{ file: string; source: import("../../codegen/specs.js").SpecSource | undefined }> {
  const specs = await import("../../codegen/specs.js");
  if (existsSync(given) || !specs.looksLikeCatalogRef(given)) return { file: given, source: undefined };
  const catalog = options.catalogFile === undefined ? undefined : specs.readCatalog(options.catalogFile);
  const fetched = await specs.fetchSpec(given, { catalog, cacheDir: options.cacheDir, baseUrl: options.baseUrl });
  io.stderr(`  ${fetched.source.service ?? given}: ${fetched.fromCache ? "from the cache" : "downloaded and checked"} (sha256 ${fetched.source.sha256.slice(0, 12)}…, ${fetched.file})\n`);
  return { file: fetched.file, source: fetched.source };
}

/** Big specs take seconds: say what is happening. */
const PROGRESS_BYTES = 256 * 1024;

export async function generateCommand(
  argv: readonly string[],
  io: Pick<CliIo, "stdout" | "stderr"> & Partial<CliIo>,
): Promise<number> {
  try {
    const { specs, flags: flagArgs } = splitArgs(argv);
    const flags = parseFlags(flagArgs, FLAGS, "generate");
    if (flags.switches.has("help")) {
      io.stdout(GENERATE_HELP);
      return EXIT.ok;
    }
    if (specs.length === 0) throw new UsageError("generate: no spec given. Usage: oci-raw generate <spec...> [--out DIR]; see --help.");
    const name = flags.values["name"];
    const endpoint = flags.values["endpoint"];
    if (specs.length > 1 && (name !== undefined || endpoint !== undefined)) {
      throw new UsageError("generate: --name and --endpoint apply to a single spec; run generate once per spec.");
    }
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) {
      throw new UsageError(`generate: --endpoint must be an http(s) URL template, e.g. https://iaas.{region}.{domain}; got ${endpoint}.`);
    }
    const { generateService, summaryLine, writeService } = await import("../../codegen/generate.js");
    const outDir = flags.values["out"] ?? "generated";
    const written = new Map<string, string>();
    const env = io.env ?? process.env;
    const fetchOptions = {
      cacheDir: flags.values["cache"],
      baseUrl: flags.values["specs-base-url"] ?? (env["OCI_RAW_SPECS_BASE_URL"] || undefined),
      catalogFile: flags.values["catalog"],
    };
    if (fetchOptions.baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(fetchOptions.baseUrl)) {
      throw new UsageError(`generate: --specs-base-url must be an http(s) URL, got ${fetchOptions.baseUrl}.`);
    }
    for (const given of specs) {
      const { file: spec, source } = await specFile(given, fetchOptions, io);
      let size = 0;
      try {
        size = statSync(spec).size;
      } catch {
        // generateService reports a missing file properly
      }
      const started = performance.now();
      const result = await generateService(spec, {
        outDir,
        name,
        endpoint,
        checks: flags.switches.has("checks"),
        source,
        update: flags.switches.has("update"),
        onProgress:
          size >= PROGRESS_BYTES
            ? (message) => io.stderr(`  ${message} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`)
            : undefined,
      });
      const other = written.get(result.dir);
      if (other) throw new UsageError(`generate: ${result.spec} and ${other} would both write ${result.dir}; generate them one at a time with --name.`);
      written.set(result.dir, result.spec);
      writeService(result);
      io.stdout(summaryLine(result));
      if (flags.switches.has("verbose")) {
        for (const warning of result.warnings) io.stderr(`  warning: ${result.spec}#${warning.pointer}: ${warning.message}\n`);
      }
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    const { GenerateError } = await import("../../codegen/errors.js");
    if (error instanceof GenerateError) {
      io.stderr(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
