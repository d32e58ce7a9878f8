/**
 * `oci-raw raw-request`: the OCI CLI's `oci raw-request`, on oci-raw's runtime. Loads only
 * what one signed request needs (no codegen, no zod; undici only when a proxy is set).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { authFromEnvironment, chooseAuthMode } from "../../runtime/auth/from-environment.js";
import { loadConfig } from "../../runtime/config.js";
import { expandHome } from "../../runtime/keys.js";
import { whyUnreadable } from "../../runtime/files.js";
import type { OciResponse } from "../../runtime/operation.js";
import { regionInfo } from "../../runtime/regions.js";
import { defaultRetryStrategy, noRetry, retryStrategy, type RetryStrategy } from "../../runtime/retry.js";
import { signedFetch } from "../../runtime/request.js";
import { AuthError } from "../../runtime/errors.js";
import { redactSecrets } from "../../runtime/redact.js";
import { errorFromResponse } from "../../runtime/service-error.js";
import type { RequestSigner } from "../../runtime/signers.js";
import type { SignableRequest } from "../../runtime/signing.js";
import { proxyFromEnvironment, type TransportOptions } from "../../runtime/transport.js";
import { waitForState } from "../../runtime/wait.js";
import { EXIT, EXIT_CODES_HELP, flagHelp, painter, parseFlags, reportError, UsageError, type CliIo, type FlagSpec } from "../cli-util.js";

const FLAGS: readonly FlagSpec[] = [
  { name: "http-method", value: "METHOD", required: true, description: "GET, POST, PUT, PATCH, DELETE or HEAD.", example: "--http-method POST" },
  {
    name: "target-uri",
    value: "URL",
    required: true,
    description: "The full URL to call.",
    example: "--target-uri https://identity.us-phoenix-1.oci.oraclecloud.com/20160918/users/",
  },
  {
    name: "request-body",
    value: "JSON|file://path",
    description: "The body: inline JSON, or file://path to send a file's bytes.",
    example: `--request-body '{"compartmentId":"ocid1.tenancy.oc1..aaa","name":"TestUser","description":"x"}'`,
  },
  {
    name: "request-headers",
    value: "JSON|file://path",
    description: "Extra headers: a JSON object of strings, inline or file://path to a file holding it.",
    example: `--request-headers '{"opc-retry-token":"abc123"}'`,
  },
  { name: "config-file", value: "FILE", description: "Config file (default: OCI_CLI_CONFIG_FILE, OCI_CONFIG_FILE, ~/.oci/config).", example: "--config-file ~/.oci/config" },
  { name: "profile", value: "NAME", description: "Config profile (default: OCI_CLI_PROFILE, then DEFAULT).", example: "--profile DEV" },
  {
    name: "auth",
    value: "MODE",
    description: "api_key, security_token, instance_principal, resource_principal, oke_workload_identity or instance_obo_user (default: OCI_CLI_AUTH, then the profile).",
    example: "--auth instance_principal",
  },
  {
    name: "region",
    value: "REGION",
    description:
      "The region you mean to call (default: OCI_CLI_REGION, then the profile; checked, and it beats both as the config's region; the target URI's host decides where the request goes, and a different region in it is a warning).",
    example: "--region us-phoenix-1",
  },
  { name: "cert-bundle", value: "FILE", description: "PEM CA bundle to verify TLS with, instead of Node's default CAs (default: OCI_CLI_CERT_BUNDLE).", example: "--cert-bundle ./corp-ca.pem" },
  { name: "connection-timeout", value: "SECONDS", description: "Give up connecting after SECONDS (default: 10, the platform's).", example: "--connection-timeout 5" },
  { name: "read-timeout", value: "SECONDS", description: "Give up when the answer, or the next piece of it, takes longer than SECONDS (default: 300, the platform's).", example: "--read-timeout 120" },
  { name: "max-retries", value: "N", description: "Retry a failure that can succeed on another try at most N times (default: 7, the SDKs' 8 attempts).", example: "--max-retries 3" },
  { name: "no-retry", description: "Send once; never retry.", example: "--no-retry" },
  {
    name: "wait-for-state",
    value: "STATE",
    repeatable: true,
    description: "GET only: poll the target until its lifecycleState (or status) is STATE; repeat for several states.",
    example: "--wait-for-state RUNNING",
  },
  { name: "max-wait-seconds", value: "SECONDS", description: "With --wait-for-state: give up after SECONDS (default: 1200).", example: "--max-wait-seconds 600" },
  { name: "wait-interval-seconds", value: "SECONDS", description: "With --wait-for-state: poll every SECONDS (default: 30).", example: "--wait-interval-seconds 5" },
  {
    name: "raw-output",
    description: "Print the response body alone, as received (a JSON string without its quotes), instead of {data, headers, status}.",
    example: "--raw-output",
  },
  {
    name: "output-file",
    value: "FILE",
    description: "Write the response body's bytes to FILE (e.g. an object download) and print only status and headers.",
    example: "--output-file photo.jpg",
  },
  { name: "debug", description: "Show the auth mode, profile and key file, the signing string and the headers on stderr (signature and tokens redacted).", example: "--debug" },
  { name: "help", description: "Show this help.", example: "--help" },
];

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

export const RAW_REQUEST_HELP = `Usage: oci-raw raw-request --http-method METHOD --target-uri URL [flags]

Sign and send one request to any OCI endpoint, like the OCI CLI's "oci raw-request".
Prints {"data", "headers", "status"} as JSON on stdout; a non-2xx answer prints the
service's error on stderr instead.

Flags:
${flagHelp(FLAGS)}

Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured.

Without a config file: OCI_CLI_USER, OCI_CLI_TENANCY, OCI_CLI_FINGERPRINT, OCI_CLI_REGION (or
--region) and OCI_CLI_KEY_FILE (or OCI_CLI_KEY_CONTENT) configure an API key, as for the OCI CLI;
each OCI_CLI_* variable set also beats the profile's value. OCI_CLI_ENDPOINT is not used: the
target URI says where the request goes.

Example:
  oci-raw raw-request --http-method GET \\
    --target-uri "https://identity.us-ashburn-1.oraclecloud.com/20160918/users/?compartmentId=ocid1.tenancy.oc1..aaa"

${EXIT_CODES_HELP}
`;

function parseJsonFlag(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${name} is not valid JSON (${(error as Error).message}). Quote it for the shell, e.g. '{"name":"x"}', or use file://path.`);
  }
}

/** The bytes of a `file://path` flag value. */
function readFileFlag(name: string, value: string): Buffer {
  try {
    return readFileSync(value.slice("file://".length));
  } catch (error) {
    throw new UsageError(`--${name} ${value}: the file ${whyUnreadable(error)}.`);
  }
}

function readBody(value: string | undefined): string | Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (value.startsWith("file://")) return readFileFlag("request-body", value);
  parseJsonFlag("request-body", value);
  return value;
}

function readHeaders(value: string | undefined): Record<string, string> {
  if (value === undefined) return {};
  const text = value.startsWith("file://") ? readFileFlag("request-headers", value).toString("utf8") : value;
  const parsed = parseJsonFlag("request-headers", text);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--request-headers must be a JSON object, e.g. '{"opc-retry-token":"abc"}'.`);
  }
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(parsed)) {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      throw new UsageError(`--request-headers: the value of "${name}" must be a string.`);
    }
    // fetch would reject these only after signing, looking like a network failure.
    try {
      new Headers({ [name]: String(v) });
    } catch {
      throw new UsageError(`--request-headers: "${JSON.stringify(name).slice(1, -1)}" is not a valid header name, or its value has a line break or control character.`);
    }
    headers[name.toLowerCase()] = String(v);
  }
  return headers;
}

function readUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Text with an "@" may hold a password (user:password@host): it is not repeated.
    const shown = value.includes("@") ? "" : ` "${value}"`;
    throw new UsageError(`--target-uri${shown} is not an absolute URL (expected https://host/path).`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--target-uri must be http(s), got ${url.protocol}`);
  if (url.username !== "" || url.password !== "") {
    throw new UsageError("--target-uri must not carry a user name or password (user:password@): OCI requests are authenticated by their signature. Remove it.");
  }
  return url;
}

/** Secrets never reach the terminal: signatures and security tokens are redacted. */
export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  // The signature, a security token key id, a bearer value: the shapes service errors are redacted by.
  if (lower === "authorization") return redactSecrets(value);
  if (lower === "x-security-token" || lower === "opc-obo-token" || lower === "x-subject-token") return "<redacted>";
  return value;
}

/** The signing string with the values of secret headers (a signed delegation token) redacted, line by line. */
export function redactSigningString(signingString: string): string {
  return signingString
    .split("\n")
    .map((line) => {
      const colon = line.indexOf(": ");
      if (colon < 0) return line;
      const name = line.slice(0, colon);
      return `${name}: ${name === "(request-target)" ? line.slice(colon + 2) : redactHeader(name, line.slice(colon + 2))}`;
    })
    .join("\n");
}

/** Wraps the signer to print what it signed (redacted) before each attempt. */
function debugSigner(inner: RequestSigner, io: CliIo): RequestSigner {
  const paint = painter(io);
  const show = (signingString: string, headers: Record<string, string>): void => {
    io.stderr(`${paint.bold("Signing string:")}\n${redactSigningString(signingString).replace(/^/gm, "  ")}\n`);
    io.stderr(`${paint.bold("Request headers:")}\n`);
    for (const [name, value] of Object.entries(headers)) io.stderr(`  ${name}: ${redactHeader(name, value)}\n`);
  };
  const wrapped: RequestSigner = {
    async sign(request: SignableRequest) {
      if (inner.signWithDetails) {
        const details = await inner.signWithDetails(request);
        show(details.signingString, details.headers);
        return details.headers;
      }
      const headers = await inner.sign(request);
      show("(this signer does not expose its signing string)", headers);
      return headers;
    },
  };
  if (inner.refresh) wrapped.refresh = (rejected) => inner.refresh!(rejected);
  return wrapped;
}

function headersObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** The body as text, or undefined when it is not text (not UTF-8, or holding NUL bytes). */
function textOf(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.includes("\u0000") ? undefined : text;
  } catch {
    return undefined;
  }
}

function parseData(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A bad `--auth` value is a usage error (exit 2), as every bad flag is; a bad OCI_CLI_AUTH stays a config error. */
function checkAuthFlag(auth: string | undefined): void {
  if (auth === undefined) return;
  try {
    chooseAuthMode({ auth, env: {} });
  } catch (error) {
    if (error instanceof AuthError && error.code === "AUTH_MODE_UNKNOWN") throw new UsageError(error.message);
    throw error;
  }
}

function writeOutputFile(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw new UsageError(`--output-file ${path}: the file could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

interface TransportFlags {
  ca: Buffer | undefined;
  connectTimeoutMs: number | undefined;
  readTimeoutMs: number | undefined;
}

/**
 * An undici transport when a proxy, a CA bundle or a timeout asks for one; the package costs
 * about 100 ms to load, so plain requests keep the platform's fetch. The proxy comes from the
 * command's environment only (never undici's own reading of process.env).
 */
async function transportFor(env: CliIo["env"], flags: TransportFlags): Promise<(TransportOptions & { close(): Promise<void> }) | undefined> {
  const proxy = proxyFromEnvironment(env);
  if (!proxy && flags.ca === undefined && flags.connectTimeoutMs === undefined && flags.readTimeoutMs === undefined) return undefined;
  const { envProxyTransport } = await import("../../runtime/undici.js");
  return envProxyTransport({ httpsProxy: proxy?.httpsProxy ?? "", httpProxy: proxy?.httpProxy ?? "", noProxy: proxy?.noProxy ?? "", ...flags });
}

/** A flag's value in seconds (> 0), as milliseconds. */
function secondsFlag(values: Readonly<Record<string, string>>, name: string): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--${name} ${text} is not a number of seconds greater than 0.`);
  return Math.round(seconds * 1000);
}

function retryFromFlags(values: Readonly<Record<string, string>>, switches: ReadonlySet<string>): RetryStrategy {
  const max = values["max-retries"];
  if (switches.has("no-retry")) {
    if (max !== undefined) throw new UsageError("--no-retry and --max-retries say different things: give one of them.");
    return noRetry;
  }
  if (max === undefined) return defaultRetryStrategy; // the OCI CLI retries unless told not to
  if (!/^\d{1,2}$/.test(max.trim())) throw new UsageError(`--max-retries ${max} is not a whole number of retries from 0 to 99.`);
  return retryStrategy({ maxAttempts: Number(max) + 1 });
}

function readCertBundle(file: string | undefined, from: "--cert-bundle" | "OCI_CLI_CERT_BUNDLE"): Buffer | undefined {
  if (file === undefined) return undefined;
  const named = from === "--cert-bundle" ? `--cert-bundle ${file}` : `OCI_CLI_CERT_BUNDLE=${file}`;
  let bytes: Buffer;
  try {
    bytes = readFileSync(expandHome(file));
  } catch (error) {
    throw new UsageError(`${named}: the file ${whyUnreadable(error)}.`);
  }
  if (!bytes.includes("-----BEGIN CERTIFICATE-----")) throw new UsageError(`${named} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  return bytes;
}

/**
 * `--region` is checked (a typo is a usage error, with the region list's suggestion); the
 * target URI still decides where the request goes, so an OCI host in another region is warned about.
 */
function checkRegion(region: string | undefined, url: URL, io: CliIo): void {
  if (region === undefined) return;
  let name: string;
  try {
    name = regionInfo(region).name;
  } catch (error) {
    throw new UsageError(`--region: ${(error as Error).message}`);
  }
  for (const label of url.hostname.toLowerCase().split(".")) {
    let inHost: string | undefined;
    try {
      inHost = /^[a-z]+-[a-z]+-\d+$/.test(label) ? regionInfo(label).name : undefined;
    } catch {
      inHost = undefined;
    }
    if (inHost !== undefined && inHost !== name) {
      io.stderr(`warning: --target-uri is in ${inHost} but --region says ${name}; the request goes to ${url.host}.\n`);
    }
  }
}

/** Which profile and key file signed, for --debug (paths, names and variable names only, never a key or token). */
function describeConfig(configFile: string | undefined, profile: string | undefined, region: string | undefined, env: CliIo["env"]): string {
  try {
    const config = loadConfig({ file: configFile, profile, region, env, onWarning: () => {} });
    const where = config.file === undefined ? "the OCI_CLI_* variables (no config file read)" : `profile ${config.profile} of ${config.file}`;
    const overridden = Object.values(config.fromEnvironment);
    return (
      `${where}${config.keyContent !== undefined ? ", key from key_content" : config.keyFile ? `, key file ${config.keyFile}` : ""}` +
      `${config.securityTokenFile ? `, security token file ${config.securityTokenFile}` : ""}` +
      `${config.delegationTokenFile ? `, delegation token file ${config.delegationTokenFile}` : ""}` +
      `${overridden.length > 0 && config.file !== undefined ? `; from the environment: ${overridden.join(", ")}` : ""}`
    );
  } catch {
    return "no readable config profile";
  }
}

/** Polls the GET target until its lifecycleState (or a work request's status) is one of `states`. */
async function waitForTarget(
  send: () => Promise<Response>,
  states: readonly string[],
  options: { timeoutMs: number; intervalMs: number; method: string; url: URL },
): Promise<Response | undefined> {
  let last: Response | undefined;
  const poll = async (): Promise<OciResponse<unknown>> => {
    const response = await send();
    if (!response.ok) throw await errorFromResponse(response, { method: options.method, url: options.url });
    const bytes = new Uint8Array(await response.arrayBuffer());
    // A null-body status (204, 205, 304) cannot be given a body, even an empty one.
    last = new Response([204, 205, 304].includes(response.status) ? null : bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    const text = textOf(bytes);
    return { data: text === undefined ? undefined : parseData(text), status: response.status, headers: response.headers, opcRequestId: undefined };
  };
  // A fixed interval, as the OCI CLI's --wait-interval-seconds. Undefined: a 404 while waiting for DELETED or TERMINATED.
  const reached = await waitForState(poll, null, undefined, states, { timeoutMs: options.timeoutMs, intervalMs: options.intervalMs, maxIntervalMs: options.intervalMs });
  return reached === undefined ? undefined : last;
}

export async function rawRequestCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let debug = argv.includes("--debug");
  let transport: Awaited<ReturnType<typeof transportFor>> = undefined;
  try {
    const flags = parseFlags(argv, FLAGS, "raw-request");
    if (flags.switches.has("help")) {
      io.stdout(RAW_REQUEST_HELP);
      return EXIT.ok;
    }
    debug = flags.switches.has("debug");
    const method = flags.values["http-method"]!.toUpperCase();
    if (!METHODS.includes(method)) throw new UsageError(`--http-method ${flags.values["http-method"]} is not one of ${METHODS.join(", ")}.`);
    const url = readUrl(flags.values["target-uri"]!);
    const body = readBody(flags.values["request-body"]);
    if (body !== undefined && (method === "GET" || method === "HEAD")) {
      throw new UsageError(`--request-body cannot be sent with --http-method ${method}.`);
    }
    const headers = readHeaders(flags.values["request-headers"]);
    if (body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";

    const outputFile = flags.values["output-file"];
    if (outputFile !== undefined && outputFile.trim() === "") throw new UsageError("--output-file needs a file name.");
    const auth = flags.values["auth"];
    checkAuthFlag(auth);
    checkRegion(flags.values["region"], url, io);
    const retry = retryFromFlags(flags.values, flags.switches);
    const states = flags.lists["wait-for-state"] ?? [];
    if (states.length > 0 && method !== "GET") throw new UsageError(`--wait-for-state polls the target with GET; it cannot follow --http-method ${method}.`);
    for (const flag of ["max-wait-seconds", "wait-interval-seconds"]) {
      if (flags.values[flag] !== undefined && states.length === 0) throw new UsageError(`--${flag} only goes with --wait-for-state.`);
    }
    const maxWaitMs = secondsFlag(flags.values, "max-wait-seconds") ?? 1_200_000;
    const waitIntervalMs = secondsFlag(flags.values, "wait-interval-seconds") ?? 30_000;
    const rawOutput = flags.switches.has("raw-output");
    if (rawOutput && outputFile !== undefined) throw new UsageError("--raw-output prints the body; --output-file saves it: give one of them.");

    transport = await transportFor(io.env, {
      ca: flags.values["cert-bundle"] !== undefined ? readCertBundle(flags.values["cert-bundle"], "--cert-bundle") : readCertBundle(io.env["OCI_CLI_CERT_BUNDLE"] || undefined, "OCI_CLI_CERT_BUNDLE"),
      connectTimeoutMs: secondsFlag(flags.values, "connection-timeout"),
      readTimeoutMs: secondsFlag(flags.values, "read-timeout"),
    });
    if (debug) {
      const mode = chooseAuthMode({ auth, env: io.env });
      const readsConfig = mode === "config" || mode === "api_key" || mode === "security_token" || (mode === "instance_obo_user" && !io.env["OCI_CLI_DELEGATION_TOKEN_FILE"]);
      const where = readsConfig
        ? `; ${describeConfig(flags.values["config-file"], flags.values["profile"], flags.values["region"], io.env)}`
        : mode === "instance_obo_user"
          ? `; delegation token file ${io.env["OCI_CLI_DELEGATION_TOKEN_FILE"]} (OCI_CLI_DELEGATION_TOKEN_FILE)`
          : "";
      io.stderr(`${painter(io).bold("Auth:")} ${mode}${where}\n`);
      if (io.env["OCI_CLI_ENDPOINT"]) io.stderr(`OCI_CLI_ENDPOINT is set and not used: raw-request sends to --target-uri.\n`);
    }
    let signer = await authFromEnvironment({
      auth,
      configFile: flags.values["config-file"],
      profile: flags.values["profile"],
      region: flags.values["region"],
      env: io.env as NodeJS.ProcessEnv,
      onWarning: (message) => io.stderr(`warning: ${message}\n`),
      fetch: transport?.fetch,
      dispatcher: transport?.dispatcher,
    });
    if (debug) signer = debugSigner(signer, io);

    const send = (): Promise<Response> =>
      signedFetch(url, { method, headers, body, signer, retry, fetch: transport?.fetch, dispatcher: transport?.dispatcher });
    const response = states.length > 0 ? await waitForTarget(send, states, { timeoutMs: maxWaitMs, intervalMs: waitIntervalMs, method, url }) : await send();
    if (response === undefined) {
      io.stderr(`The resource is gone (404), which counts as ${states.join(" or ")}.\n`);
      return EXIT.ok;
    }
    if (debug) {
      io.stderr(`${painter(io).bold("Response:")} ${response.status} ${response.statusText}\n`);
      response.headers.forEach((value, name) => io.stderr(`  ${name}: ${value}\n`));
    }
    if (!response.ok) {
      const error = await errorFromResponse(response, { method, url });
      const details: Record<string, unknown> = {
        code: error.code,
        message: error.message,
        "opc-request-id": error.opcRequestId ?? null,
        request_endpoint: `${method} ${url.href}`,
        status: error.status,
      };
      io.stderr(`${painter(io).red("ServiceError:")}\n${JSON.stringify(details, null, 2)}\n`);
      return EXIT.serviceError;
    }
    const bytes = method === "HEAD" ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
    const status = `${response.status} ${response.statusText}`.trim();
    if (outputFile !== undefined) {
      writeOutputFile(outputFile, bytes);
      io.stdout(`${JSON.stringify({ headers: headersObject(response.headers), status }, null, 2)}\n`);
      return EXIT.ok;
    }
    const text = textOf(bytes);
    if (rawOutput && text !== undefined) {
      const data = parseData(text);
      io.stdout(typeof data === "string" ? `${data}\n` : text === "" ? "" : `${text}\n`);
      return EXIT.ok;
    }
    if (text === undefined) {
      // Printed as a JSON string, bytes that are not text come out garbled: say so instead.
      const type = response.headers.get("content-type") ?? "no content-type";
      io.stderr(`warning: the response body is ${bytes.byteLength} bytes of ${type}, not text, so it is not printed. Use --output-file FILE to save it.\n`);
    }
    if (rawOutput) return EXIT.ok;
    const output = { data: text === undefined ? null : parseData(text), headers: headersObject(response.headers), status };
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io, { debug, hasDebugFlag: true });
  } finally {
    await transport?.close();
  }
}
