/**
 * Instance metadata (IMDS): v2 (`/opc/v2`, header `Authorization: Bearer Oracle`) with a
 * fallback to v1 (`/opc/v1`, no header) when v2 answers 404.
 */
import { AuthError } from "../errors.js";
import { httpStatusError, requestWithRetry, type AuthHttpOptions } from "./fetch-util.js";

export const DEFAULT_METADATA_BASE_URL = "http://169.254.169.254/opc/v2";

export interface MetadataEndpoint {
  /** Base URL without trailing slash, e.g. `http://169.254.169.254/opc/v2`. */
  readonly baseUrl: string;
  /** Headers every metadata request carries. */
  readonly headers: Readonly<Record<string, string>>;
}

function headersFor(baseUrl: string): Record<string, string> {
  return /\/opc\/v1$/.test(baseUrl) ? {} : { authorization: "Bearer Oracle" };
}

/** The metadata base URL: option, then `OCI_METADATA_BASE_URL`, then the link-local v2 address. */
export function metadataBaseUrl(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = option ?? (env["OCI_METADATA_BASE_URL"] || undefined) ?? DEFAULT_METADATA_BASE_URL;
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
 * GET `<base>/<path>` as text, trying v2 then (on 404 from a `/opc/v2` base) v1. Returns the
 * text and the endpoint that answered, so later requests go straight there.
 */
export async function getMetadata(
  baseUrl: string,
  path: string,
  options: AuthHttpOptions,
): Promise<{ text: string; endpoint: MetadataEndpoint }> {
  const endpoint: MetadataEndpoint = { baseUrl, headers: headersFor(baseUrl) };
  const answer = await getFrom(endpoint, path, options);
  if (answer.status === 404 && /\/opc\/v2$/.test(baseUrl)) {
    const v1: MetadataEndpoint = { baseUrl: baseUrl.replace(/\/opc\/v2$/, "/opc/v1"), headers: {} };
    const fallback = await getFrom(v1, path, options);
    if (fallback.status === 200) return { text: fallback.text, endpoint: v1 };
    throw httpStatusError("The instance metadata service (v1, after v2 answered 404)", `${v1.baseUrl}/${path}`, fallback);
  }
  if (answer.status !== 200) throw httpStatusError("The instance metadata service", `${baseUrl}/${path}`, answer);
  return { text: answer.text, endpoint };
}

/** GET from a known endpoint (no fallback). */
export async function getMetadataFrom(endpoint: MetadataEndpoint, path: string, options: AuthHttpOptions): Promise<string> {
  const answer = await getFrom(endpoint, path, options);
  if (answer.status !== 200) throw httpStatusError("The instance metadata service", `${endpoint.baseUrl}/${path}`, answer);
  return answer.text;
}

function getFrom(endpoint: MetadataEndpoint, path: string, options: AuthHttpOptions) {
  const url = `${endpoint.baseUrl}/${path}`;
  return requestWithRetry(url, () => ({ method: "GET", headers: { ...endpoint.headers } }), "the instance metadata service", options);
}
