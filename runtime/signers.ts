/**
 * Signers: thin objects over the pure signing pipeline (signing.ts).
 * `ApiKeySigner` is the Python SDK's `Signer`; `SecurityTokenSigner` its namesake.
 */
import type { KeyObject } from "node:crypto";
import { AuthError } from "./errors.js";
import { loadPrivateKey } from "./keys.js";
import { refuseUnlessLoopback } from "./regions.js";
import {
  checkSigningKey,
  DEFAULT_GENERIC_HEADERS,
  lowerCaseHeaders,
  signRequest,
  UNSENDABLE_HEADER_CHARACTER,
  type SignableRequest,
  type SignatureHeaderLists,
  type SigningCredentials,
  type SignedRequestParts,
} from "./signing.js";
import type { RequestSigner } from "./signing-core.js";

export type { RequestSigner } from "./signing-core.js";

export interface ApiKeySignerOptions extends SignatureHeaderLists {
  tenancy: string;
  user: string;
  fingerprint: string;
  /** Path to the PEM file (`~` expanded). Give this or `privateKeyContent`. */
  privateKeyFile?: string | undefined;
  /** The PEM text itself. */
  privateKeyContent?: string | undefined;
  /** An already parsed key (e.g. from `loadPrivateKey`); wins over file and content. */
  privateKey?: KeyObject | undefined;
  passPhrase?: string | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Where a signer holding the emulator's credentials records whose they are (for the message).
 * On the signer itself, so no table outlives or outgrows the signers; under a `Symbol.for` key,
 * because the emulator marks signers that the package entry's own copy of this module reads.
 */
const EMULATOR_ONLY: unique symbol = Symbol.for("oci-raw.emulatorOnly");
type MaybeLimited = RequestSigner & { [EMULATOR_ONLY]?: string };

/**
 * Marks `signer` as holding the oci-raw emulator's credentials (its config, or instance or
 * resource principals whose region is EMULATOR_CONFIG_REGION): from then on it refuses, with
 * `EMULATOR_REGION`, to sign a request to anything but loopback. Returns the signer.
 */
export function limitToEmulator<T extends RequestSigner>(signer: T, whose: string): T {
  Object.defineProperty(signer, EMULATOR_ONLY, { value: whose, enumerable: false, configurable: true, writable: false });
  return signer;
}

function checkEmulatorTarget(signer: RequestSigner, request: SignableRequest): void {
  const whose = (signer as MaybeLimited)[EMULATOR_ONLY];
  if (whose !== undefined) refuseUnlessLoopback(request.url, whose);
}

/** Signs every request with one fixed credentials value (API keys, a given security token). */
class FixedCredentialsSigner implements RequestSigner {
  readonly #credentials: SigningCredentials;
  readonly #lists: SignatureHeaderLists;

  protected constructor(keyId: string, privateKey: KeyObject, lists: SignatureHeaderLists) {
    checkSigningKey(privateKey);
    this.#credentials = Object.freeze({ keyId, privateKey });
    this.#lists = { genericHeaders: lists.genericHeaders, bodyHeaders: lists.bodyHeaders };
  }

  async sign(request: SignableRequest): Promise<Record<string, string>> {
    return (await this.signWithDetails(request)).headers;
  }

  async signWithDetails(request: SignableRequest): Promise<SignedRequestParts> {
    checkEmulatorTarget(this, request);
    return signRequest(request, this.#credentials, this.#lists);
  }
}

/** Signs with an API key: keyId `<tenancy>/<user>/<fingerprint>`. The key is parsed once. */
export class ApiKeySigner extends FixedCredentialsSigner {
  readonly keyId: string;

  constructor(options: ApiKeySignerOptions) {
    for (const field of ["tenancy", "user", "fingerprint"] as const) {
      if (!options[field]) throw new TypeError(`ApiKeySigner: "${field}" is required`);
    }
    const source = options.privateKeyContent ?? options.privateKeyFile;
    if (!options.privateKey && !source) {
      throw new TypeError(`ApiKeySigner: give "privateKeyFile", "privateKeyContent" or "privateKey"`);
    }
    if (options.privateKeyContent !== undefined && !options.privateKeyContent.includes("-----BEGIN")) {
      throw new TypeError(`ApiKeySigner: "privateKeyContent" must be PEM text (use "privateKeyFile" for a path)`);
    }
    const privateKey = options.privateKey ?? loadPrivateKey(source!, options.passPhrase, { onWarning: options.onWarning });
    const keyId = `${options.tenancy}/${options.user}/${options.fingerprint}`;
    super(keyId, privateKey, options);
    this.keyId = keyId;
  }
}

const SECURITY_TOKEN_PREFIX = "ST$";

/** The key id that signs with a security token: `ST$<token>`. */
export function securityTokenKeyId(token: string): string {
  return SECURITY_TOKEN_PREFIX + token;
}

/** The security token a `ST$<token>` key id carries. */
export function securityTokenOfKeyId(keyId: string): string {
  if (!keyId.startsWith(SECURITY_TOKEN_PREFIX)) throw new TypeError("The key id is not a security token's (ST$<token>)");
  return keyId.slice(SECURITY_TOKEN_PREFIX.length);
}

/**
 * Signs with a security token and its session key: keyId `ST$<token>`.
 * Python's `SecurityTokenSigner(token, private_key, generic_headers, body_headers)`.
 */
export class SecurityTokenSigner extends FixedCredentialsSigner {
  constructor(token: string, privateKey: KeyObject | string, options: SignatureHeaderLists & { passPhrase?: string } = {}) {
    if (!token) throw new TypeError("SecurityTokenSigner: the token is empty");
    super(securityTokenKeyId(token), typeof privateKey === "string" ? loadPrivateKey(privateKey, options.passPhrase) : privateKey, options);
  }
}

/** The header a delegation token travels in (the Python SDK's delegation token signers). */
export const DELEGATION_TOKEN_HEADER = "opc-obo-token";

/** What a signer acting on behalf of a user takes: the delegation token (Cloud Shell, `instance_obo_user`). */
export interface DelegationTokenOption {
  /**
   * A delegation token: sent as the `opc-obo-token` header on every request and signed with
   * the generic headers (`date (request-target) host opc-obo-token`), as the Python SDK's
   * `InstancePrincipalsDelegationTokenSigner` and resource principal delegation token signers do.
   * Held in a private field: never in `util.inspect`, JSON or messages.
   */
  delegationToken?: string | undefined;
}

/** The generic header list with `opc-obo-token` appended (once). */
function withDelegationHeader(generic: readonly string[] | undefined): readonly string[] {
  const names = generic ?? DEFAULT_GENERIC_HEADERS;
  return names.includes(DELEGATION_TOKEN_HEADER) ? names : [...names, DELEGATION_TOKEN_HEADER];
}

/** The request with its `opc-obo-token` header set to `token` (any the caller set is replaced, as Python does). */
function withDelegationToken(request: SignableRequest, token: string): SignableRequest {
  const headers = lowerCaseHeaders(request.headers);
  headers[DELEGATION_TOKEN_HEADER] = token;
  return { ...request, headers };
}

/**
 * A signer over credentials that change (instance principals, resource principals, session
 * tokens): each signature uses one `{ keyId, privateKey }` value resolved in a single await,
 * so a refresh can never pair a token with the wrong session key. With `delegationToken`,
 * every request also carries it, signed, in `opc-obo-token`.
 */
export class CredentialsSigner implements RequestSigner {
  readonly #lists: SignatureHeaderLists;
  readonly #delegationToken: string | undefined;

  constructor(
    private readonly source: {
      credentials(): Promise<SigningCredentials>;
      refresh(): Promise<unknown>;
    },
    options: SignatureHeaderLists & DelegationTokenOption = {},
  ) {
    const token = options.delegationToken;
    if (token !== undefined) checkDelegationToken(token);
    this.#delegationToken = token;
    this.#lists = {
      genericHeaders: token === undefined ? options.genericHeaders : withDelegationHeader(options.genericHeaders),
      bodyHeaders: options.bodyHeaders,
    };
  }

  /** Whether requests carry a delegation token (`opc-obo-token`). The token itself is not readable. */
  get delegated(): boolean {
    return this.#delegationToken !== undefined;
  }

  async sign(request: SignableRequest): Promise<Record<string, string>> {
    return (await this.signWithDetails(request)).headers;
  }

  async signWithDetails(request: SignableRequest): Promise<SignedRequestParts> {
    checkEmulatorTarget(this, request);
    const credentials = await this.source.credentials();
    const toSign = this.#delegationToken === undefined ? request : withDelegationToken(request, this.#delegationToken);
    return signRequest(toSign, credentials, this.#lists);
  }

  async refresh(rejected?: { keyId: string }): Promise<void> {
    // Requests signed before a refresh come back 401 one after another, after it: only a 401
    // for the credentials still current refreshes, so a revoked token costs one token request.
    if (rejected !== undefined && (await this.source.credentials()).keyId !== rejected.keyId) return;
    await this.source.refresh();
  }
}

/**
 * A delegation token must be sendable as a header value; said without quoting it (it is a secret).
 * A token read from a file has its surrounding whitespace trimmed by the caller, as the CLI does.
 * @internal
 */
export function checkDelegationToken(token: string): void {
  if (typeof token !== "string" || token.trim() === "") {
    throw new AuthError("The delegation token is empty. Give the token itself (the OCI CLI reads it from delegation_token_file).", {
      code: "DELEGATION_TOKEN_INVALID",
    });
  }
  const bad = UNSENDABLE_HEADER_CHARACTER.exec(token);
  if (bad !== null || token !== token.trim()) {
    const at = bad === null ? "leading or trailing whitespace" : `a character HTTP headers cannot carry at position ${bad.index}`;
    throw new AuthError(`The delegation token has ${at}; it cannot be sent as the opc-obo-token header. Check the token file for a stray character.`, {
      code: "DELEGATION_TOKEN_INVALID",
    });
  }
}
