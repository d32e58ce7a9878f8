/**
 * Instance principals (the Python SDK's `InstancePrincipalsSecurityTokenSigner`): the
 * instance's certificate from instance metadata, traded at the Auth service for a security
 * token signed with a session key.
 */
import { AuthError } from "../errors.js";
import { federationEndpoint as federationEndpointFor, isEmulatorRegion, regionNameOrAsGiven } from "../regions.js";
import type { SignatureHeaderLists } from "../signing.js";
import { checkDelegationToken, CredentialsSigner, limitToEmulator, type DelegationTokenOption } from "../signers.js";
import { tenancyFromCertificate, UrlBasedCertificateRetriever } from "./certificates.js";
import { X509FederationClient } from "./federation.js";
import type { AuthTransportOptions } from "./fetch-util.js";
import type { RefreshOptions } from "./refreshing.js";
import { getMetadataFromFirst, metadataBaseUrls, type MetadataEndpoint } from "./imds.js";
import { SessionKeySupplier } from "./session-key.js";

export interface InstancePrincipalsSignerOptions extends SignatureHeaderLists, AuthTransportOptions, RefreshOptions, DelegationTokenOption {
  /**
   * IMDS base URL. Default: `OCI_METADATA_BASE_URL`, then `http://169.254.169.254/opc/v2`, or on
   * a host with no IPv4 route to it `http://[fd00:c1::a9fe:a9fe]/opc/v2` first.
   */
  metadataBaseUrl?: string | undefined;
  /**
   * Full federation URL, e.g. `https://auth.us-phoenix-1.oraclecloud.com/v1/x509`. Default:
   * `OCI_RAW_FEDERATION_ENDPOINT`, then `OCI_CLI_FEDERATION_ENDPOINT` (the OCI CLI's), then
   * built from the instance's region.
   */
  federationEndpoint?: string | undefined;
  /** Session key size. Default 2048. */
  sessionKeySize?: number | undefined;
  /** Purpose sent with the token request (only when given). */
  purpose?: string | undefined;
  /** Environment for the overrides (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined;
}

/**
 * Signs with instance principals' security token. Made by `instancePrincipalsSigner()`; with
 * `delegationToken` it is the Python SDK's `InstancePrincipalsDelegationTokenSigner`.
 */
export class InstancePrincipalsSigner extends CredentialsSigner {
  readonly federationClient: X509FederationClient;
  /** The instance's region, canonical name (e.g. `us-phoenix-1`). */
  readonly region: string;
  readonly tenancyId: string;
  /** The instance metadata endpoint in use (v2, or v1 after a fallback). */
  readonly metadata: MetadataEndpoint;

  /** @internal Use `instancePrincipalsSigner()`, which obtains the first token. */
  constructor(client: X509FederationClient, region: string, metadata: MetadataEndpoint, lists: SignatureHeaderLists & DelegationTokenOption) {
    super(client, lists);
    this.federationClient = client;
    this.region = region;
    this.tenancyId = client.tenancyId;
    this.metadata = metadata;
  }
}

/**
 * An instance principals signer (the Python SDK's `InstancePrincipalsSecurityTokenSigner`):
 * reads region and certificates from instance metadata, finds the tenancy in the leaf
 * certificate and obtains the first token (so a misconfiguration fails here).
 */
export async function instancePrincipalsSigner(options: InstancePrincipalsSignerOptions = {}): Promise<InstancePrincipalsSigner> {
  const env = options.env ?? process.env;
  const transport = {
    fetch: options.fetch,
    dispatcher: options.dispatcher,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  };

  // A bad delegation token fails here, before any request to instance metadata.
  if (options.delegationToken !== undefined) checkDelegationToken(options.delegationToken);
  const bases = await metadataBaseUrls(options.metadataBaseUrl, env);
  const { text: rawRegion, endpoint } = await getMetadataFromFirst(bases, "instance/region", transport);
  const override = options.federationEndpoint ?? federationEndpointFromEnv(env);
  const region = canonicalRegion(rawRegion.trim(), endpoint.baseUrl, override !== undefined);
  const federationEndpoint = override ?? federationEndpointFor(region);

  const leaf = new UrlBasedCertificateRetriever({
    certificateUrl: `${endpoint.baseUrl}/identity/cert.pem`,
    privateKeyUrl: `${endpoint.baseUrl}/identity/key.pem`,
    headers: { ...endpoint.headers },
    ...transport,
  });
  const intermediate = new UrlBasedCertificateRetriever({
    certificateUrl: `${endpoint.baseUrl}/identity/intermediate.pem`,
    headers: { ...endpoint.headers },
    ...transport,
  });
  await Promise.all([leaf.refresh(), intermediate.refresh()]);
  const tenancyId = tenancyFromCertificate(leaf.x509());
  if (!tenancyId) {
    throw new AuthError(
      `The instance certificate from ${endpoint.baseUrl}/identity/cert.pem names no tenancy (no subject attribute starting "opc-tenant:" or "opc-identity:").`,
      { code: "INSTANCE_CERTIFICATE_NO_TENANCY" },
    );
  }

  const client = new X509FederationClient({
    federationEndpoint,
    tenancyId,
    sessionKeySupplier: new SessionKeySupplier({ keySize: options.sessionKeySize }),
    leafCertificateRetriever: leaf,
    intermediateCertificateRetrievers: [intermediate],
    purpose: options.purpose,
    refreshWindowMs: options.refreshWindowMs,
    now: options.now,
    ...transport,
  });
  await client.credentials();
  const signer = new InstancePrincipalsSigner(client, region, endpoint, options);
  // The emulator's instance metadata: its tokens sign only for the emulator.
  return isEmulatorRegion(region) ? limitToEmulator(signer, `The instance principal credentials from ${endpoint.baseUrl}`) : signer;
}

/** The region's canonical name; an unknown one is only fatal when the federation endpoint must be built from it. */
function canonicalRegion(raw: string, baseUrl: string, endpointGiven: boolean): string {
  if (raw === "") {
    throw new AuthError(`The instance metadata service at ${baseUrl} returned an empty region.`, { code: "IMDS_BAD_REGION" });
  }
  const { name, unknown } = regionNameOrAsGiven(raw);
  if (unknown === undefined || endpointGiven) return name;
  if (isEmulatorRegion(raw)) {
    throw new AuthError(
      `The instance metadata service at ${baseUrl} is the oci-raw emulator's (region ${raw.trim()}), and no federation endpoint is built from the emulator's region. ` +
        `Set OCI_RAW_FEDERATION_ENDPOINT (or federationEndpoint) to the emulator's /v1/x509 URL, as \`oci-raw emulator\` prints it.`,
      { code: "IMDS_BAD_REGION", cause: unknown },
    );
  }
  throw new AuthError(
    `The instance metadata service at ${baseUrl} returned region "${raw.slice(0, 64)}", which oci-raw does not know. ` +
      `Set OCI_RAW_FEDERATION_ENDPOINT (or federationEndpoint) to the Auth service's /v1/x509 URL, or describe the region in ~/.oci/regions-config.json.`,
    { code: "IMDS_BAD_REGION", cause: unknown },
  );
}

/**
 * The federation endpoint the environment names: oci-raw's own `OCI_RAW_FEDERATION_ENDPOINT`
 * beats the OCI CLI's `OCI_CLI_FEDERATION_ENDPOINT` (the default of its `--federation-endpoint`):
 * the tool's own variable beats the shared one, as the CLI's `OCI_CLI_CONFIG_FILE` beats the
 * SDKs' `OCI_CONFIG_FILE` — so the export lines `oci-raw emulator` prints win over a shell set up
 * for the CLI. Trimmed, as the CLI strips it. @internal
 */
export function federationEndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of ["OCI_RAW_FEDERATION_ENDPOINT", "OCI_CLI_FEDERATION_ENDPOINT"]) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}
