/**
 * Every error oci-raw throws is an OciRawError with a stable `code`, a message that says
 * what happened, where, and what to do — and never a secret (key, pass phrase, token).
 */

export interface OciRawErrorOptions {
  code?: string;
  cause?: unknown;
}

export class OciRawError extends Error {
  override name = "OciRawError";
  /** A stable identifier for the failure kind (for OciServiceError: OCI's own error code). */
  readonly code: string;

  constructor(message: string, options: OciRawErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? "OCI_RAW_ERROR";
  }
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

/** An answer from an OCI service with a non-2xx status. */
export class OciServiceError extends OciRawError {
  override name = "OciServiceError";
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
    super(init.message, { code: init.code, cause: init.cause });
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
