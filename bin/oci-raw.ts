#!/usr/bin/env node
/**
 * oci-raw — the command line. Thin: parse the command, load only that command's module
 * (so `raw-request` never loads the code generator), and exit with its code.
 */
import { closest } from "../runtime/suggest.js";
import { EXIT, EXIT_CODES_HELP, packageVersion, painter, processIo, type CliIo } from "./cli-util.js";

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  "raw-request": {
    summary: "Sign and send one request to any OCI endpoint (like `oci raw-request`).",
    load: async () => (await import("./commands/raw-request.js")).rawRequestCommand,
  },
  generate: {
    summary: "Generate typed functions from OCI OpenAPI / Swagger specs.",
    load: async () => (await import("./commands/generate.js")).generateCommand,
  },
  specs: {
    summary: "List Oracle's specs by service name (what `generate <service>` fetches).",
    load: async () => (await import("./commands/specs.js")).specsCommand,
  },
  emulator: {
    summary: "Run the local OCI emulator and print a config file for it.",
    load: async () => (await import("./commands/emulator.js")).emulatorCommand,
  },
};

function help(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return `Usage: oci-raw <command> [flags]

Commands:
${names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`).join("\n")}

Flags:
  --help     Show help (also: oci-raw <command> --help)
  --version  Print the version

Examples:
  oci-raw raw-request --http-method GET --target-uri "https://identity.us-ashburn-1.oraclecloud.com/20160918/users/?compartmentId=ocid1.tenancy.oc1..aaa"
  oci-raw raw-request --help
  oci-raw emulator

Environment: OCI_CLI_CONFIG_FILE, OCI_CONFIG_FILE, OCI_CLI_PROFILE, OCI_CLI_AUTH,
HTTPS_PROXY / HTTP_PROXY / NO_PROXY, NO_COLOR.

${EXIT_CODES_HELP}
`;
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr(help());
    return EXIT.usage;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    io.stdout(help());
    return EXIT.ok;
  }
  if (first === "--version" || first === "-v") {
    io.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[first];
  if (!command) {
    const what = first.startsWith("-") ? "option" : "command";
    const near = closest(first.replace(/^-+/, ""), Object.keys(COMMANDS));
    io.stderr(
      `${painter(io).red("error:")} unknown ${what} "${first}".${near ? ` Did you mean ${near}?` : ""} Commands: ${Object.keys(COMMANDS).join(", ")}. See oci-raw --help.\n`,
    );
    return EXIT.usage;
  }
  let run: Command;
  try {
    run = await command.load();
  } catch (error) {
    io.stderr(`${painter(io).red("error:")} the ${first} command is not available in this build (${error instanceof Error ? error.message : String(error)}).\n`);
    return EXIT.serviceError;
  }
  return run(rest, io);
}

// Run when executed directly (not when imported by tests).
const invokedPath = process.argv[1] ?? "";
if (/oci-raw(\.[cm]?[jt]s)?$/.test(invokedPath)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.serviceError;
    },
  );
}
