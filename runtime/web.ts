/**
 * oci-raw for runtimes without Node's built-ins — Cloudflare Workers (`workerd`), Vercel Edge
 * and other `worker` runtimes, browsers — chosen by package.json's export conditions
 * (`workerd`, `worker`, `browser`), so no bundler flag is needed. Every name listed in the
 * README ("Public API", the web entry's list; a test holds the two equal).
 *
 * The same runtime as `oci-raw` (client.ts, request.ts, retry, paging, waiters, errors — one
 * copy of the logic), with the Web Crypto signing core in place of node:crypto. Nothing
 * reachable from here imports a `node:` module (test/entry.test.ts walks the graph; the bundle
 * test builds it for platform=browser). What needs a file system is not here: loadConfig,
 * key and token files, instance, resource and session-token principals (the README says so).
 */
import { createClientWith, type Client, type ClientOptions } from "./client.js";
import { NO_EXTRA_REGIONS, regionInfoFrom, serviceEndpointFrom, type EndpointOptions, type RegionInfo } from "./region-table.js";

// Calling services: a client, generated functions' runtime, paging, response checks.
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

// Signing with Web Crypto.
export { WebCryptoApiKeySigner } from "./webcrypto.js";
export type { WebCryptoApiKeySignerOptions, WebCryptoKey } from "./webcrypto.js";
export type { RequestSigner } from "./signing-core.js";
export type { HeadersInput, SignableRequest, SignatureHeaderLists, SignedRequestParts } from "./signing-core.js";

// Waiting for a resource's state or a work request.
export { waitFor, waitForState, waitForWorkRequest } from "./wait.js";
export type { GetFunction, WaitForOptions, WaitForStateOptions, WaitForWorkRequestOptions, WaitOptions, WorkRequestErrorLike, WorkRequestLike } from "./wait.js";

// Retries.
export { defaultRetryStrategy, noRetry, retryStrategy } from "./retry.js";
export type { RetryAttempt, RetryPolicy, RetryStrategy, RetryStrategyOptions } from "./retry.js";

// Errors.
export {
  AuthError,
  KeyError,
  OciRawError,
  OciServiceError,
  ResponseValidationError,
  WaitError,
  hasOciRawCode,
} from "./errors.js";
export type { ConfigLocation, OciRawErrorCode, OciRawErrorOptions, ValidationIssue } from "./errors.js";

export type { EndpointOptions, RegionInfo };

/**
 * A client for generated functions. A region outside the built-in table has no regions config
 * file to come from here: pass `endpoint` for it.
 */
export function createClient(options: ClientOptions): Client {
  return createClientWith(options, NO_EXTRA_REGIONS);
}

/**
 * What is known about a region (name or short code), from the built-in table; `UNKNOWN_REGION`
 * otherwise (there is no regions config file or OCI_REGION_METADATA to consult here).
 */
export function regionInfo(region: string): RegionInfo {
  return regionInfoFrom(NO_EXTRA_REGIONS, region);
}

/** `serviceEndpoint("identity", "phx")` → `https://identity.us-phoenix-1.oraclecloud.com` (built-in table). */
export function serviceEndpoint(service: string, region: string, options: Pick<EndpointOptions, "oci"> = {}): string {
  return serviceEndpointFrom(NO_EXTRA_REGIONS, service, region, options);
}
