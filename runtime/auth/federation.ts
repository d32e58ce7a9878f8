/**
 * The X.509 federation client (the Python SDK's `X509FederationClient`): trades the leaf
 * certificate (signed with its key) and a session public key for a security token, in the
 * Python SDK's request form exactly (DECISIONS.md 7).
 */
import { AuthError } from "../errors.js";
import { CredentialsSigner, securityTokenOfKeyId } from "../signers.js";
import { signRequest, type SignableRequest, type SignatureHeaderLists } from "../signing.js";
import { tenancyFromCertificate, type CertificateRetriever } from "./certificates.js";
import { authRequest, okText, parseJsonObject, pemBody, stringField, type AuthTransportOptions } from "./fetch-util.js";
import { jwtExpiresAt } from "./jwt.js";
import { RefreshingCredentials, securityTokenCredentials, type ExpiringCredentials, type RefreshOptions } from "./refreshing.js";
import type { SessionKeySupplier } from "./session-key.js";

export interface X509FederationClientOptions extends AuthTransportOptions, RefreshOptions {
  /** The Auth service's X.509 endpoint, e.g. `https://auth.us-phoenix-1.oraclecloud.com/v1/x509`. */
  federationEndpoint: string;
  tenancyId: string;
  sessionKeySupplier: SessionKeySupplier;
  /** The leaf certificate and its private key (which signs the token request). */
  leafCertificateRetriever: CertificateRetriever;
  intermediateCertificateRetrievers?: readonly CertificateRetriever[] | undefined;
  /** Sent only when given (the Python SDK's behaviour). */
  purpose?: string | undefined;
}

/** Headers the token request signs: no `host` (Python and Go don't sign it here). */
const FEDERATION_GENERIC_HEADERS: readonly string[] = Object.freeze(["date", "(request-target)"]);

export class X509FederationClient {
  readonly federationEndpoint: string;
  readonly tenancyId: string;
  readonly sessionKeySupplier: SessionKeySupplier;
  readonly #options: X509FederationClientOptions;
  readonly #refreshing: RefreshingCredentials;
  /** Certificates are used as given on the first token request and refetched on every later one. */
  #requests = 0;

  constructor(options: X509FederationClientOptions) {
    for (const field of ["federationEndpoint", "tenancyId", "sessionKeySupplier", "leafCertificateRetriever"] as const) {
      if (!options[field]) throw new TypeError(`X509FederationClient: "${field}" is required`);
    }
    this.federationEndpoint = options.federationEndpoint;
    this.tenancyId = options.tenancyId;
    this.sessionKeySupplier = options.sessionKeySupplier;
    this.#options = options;
    this.#refreshing = new RefreshingCredentials({
      description: `a security token from ${options.federationEndpoint}`,
      refreshWindowMs: options.refreshWindowMs,
      now: options.now,
      fetchCredentials: () => this.#requestToken(),
    });
  }

  /** Token and session key as one value (refreshed when near expiry). */
  credentials(): Promise<ExpiringCredentials> {
    return this.#refreshing.credentials();
  }

  /** The security token (refreshed when near expiry). */
  async securityToken(): Promise<string> {
    return securityTokenOfKeyId((await this.credentials()).keyId);
  }

  /** Request a new token now, with a new session key and refetched certificates. */
  refresh(): Promise<ExpiringCredentials> {
    return this.#refreshing.refresh();
  }

  async #requestToken(): Promise<ExpiringCredentials> {
    const options = this.#options;
    const leaf = options.leafCertificateRetriever;
    const intermediates = options.intermediateCertificateRetrievers ?? [];
    const first = this.#requests++ === 0;
    const [sessionKey] = await Promise.all([
      // Not current until its token arrives (see SessionKeySupplier).
      this.sessionKeySupplier.generate(),
      ...[leaf, ...intermediates].filter((r) => !first || !r.loaded).map((r) => r.refresh()),
    ]);

    const leafKey = leaf.privateKey();
    if (!leafKey) {
      throw new AuthError("The leaf certificate retriever has no private key; the token request must be signed with the leaf's key.", {
        code: "FEDERATION_NO_LEAF_KEY",
      });
    }
    const leafTenancy = tenancyFromCertificate(leaf.x509());
    if (leafTenancy !== undefined && leafTenancy !== this.tenancyId) {
      throw new AuthError(
        `The leaf certificate now names tenancy ${leafTenancy}, not ${this.tenancyId} this client was created for. Create a new signer.`,
        { code: "FEDERATION_TENANCY_CHANGED" },
      );
    }

    const payload: Record<string, unknown> = {
      certificate: pemBody(leaf.certificate()),
      publicKey: pemBody(sessionKey.publicKeyPem),
      intermediateCertificates: intermediates.map((r) => pemBody(r.certificate())),
    };
    if (options.purpose !== undefined) payload["purpose"] = options.purpose;
    const body = JSON.stringify(payload);
    // SHA-1, upper-case hex with colons: exactly what X509Certificate.fingerprint gives.
    const keyId = `${this.tenancyId}/fed-x509/${leaf.x509().fingerprint}`;

    const url = this.federationEndpoint;
    const what = "The federation endpoint";
    // Signed with the leaf's key, which no refresh can replace: a 401 is final here.
    const credentials = { keyId, privateKey: leafKey };
    const signer = { sign: async (request: SignableRequest) => signRequest(request, credentials, { genericHeaders: FEDERATION_GENERIC_HEADERS }).headers };
    const answer = await authRequest({ method: "POST", url, body, signer }, "the federation endpoint", options);
    const hint = answer.status === 401 ? "The instance's certificate was refused; check the dynamic group and that the clock is right." : "";
    const token = stringField(what, url, parseJsonObject(what, url, okText(answer, what, url, hint)), "token");
    const expiresAt = jwtExpiresAt(token, `The token from ${url}`);
    this.sessionKeySupplier.use(sessionKey);
    return securityTokenCredentials(token, sessionKey.privateKey, expiresAt);
  }
}

/**
 * Signs with the federation client's token and session key (the Python SDK's
 * `X509FederationClientBasedSecurityTokenSigner`). Token and key are read as one value.
 */
export class X509FederationClientSigner extends CredentialsSigner {
  readonly federationClient: X509FederationClient;

  constructor(client: X509FederationClient, lists: SignatureHeaderLists = {}) {
    super(client, lists);
    this.federationClient = client;
  }
}
