/**
 * Every failure oci-raw reports is an OciRawError with a stable `code`, a message that says
 * what happened, where, and what to do — and never a secret (key, pass phrase, token). A
 * programming mistake (a missing required option, a body a GET cannot have) is a TypeError.
 *
 * Two kinds of code share the `code` field, told apart by `source`:
 * - `source: "oci-raw"`: the failure is oci-raw's own finding, `code` is an `OciRawErrorCode`;
 * - `source: "service"`: an OciServiceError, `code` is OCI's own (`NotAuthorizedOrNotFound`),
 *   as the Python SDK's `ServiceError.code` is.
 * `hasOciRawCode(error)` narrows to the first kind.
 */

/** Every code oci-raw gives its own errors (OciServiceError carries OCI's instead). */
export type OciRawErrorCode =
  // Generic, and the defaults of the base classes
  | "OCI_RAW_ERROR"
  | "CONFIG_ERROR"
  | "KEY_ERROR"
  | "AUTH_ERROR"
  // Sending a request (signedFetch, generated functions)
  | "NETWORK_ERROR"
  | "REQUEST_TIMEOUT"
  | "PATH_PARAMETER_INVALID"
  | "QUERY_PARAMETER_INVALID"
  | "ENDPOINT_REQUIRED"
  | "REGION_REQUIRED"
  | "UNKNOWN_REGION"
  | "EMULATOR_REGION"
  | "WEBCRYPTO_UNAVAILABLE"
  | "RESPONSE_NOT_JSON"
  | "RESPONSE_VALIDATION_FAILED"
  | "PAGINATION_LOOP"
  | "PAGINATION_NOT_A_LIST"
  // WaitError (waitFor, waitForState, waitForWorkRequest)
  | "WAIT_TIMEOUT"
  | "WAIT_FAILED_STATE"
  // ConfigError
  | "CONFIG_DUPLICATE_KEY"
  | "CONFIG_DUPLICATE_PROFILE"
  | "CONFIG_FILE_NOT_FOUND"
  | "CONFIG_FILE_UNREADABLE"
  | "CONFIG_KEY_MISSING"
  | "CONFIG_PARSE_ERROR"
  | "CONFIG_PROFILE_NOT_FOUND"
  // KeyError
  | "KEY_CONTENT_ESCAPED_NEWLINES"
  | "KEY_ENCRYPTED"
  | "KEY_FILE_NOT_FOUND"
  | "KEY_FILE_UNREADABLE"
  | "KEY_INVALID"
  | "KEY_IS_PUBLIC"
  | "KEY_NOT_PEM"
  | "KEY_NOT_PRIVATE"
  | "KEY_NOT_RSA"
  | "KEY_PASSPHRASE_MISSING"
  | "KEY_PASSPHRASE_WRONG"
  // AuthError: choosing a mode, auth endpoints, certificates, tokens
  | "AUTH_BAD_RESPONSE"
  | "AUTH_ENDPOINT_ERROR"
  | "AUTH_ENDPOINT_UNREACHABLE"
  | "AUTH_MODE_UNKNOWN"
  | "AUTH_NOT_AUTHENTICATED"
  | "CERTIFICATE_INVALID"
  | "CERTIFICATE_KEY_INVALID"
  | "CERTIFICATE_KEY_MISMATCH"
  | "CERTIFICATE_NOT_LOADED"
  | "CERTIFICATE_UNREADABLE"
  | "CREDENTIALS_INVALID"
  | "DELEGATION_TOKEN_INVALID"
  | "DELEGATION_TOKEN_UNREADABLE"
  | "FEDERATION_NO_LEAF_KEY"
  | "FEDERATION_TENANCY_CHANGED"
  | "IMDS_BAD_REGION"
  | "IMDS_URL_INVALID"
  | "INSTANCE_CERTIFICATE_NO_TENANCY"
  | "SESSION_TOKEN_EXPIRED"
  | "SESSION_TOKEN_UNREADABLE"
  | "TOKEN_NOT_JWT"
  | "TOKEN_NO_EXPIRY"
  // AuthError: resource principals
  | "RESOURCE_PRINCIPALS_FILE_UNREADABLE"
  | "RESOURCE_PRINCIPALS_KEY_INVALID"
  | "RESOURCE_PRINCIPALS_NESTING"
  | "RESOURCE_PRINCIPALS_NOT_CONFIGURED"
  | "RESOURCE_PRINCIPALS_TOKEN_EXPIRED"
  | "RESOURCE_PRINCIPALS_VERSION_UNSUPPORTED"
  // AuthError: OKE workload identity
  | "OKE_CA_UNREADABLE"
  | "OKE_NOT_IN_CLUSTER"
  | "OKE_PROXYMUX_CA_MISMATCH"
  | "OKE_PROXYMUX_ENDPOINT_INVALID"
  | "OKE_SERVICE_ACCOUNT_TOKEN_REJECTED"
  | "OKE_SERVICE_ACCOUNT_TOKEN_UNREADABLE"
  // The CLI and the code generator (bin/, codegen/)
  | "USAGE_ERROR"
  | "GENERATE_ERROR";

export interface OciRawErrorOptions {
  code?: OciRawErrorCode | undefined;
  /** The error that led to this one; kept whenever it cannot quote a secret. */
  cause?: unknown;
}

/** The static property holding a class's brand: a `Symbol.for` key its instances' prototypes carry. */
const BRAND: unique symbol = Symbol.for("oci-raw.error.brand");

export class OciRawError extends Error {
  /**
   * `instanceof` by brand, as undici's errors do: the package ships more than one copy of these
   * classes (`oci-raw` is bundled on its own for its cold start, beside `oci-raw/auth`, the CLI
   * and the emulator), and an error from any copy is an instance of the same class from any
   * other. A subclass without a brand of its own (outside this file) is checked the usual way.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const brand: unknown = Object.hasOwn(this, BRAND) ? (this as unknown as Record<symbol, unknown>)[BRAND] : undefined;
    if (typeof brand !== "symbol") return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && brand in value;
  }

  override name = "OciRawError";
  /**
   * A stable identifier for the failure kind: an `OciRawErrorCode`, except on OciServiceError,
   * where it is OCI's own error code (see `source`).
   */
  readonly code: string;
  /** Who named `code`: oci-raw ("oci-raw") or the OCI service that answered ("service"). */
  readonly source: "oci-raw" | "service" = "oci-raw";

  constructor(message: string, options: OciRawErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "OCI_RAW_ERROR";
  }
}

/** An OciRawError whose `code` is oci-raw's own (not an OciServiceError's OCI code). */
export function hasOciRawCode(error: unknown): error is OciRawError & { readonly code: OciRawErrorCode; readonly source: "oci-raw" } {
  return error instanceof OciRawError && error.source === "oci-raw";
}

/** Where in a config file a problem is. */
export interface ConfigLocation {
  file?: string;
  profile?: string;
  line?: number;
  key?: string;
}

/** The config file is missing, unreadable, malformed, or lacks what was asked for. */
export class ConfigError extends OciRawError {
  override name = "ConfigError";
  readonly file: string | undefined;
  readonly profile: string | undefined;
  readonly line: number | undefined;
  readonly key: string | undefined;

  constructor(message: string, location: ConfigLocation & OciRawErrorOptions = {}) {
    super(message, { code: location.code ?? "CONFIG_ERROR", cause: location.cause });
    this.file = location.file;
    this.profile = location.profile;
    this.line = location.line;
    this.key = location.key;
  }
}

/** A private key could not be loaded: missing, public, encrypted without pass phrase, … */
export class KeyError extends OciRawError {
  override name = "KeyError";
  /** The key file, when the key came from a file. */
  readonly file: string | undefined;

  constructor(message: string, options: OciRawErrorOptions & { file?: string } = {}) {
    super(message, { code: options.code ?? "KEY_ERROR", cause: options.cause });
    this.file = options.file;
  }
}

/** Credentials could not be obtained (instance metadata, federation, tokens, …). */
export class AuthError extends OciRawError {
  override name = "AuthError";

  constructor(message: string, options: OciRawErrorOptions = {}) {
    super(message, { code: options.code ?? "AUTH_ERROR", cause: options.cause });
  }
}

/**
 * An answer from an OCI service with a non-2xx status. `code` is OCI's own error code
 * (`NotAuthorizedOrNotFound`, or one made from the status text when the body has none), not an
 * `OciRawErrorCode`; `source` is "service".
 */
export class OciServiceError extends OciRawError {
  override name = "OciServiceError";
  override readonly source = "service" as const;
  readonly status: number;
  readonly opcRequestId: string | undefined;
  readonly method: string;
  readonly url: string;
  /** The service's `date` header and the local clock, when a 401 came with a large skew. */
  readonly clockSkew: { serverDate: string; localDate: string; skewSeconds: number } | undefined;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    opcRequestId?: string | undefined;
    method: string;
    url: string;
    clockSkew?: { serverDate: string; localDate: string; skewSeconds: number } | undefined;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    // OCI's code, outside the OciRawErrorCode union the base constructor takes.
    (this as { code: string }).code = init.code;
    this.status = init.status;
    this.opcRequestId = init.opcRequestId;
    this.method = init.method;
    this.url = init.url;
    this.clockSkew = init.clockSkew;
  }
}

/**
 * One mismatch between a response and its schema: where, what type was wanted, what type
 * arrived. Never the value itself: response values can be secrets (a secret bundle's
 * content, a KMS plaintext).
 */
export interface ValidationIssue {
  /** JSON path into the response body, e.g. `$[3].lifecycleState`. */
  path: string;
  /** What the schema wants there, e.g. `string`, `object`, `"image" or "bootVolume"`. */
  expected: string;
  /** The JSON type that arrived: `string`, `number`, `boolean`, `null`, `array`, `object`, or `missing`. */
  received: string;
  /** `expected string, received null`. */
  message: string;
}

/**
 * The process is not set up for resource principals: `OCI_RESOURCE_PRINCIPAL_VERSION` or a
 * variable its version needs is missing. `missing` names the variables.
 */
export class ResourcePrincipalsNotConfiguredError extends AuthError {
  override name = "ResourcePrincipalsNotConfiguredError";
  readonly missing: readonly string[];

  constructor(missing: readonly string[], detail?: string) {
    super(
      `This process is not configured for resource principals: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set` +
        `${detail ? ` (${detail})` : ""}. Resource principals work inside OCI Functions, Data Flow and other services that ` +
        `set these variables; elsewhere use --auth api_key, security_token or instance_principal.`,
      { code: "RESOURCE_PRINCIPALS_NOT_CONFIGURED" },
    );
    this.missing = Object.freeze([...missing]);
  }
}

/** A response body did not match the operation's schema (validation "strict"). */
export class ResponseValidationError extends OciRawError {
  override name = "ResponseValidationError";
  readonly operation: string;
  readonly issues: readonly ValidationIssue[];
  readonly opcRequestId: string | undefined;

  constructor(init: { operation: string; issues: ValidationIssue[]; opcRequestId?: string | undefined }) {
    const first = init.issues[0];
    const where = first ? ` at ${first.path}: ${first.message}` : "";
    const more = init.issues.length > 1 ? ` (and ${init.issues.length - 1} more)` : "";
    super(
      `Response of ${init.operation} does not match its schema${where}${more}. ` +
        `Use validation "warn" or "off" on the client to accept it, and regenerate from a newer spec.`,
      { code: "RESPONSE_VALIDATION_FAILED" },
    );
    this.operation = init.operation;
    this.issues = init.issues;
    this.opcRequestId = init.opcRequestId;
  }
}

/** A wait that ended without the resource getting where it should: timed out, or stuck in a terminal state. */
export class WaitError extends OciRawError {
  override name = "WaitError";
  /** The state seen last (`lifecycleState` or a work request's `status`), when there was one. */
  readonly lastState: string | undefined;
  /** How long the wait ran. */
  readonly elapsedMs: number;
  /** How many polls answered. */
  readonly polls: number;

  constructor(message: string, init: { code: "WAIT_TIMEOUT" | "WAIT_FAILED_STATE"; lastState: string | undefined; elapsedMs: number; polls: number; cause?: unknown }) {
    super(message, { code: init.code, cause: init.cause });
    this.lastState = init.lastState;
    this.elapsedMs = init.elapsedMs;
    this.polls = init.polls;
  }
}

/** Gives each class its brand (see OciRawError's `Symbol.hasInstance`): shared by every copy, through `Symbol.for`. */
for (const [kind, errorClass] of Object.entries({
  OciRawError,
  ConfigError,
  KeyError,
  AuthError,
  OciServiceError,
  ResourcePrincipalsNotConfiguredError,
  ResponseValidationError,
  WaitError,
})) {
  const brand = Symbol.for(`oci-raw.error.${kind}`);
  Object.defineProperty(errorClass, BRAND, { value: brand });
  Object.defineProperty(errorClass.prototype, brand, { value: true });
}
