/**
 * oci-raw/auth — the token-based providers and the pieces they are built from, for callers
 * who assemble their own (a federation client over their own certificate retriever, a
 * refreshing credentials source of their own). The package entry, `oci-raw`, exports the
 * providers' functions too, loading this code on first call.
 */
export { authFromEnvironment, chooseAuthMode, SUPPORTED_AUTH_MODES } from "./from-environment.js";
export type { AuthFromEnvironmentOptions, AuthMode } from "./from-environment.js";
export { InstancePrincipalsSigner, instancePrincipalsSigner } from "./instance-principals.js";
export type { InstancePrincipalsSignerOptions } from "./instance-principals.js";
export { ResourcePrincipalsSigner, resourcePrincipalsSigner } from "./resource-principals.js";
export type { ResourcePrincipalsSignerOptions, ResourcePrincipalVersion } from "./resource-principals.js";
export {
  DEFAULT_OKE_PROXYMUX_PORT,
  DEFAULT_OKE_SERVICE_ACCOUNT_CERT_PATH,
  DEFAULT_OKE_SERVICE_ACCOUNT_TOKEN_PATH,
  OkeWorkloadIdentitySigner,
  okeWorkloadIdentitySigner,
} from "./oke-workload-identity.js";
export type { OkeWorkloadIdentitySignerOptions } from "./oke-workload-identity.js";
export { SessionTokenSigner, sessionTokenSigner, sessionTokenSignerFromConfig } from "./session-token.js";
export type { SessionTokenSignerOptions } from "./session-token.js";
export { X509FederationClient, X509FederationClientSigner } from "./federation.js";
export type { X509FederationClientOptions } from "./federation.js";
export {
  FileBasedCertificateRetriever,
  PemStringCertificateRetriever,
  UrlBasedCertificateRetriever,
  tenancyFromCertificate,
} from "./certificates.js";
export type {
  CertificateRetriever,
  FileBasedCertificateRetrieverOptions,
  PemStringCertificateRetrieverOptions,
  UrlBasedCertificateRetrieverOptions,
} from "./certificates.js";
export { SessionKeySupplier } from "./session-key.js";
export type { SessionKeyPair, SessionKeySupplierOptions } from "./session-key.js";
export { CredentialsSigner } from "../signers.js";
export { DEFAULT_REFRESH_WINDOW_MS, RefreshingCredentials } from "./refreshing.js";
export type { ExpiringCredentials, RefreshingCredentialsOptions, RefreshOptions } from "./refreshing.js";
export { DEFAULT_AUTH_RETRY, DEFAULT_AUTH_TIMEOUT_MS } from "./fetch-util.js";
export type { AuthTransportOptions } from "./fetch-util.js";
export { DEFAULT_METADATA_BASE_URL } from "./imds.js";
export type { MetadataEndpoint } from "./imds.js";
export { decodeJwtPayload, jwtExpiresAt } from "./jwt.js";
export type { JwtClaims } from "./jwt.js";
