/**
 * `oci-raw emulator`: run the loopback OCI emulator (emulator/) for manual tries and
 * demos. Prints its URL and a ready-made config file, runs until Ctrl-C (SIGINT/SIGTERM).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../emulator/types.js";
import { EXIT, EXIT_CODES_HELP, flagHelp, parseFlags, reportError, UsageError, type CliIo, type FlagSpec } from "../cli-util.js";

const FLAGS: readonly FlagSpec[] = [
  { name: "port", value: "PORT", description: "Port to listen on (default: a free one).", example: "--port 8443" },
  { name: "host", value: "ADDRESS", description: "Loopback address: 127.0.0.1 (default) or ::1.", example: "--host ::1" },
  { name: "https", description: "Serve HTTPS with a throwaway test CA (its certificate is written beside the config).", example: "--https" },
  {
    name: "spec",
    value: "FILE",
    repeatable: true,
    description: "Also serve every operation of this OpenAPI 3 / Swagger 2.0 spec from memory (repeatable).",
    example: "--spec identity.swagger.yaml --spec core-iaas.swagger.yaml",
  },
  {
    name: "lifecycle-delay-ms",
    value: "MS",
    description: "With --spec: how long resources stay PROVISIONING / TERMINATING and work requests ACCEPTED / IN_PROGRESS (default 200).",
    example: "--lifecycle-delay-ms 2000",
  },
  { name: "seed", value: "TEXT", description: "With --spec: derive resource ids from it, the same on every run.", example: "--seed 42" },
  { name: "config-dir", value: "DIR", description: "Where to write the config file and key (default: a new temporary directory).", example: "--config-dir ./emu" },
  { name: "help", description: "Show this help.", example: "--help" },
];

export const EMULATOR_HELP = `Usage: oci-raw emulator [flags]

Start the local OCI emulator (identity users, object storage, compute instances; verifies
signatures) and write a config profile for it. With --spec, it also serves every operation
of Oracle's specs (in-memory resources, moving lifecycle states, work requests, OCI's error
bodies). Runs until Ctrl-C.

Flags:
${flagHelp(FLAGS)}

Example:
  oci-raw emulator --port 9000
  oci-raw emulator --spec identity.swagger.yaml --spec core-iaas.swagger.yaml
  # then, in another terminal, with the printed config file:
  oci-raw raw-request --config-file /tmp/…/config --http-method GET --target-uri http://127.0.0.1:9000/n/

${EXIT_CODES_HELP}
`;

/** Resolves when the process is asked to stop. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(signal);
    };
    const onInt = stop("SIGINT");
    const onTerm = stop("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
  });
}

export async function emulatorCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let created: string | undefined;
  // Stopped on every way out, so a start-up error never leaves the server listening.
  let emulator: { stop(): Promise<void> } | undefined;
  try {
    const flags = parseFlags(argv, FLAGS, "emulator");
    if (flags.switches.has("help")) {
      io.stdout(EMULATOR_HELP);
      return EXIT.ok;
    }
    const portText = flags.values["port"];
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port ${portText} is not a port number (0-65535).`);
    const host = flags.values["host"] ?? "127.0.0.1";
    if (!["127.0.0.1", "::1", "localhost"].includes(host)) throw new UsageError(`--host must be a loopback address (127.0.0.1, ::1 or localhost), got ${host}.`);

    const delayText = flags.values["lifecycle-delay-ms"];
    const lifecycleDelayMs = delayText === undefined ? undefined : Number(delayText);
    if (lifecycleDelayMs !== undefined && !(/^\d+$/.test(delayText!) && Number.isSafeInteger(lifecycleDelayMs))) {
      throw new UsageError(`--lifecycle-delay-ms ${delayText} is not a whole number of milliseconds.`);
    }
    const specs = flags.lists["spec"] ?? [];

    const { startEmulator } = await import("../../emulator/index.js");
    const started = await startEmulator({
      port,
      host,
      https: flags.switches.has("https"),
      ...(specs.length > 0 ? { specs } : {}),
      ...(lifecycleDelayMs === undefined ? {} : { lifecycleDelayMs }),
      ...(flags.values["seed"] === undefined ? {} : { seed: flags.values["seed"] }),
    }).catch((error: unknown) => {
      // A spec that cannot be read is the command line's fault: say which file and why.
      if (error instanceof Error && error.name === "GenerateError") throw new UsageError(`--spec ${error.message}`);
      throw error;
    });
    emulator = started;
    const dir = flags.values["config-dir"] ?? (created = mkdtempSync(join(tmpdir(), "oci-raw-emulator-")));
    const configFile = await writeConfig(started, dir, flags.values["config-dir"] !== undefined);
    let caFile: string | undefined;
    if (started.caCertificatePem) {
      const { writeFileSync } = await import("node:fs");
      caFile = join(dir, "emulator-ca.pem");
      writeFileSync(caFile, started.caCertificatePem);
    }
    io.stdout(
      `OCI emulator listening on ${started.url}\n` +
        (specs.length > 0 ? `Serving ${started.specOperationCount} operations from ${specs.join(", ")}\n` : "") +
        `Config file: ${configFile}\n` +
        (caFile ? `CA certificate: ${caFile} (e.g. NODE_EXTRA_CA_CERTS=${caFile})\n` : "") +
        `Try: oci-raw raw-request --config-file ${configFile} --http-method GET --target-uri ${started.url}/n/\n` +
        `Press Ctrl-C to stop.\n`,
    );
    const signal = await untilStopped();
    io.stderr(`Stopped (${signal}).\n`);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  } finally {
    await emulator?.stop();
    if (created) rmSync(created, { recursive: true, force: true });
  }
}

/** The emulator's config profile in `dir`; a `--config-dir` that cannot take it is a usage error. */
async function writeConfig(emulator: Emulator, dir: string, chosen: boolean): Promise<string> {
  try {
    return await emulator.writeConfigFile(dir);
  } catch (error) {
    if (!chosen) throw error;
    const reason = error instanceof TypeError ? error.message.replace(/^writeConfigFile: /, "") : (error as Error).message;
    throw new UsageError(`--config-dir ${dir}: ${reason}. Choose a directory without an OCI config, e.g. a new one.`);
  }
}
