/**
 * oci-raw — the public runtime API, every name listed (README "Public API"; a test holds the
 * two lists equal). Nothing runs at import, and nothing reachable from here imports undici,
 * zod, node-forge, the code generator, the emulator or, until a provider is called,
 * runtime/auth/. The building blocks of the token-based providers are `oci-raw/auth`.
 */

// Calling services: a client, generated functions' runtime, paging, response checks.
export { createClient } from "./client-node.js";
export { invoke, serviceBaseUrl } from "./client.js";
export type { Client, ClientOptions } from "./client.js";
export { paginate, paginatePages } from "./paginate.js";
export type { ItemOf, PageItem, PaginateOptions } from "./paginate.js";
export { lazySchema } from "./operation.js";
export type {
  CallOptions,
  OciResponse,
  OperationRequest,
  Paged,
  QueryValue,
  ResponseSchema,
  SchemaIssue,
  ServiceInfo,
  ZodMiniBuilders,
  ZodMiniCheck,
} from "./operation.js";
export { validateResponse } from "./validation.js";
export type { ValidationMode } from "./validation.js";

// Raw signed requests.
export { signedFetch } from "./request.js";
export type { RetryNotice, SignedFetchBody, SignedFetchOptions } from "./request.js";
export { errorFromResponse } from "./service-error.js";
export type { ErrorContext } from "./service-error.js";
export type { FetchFunction, TransportOptions } from "./transport.js";

// Signers, config and keys.
export { ApiKeySigner, SecurityTokenSigner } from "./signers.js";
export type { ApiKeySignerOptions, RequestSigner } from "./signers.js";
export type { HeadersInput, SignableRequest, SignatureHeaderLists, SignedRequestParts, SigningCredentials } from "./signing.js";
export { loadConfig, signerFromConfig } from "./config.js";
export type { ConfigKey, LoadConfigOptions, OciConfig, SignerFromConfigOptions } from "./config.js";
export { loadPrivateKey } from "./keys.js";
export type { LoadPrivateKeyOptions } from "./keys.js";

// Token-based auth, loaded on first call.
export {
  authFromEnvironment,
  instancePrincipalsSigner,
  okeWorkloadIdentitySigner,
  resourcePrincipalsSigner,
  sessionTokenSigner,
  sessionTokenSignerFromConfig,
} from "./providers.js";
export type { AuthFromEnvironmentOptions, AuthMode } from "./auth/from-environment.js";
export type { AuthTransportOptions } from "./auth/fetch-util.js";
export type { InstancePrincipalsSigner, InstancePrincipalsSignerOptions } from "./auth/instance-principals.js";
export type { OkeWorkloadIdentitySigner, OkeWorkloadIdentitySignerOptions } from "./auth/oke-workload-identity.js";
export type { ResourcePrincipalsSigner, ResourcePrincipalsSignerOptions } from "./auth/resource-principals.js";
export type { SessionTokenSigner, SessionTokenSignerOptions } from "./auth/session-token.js";
export type { RefreshOptions } from "./auth/refreshing.js";

// Waiting for a resource's state or a work request.
export { waitFor, waitForState, waitForWorkRequest } from "./wait.js";
export type { GetFunction, WaitForOptions, WaitForStateOptions, WaitForWorkRequestOptions, WaitOptions, WorkRequestErrorLike, WorkRequestLike } from "./wait.js";

// Retries.
export { defaultRetryStrategy, noRetry, retryStrategy } from "./retry.js";
export type { RetryAttempt, RetryPolicy, RetryStrategy, RetryStrategyOptions } from "./retry.js";

// Regions.
export { regionInfo, serviceEndpoint } from "./regions.js";
export type { EndpointOptions, RegionInfo, RegionLookupOptions } from "./regions.js";

// Errors.
export {
  AuthError,
  ConfigError,
  KeyError,
  OciRawError,
  OciServiceError,
  ResourcePrincipalsNotConfiguredError,
  ResponseValidationError,
  WaitError,
  hasOciRawCode,
} from "./errors.js";
export type { ConfigLocation, OciRawErrorCode, OciRawErrorOptions, ValidationIssue } from "./errors.js";
