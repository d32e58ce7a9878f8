/**
 * Signers: thin objects over the pure signing pipeline (signing.ts).
 * `ApiKeySigner` is the Python SDK's `Signer`; `SecurityTokenSigner` its namesake.
 */
import type { KeyObject } from "node:crypto";
import { loadPrivateKey } from "./keys.js";
import { refuseUnlessLoopback } from "./regions.js";
import {
  checkSigningKey,
  signRequest,
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

/** Signers holding the emulator's credentials → whose they are (for the message). */
const EMULATOR_ONLY = new WeakMap<RequestSigner, string>();

/**
 * Marks `signer` as holding the oci-raw emulator's credentials (its config, or instance or
 * resource principals whose region is EMULATOR_CONFIG_REGION): from then on it refuses, with
 * `EMULATOR_REGION`, to sign a request to anything but loopback. Returns the signer.
 */
export function limitToEmulator<T extends RequestSigner>(signer: T, whose: string): T {
  EMULATOR_ONLY.set(signer, whose);
  return signer;
}

function checkEmulatorTarget(signer: RequestSigner, request: SignableRequest): void {
  const whose = EMULATOR_ONLY.get(signer);
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

/**
 * A signer over credentials that change (instance principals, resource principals, session
 * tokens): each signature uses one `{ keyId, privateKey }` value resolved in a single await,
 * so a refresh can never pair a token with the wrong session key.
 */
export class CredentialsSigner implements RequestSigner {
  readonly #lists: SignatureHeaderLists;

  constructor(
    private readonly source: {
      credentials(): Promise<SigningCredentials>;
      refresh(): Promise<unknown>;
    },
    lists: SignatureHeaderLists = {},
  ) {
    this.#lists = { genericHeaders: lists.genericHeaders, bodyHeaders: lists.bodyHeaders };
  }

  async sign(request: SignableRequest): Promise<Record<string, string>> {
    return (await this.signWithDetails(request)).headers;
  }

  async signWithDetails(request: SignableRequest): Promise<SignedRequestParts> {
    checkEmulatorTarget(this, request);
    return signRequest(request, await this.source.credentials(), this.#lists);
  }

  async refresh(rejected?: { keyId: string }): Promise<void> {
    // Requests signed before a refresh come back 401 one after another, after it: only a 401
    // for the credentials still current refreshes, so a revoked token costs one token request.
    if (rejected !== undefined && (await this.source.credentials()).keyId !== rejected.keyId) return;
    await this.source.refresh();
  }
}
