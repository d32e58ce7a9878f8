/**
 * The security tokens the emulator's auth endpoints hand out (federation, resource-principal
 * session tokens): a JWT registered with the emulator under the session public key, so that
 * requests signed as `ST$<token>` with the matching private key are accepted until it expires.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import type { Emulator } from "./types.js";

/** A JWT signed RS256 with `key` (clients never verify it; it only has to be well formed). */
export function makeJwt(claims: Record<string, unknown>, key: KeyObject): string {
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "emulator" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), key).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

export interface SessionTokenRequest {
  /** The session key: requests signed with its private half are accepted under the token. */
  readonly publicKey: KeyObject;
  /** What the token says about its principal; `iat`, `exp` and `jti` are added. */
  readonly claims: Record<string, unknown>;
  /** The OCID the token acts as (the principal's subject when it signs a request). */
  readonly subject: string;
  readonly lifetimeSeconds: number;
  /** Issue time, on the emulator clock (the request's `now`, or `emulator.now()`). */
  readonly now: Date;
}

export interface SessionToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * A function that mints and registers session tokens for one mounted endpoint. Each endpoint
 * signs its JWTs with a key of its own, made here once (an RSA key takes a while to generate).
 */
export function sessionTokenMinter(emulator: Pick<Emulator, "registerSecurityToken">): (request: SessionTokenRequest) => SessionToken {
  const jwtKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  return ({ publicKey, claims, subject, lifetimeSeconds, now }) => {
    // Whole seconds: JWT times are NumericDate, and expiresAt must match the token's exp.
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + lifetimeSeconds;
    const token = makeJwt({ ...claims, iat, exp, jti: randomUUID() }, jwtKey);
    const expiresAt = new Date(exp * 1000);
    emulator.registerSecurityToken(token, publicKey, { expiresAt, subject });
    return { token, expiresAt };
  };
}
