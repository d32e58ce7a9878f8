/** Auth providers: everything token-based, and choosing a signer from the environment. */
export { ResourcePrincipalsNotConfiguredError } from "../errors.js";
export { RefreshingCredentials, DEFAULT_REFRESH_WINDOW_MS } from "./refreshing.js";
export type { ExpiringCredentials, RefreshingCredentialsOptions, RefreshOptions } from "./refreshing.js";
export { DEFAULT_AUTH_RETRY, DEFAULT_AUTH_TIMEOUT_MS } from "./fetch-util.js";
export type { AuthTransportOptions } from "./fetch-util.js";
export { decodeJwtPayload, jwtExpiresAt } from "./jwt.js";
export type { JwtClaims } from "./jwt.js";
export {
  UrlBasedCertificateRetriever,
  PemStringCertificateRetriever,
  FileBasedCertificateRetriever,
  tenancyFromCertificate,
} from "./certificates.js";
export type {
  CertificateRetriever,
  UrlBasedCertificateRetrieverOptions,
  PemStringCertificateRetrieverOptions,
  FileBasedCertificateRetrieverOptions,
} from "./certificates.js";
export { SessionKeySupplier } from "./session-key.js";
export type { SessionKeyPair, SessionKeySupplierOptions } from "./session-key.js";
export { X509FederationClient, X509FederationClientSigner } from "./federation.js";
export type { X509FederationClientOptions } from "./federation.js";
export { DEFAULT_METADATA_BASE_URL } from "./imds.js";
export type { MetadataEndpoint } from "./imds.js";
export { InstancePrincipalsSigner, instancePrincipalsSigner } from "./instance-principals.js";
export type { InstancePrincipalsSignerOptions } from "./instance-principals.js";
export { ResourcePrincipalsSigner, resourcePrincipalsSigner } from "./resource-principals.js";
export type { ResourcePrincipalsSignerOptions, ResourcePrincipalVersion } from "./resource-principals.js";
export { SessionTokenSigner, sessionTokenSigner, sessionTokenSignerFromConfig } from "./session-token.js";
export type { SessionTokenSignerOptions } from "./session-token.js";
export { authFromEnvironment, chooseAuthMode, SUPPORTED_AUTH_MODES } from "./from-environment.js";
export type { AuthFromEnvironmentOptions, AuthMode } from "./from-environment.js";
