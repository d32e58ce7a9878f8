/**
 * OKE workload identity (the Python SDK's `get_oke_workload_identity_resource_principal_signer`):
 * a pod on an OKE enhanced cluster trades its Kubernetes service account token for an OCI
 * session token at the cluster's proxymux.
 *
 * Each exchange: a fresh RSA session key pair; POST `{"podKey": "<public key PEM>"}` to
 * `https://$KUBERNETES_SERVICE_HOST:<KUBERNETES_SERVICE_PORT_PROXYMUX or 12250>/resourcePrincipalSessionTokens`
 * with `Authorization: Bearer <service account token>` — the token file read again each time
 * (kubelet rotates it) — over TLS verified against the cluster CA file, through a TLS agent of
 * its own (ca-fetch.ts: never verification off, never a global TLS setting; not undici, which
 * nothing reachable from the package entry may load). The answer is
 * base64 of `{"token": "ST$<jwt>"}`, sometimes itself quoted as a JSON string.
 *
 * Refreshing goes through RefreshingCredentials: one exchange per rotation however many
 * requests wait, ahead of the JWT's `exp`; a 401 from a service refreshes once.
 */
import { readFile } from "node:fs/promises";
import { AuthError, OciRawError } from "../errors.js";
import { whyUnreadable } from "../files.js";
import { regionNameOrAsGiven } from "../regions.js";
import { CredentialsSigner, securityTokenOfKeyId } from "../signers.js";
import type { SignatureHeaderLists } from "../signing.js";
import type { FetchFunction } from "../transport.js";
import { caFetch } from "./ca-fetch.js";
import { authRequest, httpStatusError, parseJsonObject, stringField, type AuthTransportOptions, type HttpAnswer } from "./fetch-util.js";
import { decodeJwtPayload, jwtExpiresAt, type JwtClaims } from "./jwt.js";
import { RefreshingCredentials, securityTokenCredentials, type RefreshOptions } from "./refreshing.js";
import { SessionKeySupplier } from "./session-key.js";

export const DEFAULT_OKE_SERVICE_ACCOUNT_TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token";
export const DEFAULT_OKE_SERVICE_ACCOUNT_CERT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
export const DEFAULT_OKE_PROXYMUX_PORT = 12250;

const HOST_VAR = "KUBERNETES_SERVICE_HOST";
const PORT_VAR = "KUBERNETES_SERVICE_PORT_PROXYMUX";
const TOKEN_PATH_VAR = "OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH";
const TOKEN_STRING_VAR = "OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_STRING";
const CERT_PATH_VAR = "OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH";
const REGION_VAR = "OCI_RESOURCE_PRINCIPAL_REGION";
const PROXYMUX_PATH = "/resourcePrincipalSessionTokens";

/** TLS verification failures: the proxymux's certificate does not chain to the CA file given. */
const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export interface OkeWorkloadIdentitySignerOptions extends SignatureHeaderLists, AuthTransportOptions, RefreshOptions {
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined;
  /**
   * The whole proxymux URL (`https://host:port/resourcePrincipalSessionTokens`). Default: from
   * `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT_PROXYMUX` (else port 12250).
   */
  proxymuxEndpoint?: string | undefined;
  /** The service account token itself. Default: `OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_STRING`, else the token file. */
  serviceAccountToken?: string | undefined;
  /**
   * The service account token file, read again at each exchange. Default:
   * `OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH`, then `/var/run/secrets/kubernetes.io/serviceaccount/token`.
   */
  serviceAccountTokenPath?: string | undefined;
  /**
   * The cluster CA file the proxymux's certificate is verified against (read at each exchange).
   * Default: `OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH`, then `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`.
   * Not read when `fetch` or `dispatcher` is given: they are then used for the proxymux as they
   * are (e.g. `undiciTransport({ ca })` from `oci-raw/undici`), and decide what TLS trusts.
   */
  caCertPath?: string | undefined;
  /** Region (default `OCI_RESOURCE_PRINCIPAL_REGION`). */
  region?: string | undefined;
  /** Session key size. Default 2048. */
  sessionKeySize?: number | undefined;
}

/** Signs as the pod's workload identity. Made by `okeWorkloadIdentitySigner()`. */
export class OkeWorkloadIdentitySigner extends CredentialsSigner {
  /** Canonical region name, when given. */
  readonly region: string | undefined;
  /** The proxymux URL tokens come from. */
  readonly proxymuxEndpoint: string;
  readonly #source: RefreshingCredentials;

  /** @internal Use `okeWorkloadIdentitySigner()`, which obtains the first token. */
  constructor(source: RefreshingCredentials, region: string | undefined, proxymuxEndpoint: string, lists: SignatureHeaderLists) {
    super(source, lists);
    this.#source = source;
    this.region = region;
    this.proxymuxEndpoint = proxymuxEndpoint;
  }

  /** The current session token's claims (`res_tenant`, `res_compartment`, …). */
  async claims(): Promise<JwtClaims> {
    return decodeJwtPayload(securityTokenOfKeyId((await this.#source.credentials()).keyId), "The OKE workload identity session token");
  }

  /** The tenancy OCID (`res_tenant` claim), when the token carries one. */
  async tenancyId(): Promise<string | undefined> {
    const value = (await this.claims())["res_tenant"];
    return typeof value === "string" ? value : undefined;
  }
}

/**
 * An OKE workload identity signer: checks the pod's setup and obtains the first session token
 * before it resolves, so a misconfiguration fails here rather than on the first request.
 */
export async function okeWorkloadIdentitySigner(options: OkeWorkloadIdentitySignerOptions = {}): Promise<OkeWorkloadIdentitySigner> {
  const env = options.env ?? process.env;
  const endpoint = proxymuxEndpointOf(options, env);
  const readServiceAccountToken = serviceAccountTokenReader(options, env);
  const caPath = options.caCertPath ?? (env[CERT_PATH_VAR] || DEFAULT_OKE_SERVICE_ACCOUNT_CERT_PATH);
  const caFrom = options.caCertPath !== undefined ? "caCertPath" : env[CERT_PATH_VAR] ? CERT_PATH_VAR : "the default cluster CA path";
  const sessionKeys = new SessionKeySupplier({ keySize: options.sessionKeySize });
  const region = options.region ?? (env[REGION_VAR] || undefined);

  const refreshing = new RefreshingCredentials({
    description: "the OKE workload identity session token",
    refreshWindowMs: options.refreshWindowMs,
    now: options.now,
    fetchCredentials: async () => {
      const pair = await sessionKeys.generate();
      const serviceAccount = await readServiceAccountToken();
      const answer = await exchange(endpoint, pair.publicKeyPem, serviceAccount, { path: caPath, from: caFrom }, options);
      const token = sessionTokenOf(answer, endpoint);
      const expiresAt = jwtExpiresAt(token, `The session token from the proxymux at ${endpoint}`);
      sessionKeys.use(pair);
      return securityTokenCredentials(token, pair.privateKey, expiresAt);
    },
  });
  await refreshing.credentials();
  return new OkeWorkloadIdentitySigner(refreshing, region ? regionNameOrAsGiven(region).name : undefined, endpoint, options);
}

function proxymuxEndpointOf(options: OkeWorkloadIdentitySignerOptions, env: NodeJS.ProcessEnv): string {
  if (options.proxymuxEndpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.proxymuxEndpoint);
    } catch {
      throw new AuthError(`proxymuxEndpoint "${options.proxymuxEndpoint.slice(0, 200)}" is not a URL; give the whole proxymux URL, e.g. https://10.96.0.1:12250/resourcePrincipalSessionTokens.`, {
        code: "OKE_PROXYMUX_ENDPOINT_INVALID",
      });
    }
    if (url.protocol !== "https:") {
      throw new AuthError(`proxymuxEndpoint ${url.origin} is not https: the service account token only goes over TLS verified against the cluster CA.`, {
        code: "OKE_PROXYMUX_ENDPOINT_INVALID",
      });
    }
    return url.href;
  }
  const host = (env[HOST_VAR] ?? "").trim();
  if (host === "") {
    throw new AuthError(
      `${HOST_VAR} is not set, so this process is not running in a Kubernetes pod: OKE workload identity works only in pods on OKE enhanced clusters. ` +
        `Elsewhere use --auth api_key, security_token, instance_principal or resource_principal.`,
      { code: "OKE_NOT_IN_CLUSTER" },
    );
  }
  const portText = (env[PORT_VAR] ?? "").trim();
  const port = portText === "" ? DEFAULT_OKE_PROXYMUX_PORT : Number(portText);
  if (!/^\d{1,5}$/.test(String(port)) || port < 1 || port > 65535) {
    throw new AuthError(`${PORT_VAR}=${portText.slice(0, 20)} is not a port number (1-65535).`, { code: "OKE_PROXYMUX_ENDPOINT_INVALID" });
  }
  // An IPv6 service address (fd00::1) goes in brackets.
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  try {
    return new URL(`https://${hostPart}:${port}${PROXYMUX_PATH}`).href;
  } catch {
    throw new AuthError(`${HOST_VAR}=${host.slice(0, 100)} is not a host name or address.`, { code: "OKE_PROXYMUX_ENDPOINT_INVALID" });
  }
}

interface ServiceAccountToken {
  readonly token: string;
  /** Where it came from, for messages (a variable or a file, never the token). */
  readonly source: string;
}

/** Reads the service account token at each call: kubelet rewrites the file before it expires. */
function serviceAccountTokenReader(options: OkeWorkloadIdentitySignerOptions, env: NodeJS.ProcessEnv): () => Promise<ServiceAccountToken> {
  const literal = options.serviceAccountToken ?? (options.serviceAccountTokenPath === undefined ? env[TOKEN_STRING_VAR] || undefined : undefined);
  if (literal !== undefined) {
    const source = options.serviceAccountToken !== undefined ? "the serviceAccountToken option" : TOKEN_STRING_VAR;
    const token = literal.trim();
    if (token === "") throw new AuthError(`The service account token in ${source} is empty.`, { code: "OKE_SERVICE_ACCOUNT_TOKEN_UNREADABLE" });
    return async () => ({ token, source });
  }
  const path = options.serviceAccountTokenPath ?? (env[TOKEN_PATH_VAR] || DEFAULT_OKE_SERVICE_ACCOUNT_TOKEN_PATH);
  const from = options.serviceAccountTokenPath !== undefined ? "serviceAccountTokenPath" : env[TOKEN_PATH_VAR] ? TOKEN_PATH_VAR : "the default path";
  return async () => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (cause) {
      throw new AuthError(
        `The service account token file ${path} (${from}) ${whyUnreadable(cause)}. In a pod it is mounted by Kubernetes ` +
          `(automountServiceAccountToken must not be false); set ${TOKEN_PATH_VAR} or ${TOKEN_STRING_VAR} otherwise.`,
        { code: "OKE_SERVICE_ACCOUNT_TOKEN_UNREADABLE", cause },
      );
    }
    const token = text.trim();
    if (token === "") throw new AuthError(`The service account token file ${path} (${from}) is empty.`, { code: "OKE_SERVICE_ACCOUNT_TOKEN_UNREADABLE" });
    return { token, source: `the file ${path}` };
  };
}

async function readCa(ca: { path: string; from: string }): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(ca.path);
  } catch (cause) {
    throw new AuthError(`The cluster CA file ${ca.path} (${ca.from}) ${whyUnreadable(cause)}; set ${CERT_PATH_VAR} to the cluster's CA certificate.`, {
      code: "OKE_CA_UNREADABLE",
      cause,
    });
  }
  if (!bytes.includes("-----BEGIN CERTIFICATE-----")) {
    throw new AuthError(`The cluster CA file ${ca.path} (${ca.from}) holds no PEM certificate (-----BEGIN CERTIFICATE-----).`, { code: "OKE_CA_UNREADABLE" });
  }
  return bytes;
}

/** The code of a TLS verification failure somewhere in `error`'s cause chain, if it is one. */
function tlsVerifyCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TLS_VERIFY_CODES.has(code)) return code;
  }
  return undefined;
}

/** One POST to the proxymux, over the caller's transport or one trusting just the cluster CA. */
async function exchange(
  endpoint: string,
  podKey: string,
  serviceAccount: ServiceAccountToken,
  ca: { path: string; from: string },
  options: OkeWorkloadIdentitySignerOptions,
): Promise<HttpAnswer> {
  const callerTransport = options.fetch !== undefined || options.dispatcher !== undefined;
  const transport: { fetch: FetchFunction | undefined; dispatcher: unknown; close?: () => void } = callerTransport
    ? { fetch: options.fetch, dispatcher: options.dispatcher }
    : { ...caFetch(await readCa(ca)), dispatcher: undefined };
  let answer: HttpAnswer;
  try {
    answer = await authRequest(
      {
        method: "POST",
        url: endpoint,
        headers: { authorization: `Bearer ${serviceAccount.token}`, "content-type": "application/json" },
        body: JSON.stringify({ podKey }),
      },
      "the OKE proxymux",
      { fetch: transport.fetch, dispatcher: transport.dispatcher, retry: options.retry, timeoutMs: options.timeoutMs },
    );
  } catch (error) {
    const code = tlsVerifyCode(error);
    if (code !== undefined) {
      const trusted = callerTransport ? "the fetch or dispatcher given" : `the cluster CA file ${ca.path} (${ca.from})`;
      throw new AuthError(
        `The proxymux at ${endpoint} presented a certificate that ${trusted} does not verify (${code}). ` +
          `Set ${CERT_PATH_VAR} to the cluster's CA certificate (in a pod: ${DEFAULT_OKE_SERVICE_ACCOUNT_CERT_PATH}).`,
        { code: "OKE_PROXYMUX_CA_MISMATCH", cause: error },
      );
    }
    throw error;
  } finally {
    transport.close?.();
  }
  if (answer.status === 401 || answer.status === 403) {
    throw new AuthError(
      `The proxymux at ${endpoint} refused the service account token from ${serviceAccount.source} (HTTP ${answer.status}). ` +
        `It may have expired or been rotated, or the pod's service account may not be allowed workload identity: ` +
        `check the token's source and the IAM policy for this cluster, namespace and service account.`,
      { code: "OKE_SERVICE_ACCOUNT_TOKEN_REJECTED" },
    );
  }
  if (answer.status !== 200) throw httpStatusError("The OKE proxymux", endpoint, answer);
  return answer;
}

/** The session token (without `ST$`) from the proxymux's answer: base64 of `{"token": "ST$…"}`, maybe JSON-quoted. */
function sessionTokenOf(answer: HttpAnswer, endpoint: string): string {
  const bad = (detail: string): AuthError =>
    new AuthError(`The OKE proxymux at ${endpoint} answered with ${detail} (${answer.text.length} bytes), not base64 of {"token": "ST$…"}.`, {
      code: "AUTH_BAD_RESPONSE",
    });
  let text = answer.text.trim();
  if (text.startsWith('"')) {
    try {
      const inner: unknown = JSON.parse(text);
      if (typeof inner !== "string") throw new Error("not a string");
      text = inner.trim();
    } catch {
      // No cause: JSON.parse's message quotes the body.
      throw bad("a quoted body that is not a JSON string");
    }
  }
  if (text === "" || !/^[A-Za-z0-9+/_-]+=*$/.test(text)) throw bad("a body that is not base64");
  const decoded = Buffer.from(text, "base64").toString("utf8");
  const what = "The OKE proxymux's decoded answer";
  let token: string;
  try {
    token = stringField(what, endpoint, parseJsonObject(what, endpoint, decoded), "token");
  } catch (error) {
    if (error instanceof OciRawError) throw bad("base64 of something other than a JSON object with a token");
    throw error;
  }
  return token.startsWith("ST$") ? token.slice(3) : token;
}
