/**
 * Instance metadata (IMDS): v2 (`/opc/v2`, header `Authorization: Bearer Oracle`) with a
 * fallback to v1 (`/opc/v1`, no header) when v2 answers 404; at the link-local IPv4 address,
 * or at the IPv6 one on hosts with no IPv4 route to it (the Python SDK's order).
 */
import { AuthError } from "../errors.js";
import { authRequest, okText, type AuthTransportOptions } from "./fetch-util.js";

export const DEFAULT_METADATA_BASE_URL = "http://169.254.169.254/opc/v2";
export const DEFAULT_METADATA_BASE_URL_IPV6 = "http://[fd00:c1::a9fe:a9fe]/opc/v2";
const IMDS_IPV4 = "169.254.169.254";

export interface MetadataEndpoint {
  /** Base URL without trailing slash, e.g. `http://169.254.169.254/opc/v2`. */
  readonly baseUrl: string;
  /** Headers every metadata request carries. */
  readonly headers: Readonly<Record<string, string>>;
}

function headersFor(baseUrl: string): Record<string, string> {
  return /\/opc\/v1$/.test(baseUrl) ? {} : { authorization: "Bearer Oracle" };
}

/** An overriding base URL, checked, without a trailing slash. */
function checkedBaseUrl(raw: string): string {
  try {
    new URL(raw);
  } catch {
    throw new AuthError(`The instance metadata base URL "${raw}" is not a URL (set OCI_METADATA_BASE_URL or metadataBaseUrl to e.g. http://169.254.169.254/opc/v2).`, {
      code: "IMDS_URL_INVALID",
    });
  }
  return raw.replace(/\/+$/, "");
}

/**
 * Whether this host has an IPv4 route to `host` (default: the IMDS address): connecting a UDP
 * socket only looks the route up, it sends nothing. False on error or after `timeoutMs`.
 */
export async function hasIpv4Route(host = IMDS_IPV4, timeoutMs = 200): Promise<boolean> {
  // Loaded here, not at the top: only instance principals without an override need it, and
  // every program that imports oci-raw would otherwise load it at start-up.
  const { createSocket } = await import("node:dgram");
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    let settled = false;
    const done = (answer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("error", () => done(false));
    try {
      socket.connect(80, host, () => done(true));
    } catch {
      done(false);
    }
  });
}

/**
 * The metadata base URLs to try, in order: the override alone (option, then
 * `OCI_METADATA_BASE_URL`); else the IPv4 address when there is a route to it; else the IPv6
 * address, then IPv4. `ipv4Route` is for tests, which never look up the real address.
 */
export async function metadataBaseUrls(
  option: string | undefined,
  env: NodeJS.ProcessEnv,
  ipv4Route: () => Promise<boolean> = hasIpv4Route,
): Promise<string[]> {
  const fromEnv = env["OCI_METADATA_BASE_URL"]?.trim(); // blank counts as unset
  const override = option ?? (fromEnv ? fromEnv : undefined);
  if (override !== undefined) return [checkedBaseUrl(override)];
  return (await ipv4Route()) ? [DEFAULT_METADATA_BASE_URL] : [DEFAULT_METADATA_BASE_URL_IPV6, DEFAULT_METADATA_BASE_URL];
}

/**
 * `getMetadata` from the first base URL that can be reached; any other failure (an HTTP
 * error, a bad answer) is final, as is the last base's.
 */
export async function getMetadataFromFirst(
  baseUrls: readonly string[],
  path: string,
  options: AuthTransportOptions,
): Promise<{ text: string; endpoint: MetadataEndpoint }> {
  for (let i = 0; ; i++) {
    try {
      return await getMetadata(baseUrls[i]!, path, options);
    } catch (error) {
      const unreachable = error instanceof AuthError && error.code === "AUTH_ENDPOINT_UNREACHABLE";
      if (!unreachable || i === baseUrls.length - 1) throw error;
    }
  }
}

/**
 * GET `<base>/<path>` as text, trying v2 then (on 404 from a `/opc/v2` base) v1. Returns the
 * text and the endpoint that answered, so later requests go straight there.
 */
export async function getMetadata(
  baseUrl: string,
  path: string,
  options: AuthTransportOptions,
): Promise<{ text: string; endpoint: MetadataEndpoint }> {
  const endpoint: MetadataEndpoint = { baseUrl, headers: headersFor(baseUrl) };
  const answer = await getFrom(endpoint, path, options);
  if (answer.status === 404 && /\/opc\/v2$/.test(baseUrl)) {
    const v1: MetadataEndpoint = { baseUrl: baseUrl.replace(/\/opc\/v2$/, "/opc/v1"), headers: {} };
    const fallback = await getFrom(v1, path, options);
    return { text: okText(fallback, "The instance metadata service (v1, after v2 answered 404)", `${v1.baseUrl}/${path}`), endpoint: v1 };
  }
  return { text: okText(answer, "The instance metadata service", `${baseUrl}/${path}`), endpoint };
}

/** GET from a known endpoint (no fallback). */
export async function getMetadataFrom(endpoint: MetadataEndpoint, path: string, options: AuthTransportOptions): Promise<string> {
  return okText(await getFrom(endpoint, path, options), "The instance metadata service", `${endpoint.baseUrl}/${path}`);
}

function getFrom(endpoint: MetadataEndpoint, path: string, options: AuthTransportOptions) {
  const url = `${endpoint.baseUrl}/${path}`;
  return authRequest({ method: "GET", url, headers: { ...endpoint.headers } }, "the instance metadata service", options);
}
