/**
 * `oci-raw raw-request`: the OCI CLI's `oci raw-request`, on oci-raw's runtime. Loads only
 * what one signed request needs (no codegen, no zod; undici only when a proxy is set).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { authFromEnvironment, chooseAuthMode } from "../../runtime/auth/from-environment.js";
import { whyUnreadable } from "../../runtime/files.js";
import { signedFetch } from "../../runtime/request.js";
import { AuthError } from "../../runtime/errors.js";
import { redactSecrets } from "../../runtime/redact.js";
import { errorFromResponse } from "../../runtime/service-error.js";
import type { RequestSigner } from "../../runtime/signers.js";
import type { SignableRequest } from "../../runtime/signing.js";
import { proxyFromEnvironment, type TransportOptions } from "../../runtime/transport.js";
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
    description: "api_key, security_token, instance_principal or resource_principal (default: OCI_CLI_AUTH, then the profile).",
    example: "--auth instance_principal",
  },
  {
    name: "output-file",
    value: "FILE",
    description: "Write the response body's bytes to FILE (e.g. an object download) and print only status and headers.",
    example: "--output-file photo.jpg",
  },
  { name: "debug", description: "Show the signing string and the headers on stderr (signature and tokens redacted).", example: "--debug" },
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

/** Wraps the signer to print what it signed (redacted) before each attempt. */
function debugSigner(inner: RequestSigner, io: CliIo): RequestSigner {
  const paint = painter(io);
  const show = (signingString: string, headers: Record<string, string>): void => {
    io.stderr(`${paint.bold("Signing string:")}\n${signingString.replace(/^/gm, "  ")}\n`);
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
    if (error instanceof AuthError && (error.code === "AUTH_MODE_UNKNOWN" || error.code === "AUTH_MODE_NOT_SUPPORTED")) throw new UsageError(error.message);
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

/** Proxy support costs the undici package (≈ 100 ms to load): only when a proxy is set. */
async function transportFromEnvironment(env: CliIo["env"]): Promise<(TransportOptions & { close(): Promise<void> }) | undefined> {
  const proxy = proxyFromEnvironment(env);
  if (!proxy) return undefined;
  const { envProxyTransport } = await import("../../runtime/undici.js");
  return envProxyTransport({ ...proxy, noProxy: proxy.noProxy ?? "" });
}

export async function rawRequestCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let debug = argv.includes("--debug");
  let transport: Awaited<ReturnType<typeof transportFromEnvironment>> = undefined;
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

    transport = await transportFromEnvironment(io.env);
    if (debug) io.stderr(`${painter(io).bold("Auth:")} ${chooseAuthMode({ auth, env: io.env })}\n`);
    let signer = await authFromEnvironment({
      auth,
      configFile: flags.values["config-file"],
      profile: flags.values["profile"],
      env: io.env as NodeJS.ProcessEnv,
      onWarning: (message) => io.stderr(`warning: ${message}\n`),
      fetch: transport?.fetch,
      dispatcher: transport?.dispatcher,
    });
    if (debug) signer = debugSigner(signer, io);

    const response = await signedFetch(url, { method, headers, body, signer, fetch: transport?.fetch, dispatcher: transport?.dispatcher });
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
    if (text === undefined) {
      // Printed as a JSON string, bytes that are not text come out garbled: say so instead.
      const type = response.headers.get("content-type") ?? "no content-type";
      io.stderr(`warning: the response body is ${bytes.byteLength} bytes of ${type}, not text, so it is not printed. Use --output-file FILE to save it.\n`);
    }
    const output = { data: text === undefined ? null : parseData(text), headers: headersObject(response.headers), status };
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io, { debug, hasDebugFlag: true });
  } finally {
    await transport?.close();
  }
}
