/**
 * Resource principals (OCI Functions, Data Flow, …), versions 1.1, 2.2 and 3.0, configured
 * entirely by environment variables (the Python SDK's `get_resource_principals_signer`).
 *
 * - 2.2: the session token (RPST) and its private key are given, each literal or as an
 *   absolute path to a file that an outside agent rewrites (relative values are literal).
 * - 1.1: the instance (instance principals) fetches a resource principal token (RPT) from the
 *   service and trades it for a session token bound to a fresh session key.
 * - 3.0: a "leaf" resource principal (2.2 or 1.1, variables suffixed `_FOR_LEAF_RESOURCE`)
 *   obtains the token of its parent resource, which may itself have a parent
 *   (`opc-parent-rpt-url` answer header), up to 10 levels.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute } from "node:path";
import { AuthError, ResourcePrincipalsNotConfiguredError } from "../errors.js";
import { whyUnreadable } from "../files.js";
import { loadPrivateKey } from "../keys.js";
import { isEmulatorRegion, regionNameOrAsGiven } from "../regions.js";
import { checkDelegationToken, CredentialsSigner, limitToEmulator, securityTokenOfKeyId, type DelegationTokenOption, type RequestSigner } from "../signers.js";
import type { SignatureHeaderLists, SigningCredentials } from "../signing.js";
import { authRequest, okText, parseJsonObject, pemBody, stringField, type AuthTransportOptions } from "./fetch-util.js";
import { getMetadataFrom } from "./imds.js";
import { instancePrincipalsSigner } from "./instance-principals.js";
import { decodeJwtPayload, jwtExpiresAt, type JwtClaims } from "./jwt.js";
import { RefreshingCredentials, securityTokenCredentials, type ExpiringCredentials, type RefreshOptions } from "./refreshing.js";
import { SessionKeySupplier } from "./session-key.js";
import { rereadOnChange, WatchedFile } from "./watched-file.js";

export interface ResourcePrincipalsSignerOptions extends SignatureHeaderLists, AuthTransportOptions, RefreshOptions, DelegationTokenOption {
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined;
  /** v1.1: instance metadata base URL (default `OCI_METADATA_BASE_URL`, then the link-local v2 URL). */
  metadataBaseUrl?: string | undefined;
  /** v1.1: the instance principals federation endpoint (default `OCI_RAW_FEDERATION_ENDPOINT`, then `OCI_CLI_FEDERATION_ENDPOINT`, then from the region). */
  federationEndpoint?: string | undefined;
  /** v1.1: session key size, default 2048. */
  sessionKeySize?: number | undefined;
}

export type ResourcePrincipalVersion = "1.1" | "2.2" | "3.0";

const VERSION = "OCI_RESOURCE_PRINCIPAL_VERSION";
const LEAF = "_FOR_LEAF_RESOURCE";
const RPST_PATH = "/v1/resourcePrincipalSessionToken";
const DEFAULT_RPT_PATH = "/20180711/resourcePrincipalToken/{id}";
const PARENT_HEADER = "opc-parent-rpt-url";
const MAX_NESTED_DEPTH = 10;

/** A source of expiring credentials, the shape every level here shares. */
interface Source {
  credentials(): Promise<ExpiringCredentials>;
  refresh(): Promise<ExpiringCredentials>;
  readonly region: string | undefined;
}

export class ResourcePrincipalsSigner extends CredentialsSigner {
  readonly version: ResourcePrincipalVersion;
  /** Canonical region name, when the environment gives one. */
  readonly region: string | undefined;
  readonly #source: Source;

  constructor(version: ResourcePrincipalVersion, source: Source, lists: SignatureHeaderLists & DelegationTokenOption) {
    super(source, lists);
    this.version = version;
    this.region = source.region;
    this.#source = source;
  }

  /** The current session token's claims (`res_tenant`, `res_compartment`, …). */
  async claims(): Promise<JwtClaims> {
    return decodeJwtPayload(securityTokenOfKeyId((await this.#source.credentials()).keyId), "The resource principal session token");
  }

  /** The tenancy OCID (`res_tenant` claim). */
  async tenancyId(): Promise<string | undefined> {
    const value = (await this.claims())["res_tenant"];
    return typeof value === "string" ? value : undefined;
  }
}

/**
 * A resource principals signer for the version `OCI_RESOURCE_PRINCIPAL_VERSION` names. With
 * `delegationToken` it is the Python SDK's `get_resource_principal_delegation_token_signer`
 * (which offers 1.1 and 2.2; here every version takes it): the token rides, signed, in
 * `opc-obo-token` on the requests it signs — not on its own token exchanges.
 */
export async function resourcePrincipalsSigner(options: ResourcePrincipalsSignerOptions = {}): Promise<ResourcePrincipalsSigner> {
  if (options.delegationToken !== undefined) checkDelegationToken(options.delegationToken);
  const env = options.env ?? process.env;
  const version = env[VERSION];
  if (!version) throw new ResourcePrincipalsNotConfiguredError([VERSION]);
  let source: Source;
  switch (version) {
    case "2.2":
      source = ephemeralSource(env, "", options);
      break;
    case "1.1":
      source = await federatedSource(env, "", options);
      break;
    case "3.0":
      source = await nestedSources(env, options);
      break;
    default:
      throw new AuthError(`${VERSION}=${version.slice(0, 20)} is not a resource principal version oci-raw supports (1.1, 2.2, 3.0).`, {
        code: "RESOURCE_PRINCIPALS_VERSION_UNSUPPORTED",
      });
  }
  // Obtain the first token now, so a broken setup fails here rather than on the first request.
  await source.credentials();
  const signer = new ResourcePrincipalsSigner(version, source, options);
  // The emulator's resource principal environment: its tokens sign only for the emulator.
  return isEmulatorRegion(source.region) ? limitToEmulator(signer, "The resource principal credentials (OCI_RESOURCE_PRINCIPAL_REGION)") : signer;
}

function transportOf(options: ResourcePrincipalsSignerOptions): AuthTransportOptions {
  return { fetch: options.fetch, dispatcher: options.dispatcher, retry: options.retry, timeoutMs: options.timeoutMs };
}

function requireVars(env: NodeJS.ProcessEnv, names: readonly string[], detail: string): void {
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) throw new ResourcePrincipalsNotConfiguredError(missing, detail);
}

function canonical(region: string | undefined): string | undefined {
  return region ? regionNameOrAsGiven(region).name : undefined;
}

/** A variable's value: the file's contents when it is an absolute path, else the value itself. */
async function valueOf(env: NodeJS.ProcessEnv, name: string): Promise<{ value: string; file: string | undefined }> {
  const raw = env[name] ?? "";
  if (!isAbsolute(raw)) return { value: raw, file: undefined };
  try {
    return { value: (await readFile(raw, "utf8")).trim(), file: raw };
  } catch (cause) {
    throw new AuthError(`${name} names the file ${raw}, which ${whyUnreadable(cause)}.`, { code: "RESOURCE_PRINCIPALS_FILE_UNREADABLE", cause });
  }
}

// ---- 2.2: given token and key ------------------------------------------------------------

function ephemeralSource(env: NodeJS.ProcessEnv, suffix: string, options: ResourcePrincipalsSignerOptions): Source {
  const tokenVar = `OCI_RESOURCE_PRINCIPAL_RPST${suffix}`;
  const keyVar = `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM${suffix}`;
  const passVar = `OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE${suffix}`;
  requireVars(env, [tokenVar, keyVar], `version ${suffix ? "2.2 for the leaf resource" : "2.2"}`);
  const tokenRaw = env[tokenVar]!;
  const watched = isAbsolute(tokenRaw) ? new WatchedFile(tokenRaw) : undefined;

  const refreshing = new RefreshingCredentials({
    description: "the resource principal session token",
    refreshWindowMs: options.refreshWindowMs,
    now: options.now,
    fetchCredentials: async () => {
      await watched?.mark();
      const token = await valueOf(env, tokenVar);
      const where = token.file ? `The resource principal session token in ${token.file}` : `The resource principal session token in ${tokenVar}`;
      const expiresAt = jwtExpiresAt(token.value, where);
      if (expiresAt <= (options.now ?? Date.now)()) {
        throw new AuthError(
          `${where} expired at ${new Date(expiresAt).toISOString()}${token.file ? "; the service that injects it has not replaced it" : ""}.`,
          { code: "RESOURCE_PRINCIPALS_TOKEN_EXPIRED" },
        );
      }
      const privateKey = await loadKey(env, keyVar, passVar);
      return securityTokenCredentials(token.value, privateKey, expiresAt);
    },
  });
  return { region: canonical(env[`OCI_RESOURCE_PRINCIPAL_REGION${suffix}`]), ...rereadOnChange(watched, refreshing) };
}

/**
 * The pass phrase follows the key, as in the Python SDK: a key given as a file path has its pass
 * phrase in a file too (the variable is that file's path); a key given as PEM text has the pass
 * phrase itself, even one that starts with "/". The variable's value is never quoted: it may be
 * the pass phrase.
 */
async function passPhraseOf(env: NodeJS.ProcessEnv, passVar: string, keyVar: string, keyIsFile: boolean): Promise<string | undefined> {
  const raw = env[passVar];
  if (!raw) return undefined;
  if (!keyIsFile) return raw;
  // A relative value beside a key file is taken as the pass phrase itself, as before (Python would open it relative to the working directory).
  if (!isAbsolute(raw)) return raw;
  try {
    return (await readFile(raw, "utf8")).trim();
  } catch (cause) {
    // The cause (and its message, which quotes the path) is left out: the value may be the pass phrase itself.
    throw new AuthError(
      `${passVar} names a file holding the pass phrase (${keyVar} is a file path), and that file ${whyUnreadable(cause)}. ` +
        `Set ${passVar} to the absolute path of a readable file holding the pass phrase (or give the key itself in ${keyVar}).`,
      { code: "RESOURCE_PRINCIPALS_FILE_UNREADABLE" },
    );
  }
}

async function loadKey(env: NodeJS.ProcessEnv, keyVar: string, passVar: string): Promise<KeyObject> {
  const key = await valueOf(env, keyVar);
  const pass = await passPhraseOf(env, passVar, keyVar, key.file !== undefined);
  if (!key.value.includes("-----BEGIN")) {
    throw new AuthError(`${keyVar} is neither a PEM private key nor an absolute path to one.`, { code: "RESOURCE_PRINCIPALS_KEY_INVALID" });
  }
  return loadPrivateKey(key.value, pass, { source: key.file ? `${keyVar}, file ${key.file}` : keyVar, onWarning: () => {} });
}

// ---- signed calls to the token endpoints --------------------------------------------------

/** One signed JSON request; a 401 refreshes the signer once and resends it (the one HTTP path's rule). */
async function signedJson(
  method: "GET" | "POST",
  url: string,
  signer: RequestSigner,
  body: string | undefined,
  what: string,
  transport: AuthTransportOptions,
): Promise<{ body: Record<string, unknown>; headers: Headers }> {
  const answer = await authRequest({ method, url, body, signer }, what, transport);
  const subject = capitalise(what);
  return { body: parseJsonObject(subject, url, okText(answer, subject, url)), headers: answer.headers };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface TokenExchange {
  /** URL of the resource principal token (GET). */
  rptUrl: string;
  /** Base of the session token endpoint (POST `<base>/v1/resourcePrincipalSessionToken`). */
  rpstEndpoint: string;
}

/**
 * GET the RPT (and service principal session token), POST them with the session public key
 * for a session token. Both requests are signed with `source`'s credentials.
 */
async function exchangeTokens(
  exchange: TokenExchange,
  source: { credentials(): Promise<SigningCredentials>; refresh(): Promise<unknown> },
  sessionPublicKey: (signing: SigningCredentials) => Promise<KeyObject>,
  transport: AuthTransportOptions,
): Promise<{ token: string; signing: SigningCredentials; parentRptUrl: string | undefined }> {
  const signer = new CredentialsSigner(source);
  const rpt = await signedJson("GET", exchange.rptUrl, signer, undefined, "the resource principal token endpoint", transport);
  // Read after the GET, which may have refreshed them: the session public key sent is this
  // value's, so the token that comes back is bound to it whichever credentials sign the POST.
  const signing = await source.credentials();
  const what = "The resource principal token endpoint";
  const publicKey = await sessionPublicKey(signing);
  const payload = JSON.stringify({
    resourcePrincipalToken: stringField(what, exchange.rptUrl, rpt.body, "resourcePrincipalToken"),
    servicePrincipalSessionToken: stringField(what, exchange.rptUrl, rpt.body, "servicePrincipalSessionToken"),
    sessionPublicKey: pemBody(publicKey.export({ type: "spki", format: "pem" }).toString()),
  });
  const url = `${exchange.rpstEndpoint.replace(/\/+$/, "")}${RPST_PATH}`;
  const rpst = await signedJson("POST", url, signer, payload, "the resource principal session token endpoint", transport);
  return {
    token: stringField("The resource principal session token endpoint", url, rpst.body, "token"),
    signing,
    parentRptUrl: rpt.headers.get(PARENT_HEADER) ?? undefined,
  };
}

// ---- 1.1: instance principals → RPT → RPST --------------------------------------------------

async function federatedSource(env: NodeJS.ProcessEnv, suffix: string, options: ResourcePrincipalsSignerOptions): Promise<Source> {
  const rptVar = `OCI_RESOURCE_PRINCIPAL_RPT_ENDPOINT${suffix}`;
  const rpstVar = `OCI_RESOURCE_PRINCIPAL_RPST_ENDPOINT${suffix}`;
  requireVars(env, [rptVar], `version ${suffix ? "1.1 for the leaf resource" : "1.1"}`);
  const transport = transportOf(options);
  const instance = await instancePrincipalsSigner({
    env,
    metadataBaseUrl: options.metadataBaseUrl,
    federationEndpoint: options.federationEndpoint,
    sessionKeySize: options.sessionKeySize,
    refreshWindowMs: options.refreshWindowMs,
    now: options.now,
    ...transport,
  });
  // Default: the Auth service itself (the federation endpoint's origin, https://auth.<region>.<domain>).
  const rpstEndpoint = env[rpstVar] || new URL(instance.federationClient.federationEndpoint).origin;
  const id = env["OCI_RESOURCE_PRINCIPAL_RPT_ID"] || (await getMetadataFrom(instance.metadata, "instance/id", transport)).trim().toLowerCase();
  const path = (env["OCI_RESOURCE_PRINCIPAL_RPT_PATH"] || DEFAULT_RPT_PATH).replaceAll("{id}", id);
  const exchange: TokenExchange = { rptUrl: `${env[rptVar]!.replace(/\/+$/, "")}${path}`, rpstEndpoint };
  const sessionKeys = new SessionKeySupplier({ keySize: options.sessionKeySize });
  const client = instance.federationClient;

  const refreshing = new RefreshingCredentials({
    description: "the resource principal session token",
    refreshWindowMs: options.refreshWindowMs,
    now: options.now,
    fetchCredentials: async () => {
      const pair = await sessionKeys.generate();
      const { token } = await exchangeTokens(exchange, client, async () => pair.publicKey, transport);
      sessionKeys.use(pair);
      return securityTokenCredentials(token, pair.privateKey, jwtExpiresAt(token, "The resource principal session token"));
    },
  });
  return { region: instance.region, credentials: () => refreshing.credentials(), refresh: () => refreshing.refresh() };
}

// ---- 3.0: leaf → parent(s) -------------------------------------------------------------------

interface NestedSource extends Source {
  /** The grandparent's RPT URL, when the last exchange named one. */
  readonly parentRptUrl: string | undefined;
}

function nestedSource(sub: Source, exchange: TokenExchange, options: ResourcePrincipalsSignerOptions): NestedSource {
  const transport = transportOf(options);
  let parentRptUrl: string | undefined;
  const refreshing = new RefreshingCredentials({
    description: "the parent resource principal session token",
    refreshWindowMs: options.refreshWindowMs,
    now: options.now,
    fetchCredentials: async () => {
      // The parent's token is bound to the leaf's session key, so it signs with that key.
      const result = await exchangeTokens(exchange, sub, async (signing) => createPublicKey(signing.privateKey), transport);
      parentRptUrl = result.parentRptUrl;
      const expiresAt = jwtExpiresAt(result.token, "The parent resource principal session token");
      return securityTokenCredentials(result.token, result.signing.privateKey, expiresAt);
    },
  });
  return {
    region: sub.region,
    get parentRptUrl() {
      return parentRptUrl;
    },
    credentials: () => refreshing.credentials(),
    refresh: () => refreshing.refresh(),
  };
}

async function nestedSources(env: NodeJS.ProcessEnv, options: ResourcePrincipalsSignerOptions): Promise<Source> {
  const leafVersionVar = `OCI_RESOURCE_PRINCIPAL_VERSION${LEAF}`;
  const rptUrlVar = "OCI_RESOURCE_PRINCIPAL_RPT_URL_FOR_PARENT_RESOURCE";
  const rpstVar = "OCI_RESOURCE_PRINCIPAL_RPST_ENDPOINT_FOR_PARENT_RESOURCE";
  requireVars(env, [leafVersionVar, rptUrlVar, rpstVar], "version 3.0");
  const leafVersion = env[leafVersionVar];
  let leaf: Source;
  if (leafVersion === "2.2") leaf = ephemeralSource(env, LEAF, options);
  else if (leafVersion === "1.1") leaf = await federatedSource(env, LEAF, options);
  else {
    throw new AuthError(`${leafVersionVar}=${String(leafVersion).slice(0, 20)} is not supported for 3.0 (use 2.2 or 1.1).`, {
      code: "RESOURCE_PRINCIPALS_VERSION_UNSUPPORTED",
    });
  }

  const rpstEndpoint = env[rpstVar]!;
  const seen = new Set<string>();
  let rptUrl = env[rptUrlVar]!;
  let current: NestedSource = nestedSource(leaf, { rptUrl, rpstEndpoint }, options);
  for (let depth = 1; ; depth++) {
    seen.add(rptUrl);
    await current.credentials();
    const next = current.parentRptUrl;
    if (next === undefined || next === "") return current;
    if (depth >= MAX_NESTED_DEPTH || seen.has(next)) {
      throw new AuthError(
        `Nested resource principals: ${seen.has(next) ? `the parent chain loops back to ${next}` : `more than ${MAX_NESTED_DEPTH} parent levels`}.`,
        { code: "RESOURCE_PRINCIPALS_NESTING" },
      );
    }
    rptUrl = next;
    current = nestedSource(current, { rptUrl, rpstEndpoint }, options);
  }
}
