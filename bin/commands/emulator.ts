/**
 * `oci-raw emulator`: run the loopback OCI emulator (emulator/) for manual tries and
 * demos. Serves the API routes and every auth path (instance metadata, federation, resource
 * principals), writes a config file and the resource principal files, prints the endpoint to
 * pass and the `export` lines a shell needs, and runs until Ctrl-C (SIGINT/SIGTERM).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../emulator/types.js";
import { EMULATOR_CONFIG_REGION } from "../../runtime/regions.js";
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
  { name: "config-dir", value: "DIR", description: "Where to write the config file, keys and token (default: a new temporary directory).", example: "--config-dir ./emu" },
  { name: "log", description: "Print one line per request to stderr: status, method, path, key id (tokens shown as ST$<token>).", example: "--log" },
  { name: "help", description: "Show this help.", example: "--help" },
];

export const EMULATOR_HELP = `Usage: oci-raw emulator [flags]

Start the local OCI emulator (identity users, object storage, compute instances; verifies
signatures), with instance metadata, federation and resource principal endpoints, and write
a config profile for it. With --spec, it also serves every operation of Oracle's specs
(in-memory resources, moving lifecycle states, work requests, OCI's error bodies). Runs
until Ctrl-C.

It prints:
  - the endpoint to pass to your code (createClient({ endpoint }), or the origin of a raw
    request's URL). The config's region is ${EMULATOR_CONFIG_REGION}, which is not an OCI
    region: no endpoint is built from it (EMULATOR_REGION error), and the config's
    credentials sign only requests to loopback, so nothing reaches Oracle;
  - export lines for a shell: OCI_METADATA_BASE_URL and OCI_RAW_FEDERATION_ENDPOINT
    (--auth instance_principal), OCI_RESOURCE_PRINCIPAL_VERSION, _RPST, _PRIVATE_PEM and
    _REGION (--auth resource_principal; token and key are files, mode 0600, in the config
    directory), and with --https NODE_EXTRA_CA_CERTS for the emulator's CA.

Flags:
${flagHelp(FLAGS)}

Example:
  oci-raw emulator --port 9000
  oci-raw emulator --spec identity.swagger.yaml --spec core-iaas.swagger.yaml
  # then, in another terminal, with the printed config file:
  oci-raw raw-request --config-file /tmp/…/config --http-method GET --target-uri http://127.0.0.1:9000/n/
  # or paste the printed export lines, then:
  oci-raw raw-request --auth instance_principal --http-method GET --target-uri http://127.0.0.1:9000/n/

${EXIT_CODES_HELP}
`;

/** A value as one shell word: bare when it is safe, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_\/.:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

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
  let refresher: ReturnType<typeof setInterval> | undefined;
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
      authEndpoints: true,
      ...(flags.switches.has("log") ? { log: (line: string) => io.stderr(`${line}\n`) } : {}),
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
    const environment = await started.auth!.writeEnvironment(dir);
    // The session token in the file is renewed at half its life, as OCI's agents do.
    const lifetimeMs = Math.max(1000, environment.expiresAt.getTime() - started.now().getTime());
    refresher = setInterval(() => {
      environment.refresh().catch((error: unknown) => io.stderr(`warning: could not renew ${environment.rpstFile}: ${(error as Error).message}\n`));
    }, lifetimeMs / 2);
    const variables: Record<string, string> = { ...environment.variables };
    let caFile: string | undefined;
    if (started.caCertificatePem) {
      caFile = join(dir, "emulator-ca.pem");
      writeFileSync(caFile, started.caCertificatePem);
      variables["NODE_EXTRA_CA_CERTS"] = caFile;
    }
    const exports = Object.entries(variables).map(([name, value]) => `export ${name}=${shellWord(value)}\n`).join("");
    io.stdout(
      `OCI emulator listening on ${started.url}\n` +
        `Endpoint: ${started.url} — pass it to your code, e.g. createClient({ signer, endpoint: "${started.url}" }); ` +
        `the config's region ${EMULATOR_CONFIG_REGION} has no endpoint of its own, and its credentials sign only requests to loopback.\n` +
        (specs.length > 0 ? `Serving ${started.specOperationCount} operations from ${specs.join(", ")}\n` : "") +
        `Config file: ${configFile}\n` +
        (caFile ? `CA certificate: ${caFile}\n` : "") +
        `Instance and resource principals from a shell (files in ${dir}; paste these lines):\n` +
        exports +
        `Try: oci-raw raw-request --config-file ${shellWord(configFile)} --http-method GET --target-uri ${started.url}/n/\n` +
        `     oci-raw raw-request --auth instance_principal --http-method GET --target-uri ${started.url}/n/   (after the exports)\n` +
        `Press Ctrl-C to stop.\n`,
    );
    const signal = await untilStopped();
    io.stderr(`Stopped (${signal}).\n`);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  } finally {
    clearInterval(refresher);
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
