/**
 * The emulator's key registry: which public key stands behind each keyId. Keys are parsed
 * once into KeyObjects here, so verifying a request costs one RSA verify and nothing more.
 */
import { createHash, createPublicKey, generateKeyPair, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { DelegationLookupResult, KeyLookupResult, Principal } from "./verify.js";

const generateKeyPairAsync = promisify(generateKeyPair);

/** The tenancy OCID of keys made by `createApiKey`. */
export const EMULATOR_TENANCY_ID = "ocid1.tenancy.oc1..aaaaaaaaemulatortenancy000000000000000000000000000000000000";

export interface SecurityTokenOptions {
  /** After this instant (on the emulator clock) the token is refused. */
  readonly expiresAt: Date;
  /** The OCID the token acts as (recorded as the principal's subject). */
  readonly subject?: string;
}

export interface DelegationTokenOptions {
  /** The user the token stands for (recorded as the principal's `onBehalfOf`). Default a made-up user OCID. */
  readonly subject?: string;
  /** After this instant (on the emulator clock) the token is refused. Default: never. */
  readonly expiresAt?: Date;
}

export interface ApiKey {
  readonly tenancy: string;
  readonly user: string;
  readonly fingerprint: string;
  readonly keyId: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

interface TokenEntry {
  readonly publicKey: KeyObject;
  readonly expiresAt: Date;
  readonly subject: string;
  revoked: boolean;
}

/** Turns a KeyObject or PEM (public key, private key or certificate) into an RSA public KeyObject. */
export function toRsaPublicKey(key: KeyObject | string, what: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = typeof key === "string" ? createPublicKey(key) : key.type === "private" ? createPublicKey(key) : key;
  } catch (cause) {
    throw new TypeError(`${what}: not a PEM public key, private key or certificate`, { cause });
  }
  if (publicKey.type !== "public" || publicKey.asymmetricKeyType !== "rsa") {
    throw new TypeError(`${what}: expected an RSA key, got ${publicKey.asymmetricKeyType ?? publicKey.type}`);
  }
  return publicKey;
}

/** OCI's API-key fingerprint: MD5 of the DER SubjectPublicKeyInfo, lower-case hex pairs joined by ":". */
export function apiKeyFingerprint(publicKey: KeyObject | string): string {
  const der = toRsaPublicKey(publicKey, "apiKeyFingerprint").export({ type: "spki", format: "der" });
  const hex = createHash("md5").update(der).digest("hex");
  return hex.match(/../g)?.join(":") ?? hex;
}

/** A random OCID-shaped identifier, e.g. `ocid1.user.oc1..aaaaaaaa…`. */
export function randomOcid(resourceType: string, region = ""): string {
  return `ocid1.${resourceType}.oc1.${region}.aaaaaaaa${randomBytes(26).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "a")}`;
}

export class KeyRegistry {
  readonly #apiKeys = new Map<string, { readonly publicKey: KeyObject; readonly principal: Principal }>();
  readonly #tokens = new Map<string, TokenEntry>();
  readonly #delegations = new Map<string, { readonly subject: string; readonly expiresAt: Date | undefined; revoked: boolean }>();
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  registerApiKey(keyId: string, publicKey: KeyObject | string): void {
    const parts = keyId.split("/");
    if (parts.length !== 3 || parts.some((part) => part === "")) {
      throw new TypeError(`registerApiKey: keyId must be "<tenancy>/<user>/<fingerprint>", got "${keyId}"`);
    }
    const key = toRsaPublicKey(publicKey, `registerApiKey(${keyId})`);
    this.#apiKeys.set(keyId, { publicKey: key, principal: { keyId, kind: "api-key", subject: parts[1] as string } });
  }

  registerSecurityToken(token: string, publicKey: KeyObject | string, options: SecurityTokenOptions): void {
    if (token === "") throw new TypeError("registerSecurityToken: the token is empty");
    if (!(options.expiresAt instanceof Date) || Number.isNaN(options.expiresAt.getTime())) {
      throw new TypeError("registerSecurityToken: options.expiresAt must be a valid Date");
    }
    this.#tokens.set(token, {
      publicKey: toRsaPublicKey(publicKey, "registerSecurityToken"),
      expiresAt: options.expiresAt,
      subject: options.subject ?? "ocid1.principal.oc1..emulator",
      revoked: false,
    });
  }

  revokeSecurityToken(token: string): void {
    const entry = this.#tokens.get(token);
    if (entry !== undefined) entry.revoked = true;
  }

  registerDelegationToken(token: string, options: DelegationTokenOptions = {}): void {
    if (typeof token !== "string" || token === "") throw new TypeError("registerDelegationToken: the token is empty");
    if (options.expiresAt !== undefined && (!(options.expiresAt instanceof Date) || Number.isNaN(options.expiresAt.getTime()))) {
      throw new TypeError("registerDelegationToken: options.expiresAt must be a valid Date");
    }
    this.#delegations.set(token, { subject: options.subject ?? "ocid1.user.oc1..emulatordelegateduser", expiresAt: options.expiresAt, revoked: false });
  }

  revokeDelegationToken(token: string): void {
    const entry = this.#delegations.get(token);
    if (entry !== undefined) entry.revoked = true;
  }

  /** The user behind a delegation token, or why it is refused. Never echoes the token back. */
  lookupDelegation(token: string): DelegationLookupResult {
    const entry = this.#delegations.get(token);
    if (entry === undefined) return { ok: false, reason: "the delegation token (opc-obo-token) is unknown" };
    if (entry.revoked) return { ok: false, reason: "the delegation token (opc-obo-token) has been revoked" };
    if (entry.expiresAt !== undefined && this.#now().getTime() >= entry.expiresAt.getTime()) {
      return { ok: false, reason: `the delegation token (opc-obo-token) expired at ${entry.expiresAt.toISOString()}` };
    }
    return { ok: true, subject: entry.subject };
  }

  /** The key behind a keyId, or why there is none. Never echoes a token back. */
  lookup(keyId: string): KeyLookupResult {
    if (keyId.startsWith("ST$")) {
      const entry = this.#tokens.get(keyId.slice(3));
      if (entry === undefined) return { ok: false, reason: "the security token is unknown" };
      if (entry.revoked) return { ok: false, reason: "the security token has been revoked" };
      if (this.#now().getTime() >= entry.expiresAt.getTime()) {
        return { ok: false, reason: `the security token expired at ${entry.expiresAt.toISOString()}` };
      }
      return { ok: true, publicKey: entry.publicKey, principal: { keyId, kind: "security-token", subject: entry.subject } };
    }
    const apiKey = this.#apiKeys.get(keyId);
    if (apiKey === undefined) return { ok: false, reason: `no API key is registered for keyId "${keyId}"` };
    return { ok: true, ...apiKey };
  }

  /** Makes a throw-away RSA key pair for a fresh user of `EMULATOR_TENANCY_ID` and registers it. */
  async createApiKey(options: { readonly modulusLength?: number } = {}): Promise<ApiKey> {
    const { publicKey, privateKey } = await generateKeyPairAsync("rsa", { modulusLength: options.modulusLength ?? 2048 });
    const fingerprint = apiKeyFingerprint(publicKey);
    const tenancy = EMULATOR_TENANCY_ID;
    const user = randomOcid("user");
    const keyId = `${tenancy}/${user}/${fingerprint}`;
    this.registerApiKey(keyId, publicKey);
    return {
      tenancy,
      user,
      fingerprint,
      keyId,
      privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
  }
}
