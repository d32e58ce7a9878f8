/**
 * `oci-raw specs [filter] [--catalog FILE]`: the catalog of Oracle's specs that `oci-raw
 * generate <service>` fetches by name — name, title and size, one per line.
 */
import { EXIT, EXIT_CODES_HELP, flagHelp, parseFlags, reportError, UsageError, type CliIo, type FlagSpec } from "../cli-util.js";

const FLAGS: readonly FlagSpec[] = [
  { name: "catalog", value: "FILE", description: "A catalog file instead of the built-in one ({\"specs\": [{service, title, url, bytes}]}).", example: "--catalog catalog.json" },
  { name: "json", description: "Print the matching entries as JSON (with their URLs).", example: "--json" },
  { name: "help", description: "Show this help.", example: "--help" },
];

export const SPECS_HELP = `Usage: oci-raw specs [FILTER] [flags]

List Oracle's OCI API specs by service name, as \`oci-raw generate <service>\` takes them.
FILTER keeps the services whose name or title contains it (any case).

Flags:
${flagHelp(FLAGS)}

Examples:
  oci-raw specs
  oci-raw specs vault
  oci-raw generate secretmgmt --out src/oci

${EXIT_CODES_HELP}
`;

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

export async function specsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const positionals = argv.filter((a, i) => !a.startsWith("-") && argv[i - 1] !== "--catalog");
    const flags = parseFlags(argv.filter((a) => !positionals.includes(a)), FLAGS, "specs");
    if (flags.switches.has("help")) {
      io.stdout(SPECS_HELP);
      return EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError(`specs: one filter at most, got ${positionals.length}. See oci-raw specs --help.`);
    const filter = (positionals[0] ?? "").toLowerCase();
    const { builtInCatalog, readCatalog } = await import("../../codegen/specs.js");
    const catalog = flags.values["catalog"] === undefined ? builtInCatalog() : readCatalog(flags.values["catalog"]);
    const matching = catalog.filter((e) => e.service.includes(filter) || e.title.toLowerCase().includes(filter));
    if (flags.switches.has("json")) {
      io.stdout(`${JSON.stringify(matching, null, 2)}\n`);
      return EXIT.ok;
    }
    if (matching.length === 0) {
      io.stderr(`No service's name or title contains "${filter}". \`oci-raw specs\` lists all ${catalog.length}.\n`);
      return EXIT.ok;
    }
    const width = Math.max(...matching.map((e) => e.service.length));
    for (const entry of matching) io.stdout(`${entry.service.padEnd(width)}  ${kib(entry.bytes).padStart(9)}  ${entry.title}\n`);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  }
}
