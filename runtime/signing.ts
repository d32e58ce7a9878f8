/**
 * The Node signing core: the shared steps of signing-core.ts with node:crypto as the primitive
 * (`crypto.sign` over a cached KeyObject, one-shot SHA-256). Run in the order `signRequest`
 * runs them: headers to sign → signing string → signature → authorization header.
 * No I/O here; keys arrive as parsed KeyObjects so the hot path is one hash and one RSA sign.
 */
import * as nodeCrypto from "node:crypto";
import { createHash, sign, type KeyObject } from "node:crypto";
import { KeyError } from "./errors.js";
import {
  headersToSignWith,
  prepareSigning,
  withAuthorization,
  type BodyMeasure,
  type SignableRequest,
  type SignatureHeaderLists,
  type SignedRequestParts,
} from "./signing-core.js";

export {
  authorizationHeader,
  DEFAULT_BODY_HEADERS,
  DEFAULT_GENERIC_HEADERS,
  keyIdOfAuthorization,
  lowerCaseHeaders,
  methodHasBody,
  normalizeHeaderValue,
  requestTarget,
  signingString,
  UNSENDABLE_HEADER_CHARACTER,
} from "./signing-core.js";
export type { HeadersInput, SignableRequest, SignatureHeaderLists, SignedRequestParts } from "./signing-core.js";

/** Credentials as one immutable value, so a key id can never be paired with the wrong key. */
export interface SigningCredentials {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

/**
 * SHA-256 of bytes, or of a string as UTF-8, encoded as a string: one-shot `crypto.hash` where
 * the runtime has it (Node ≥ 20.12). A string result, because a Buffer result costs as much
 * again as hashing a signing string (measured).
 */
export const sha256: (data: string | Uint8Array, encoding: "base64" | "binary") => string =
  typeof nodeCrypto.hash === "function"
    ? (data, encoding) => nodeCrypto.hash("sha256", data, encoding)
    : sha256WithHashObject;

/** SHA-256 through a Hash object: what `sha256` falls back to on Node before 20.12. @internal */
export function sha256WithHashObject(data: string | Uint8Array, encoding: "base64" | "binary"): string {
  return createHash("sha256").update(data).digest(encoding);
}

/** base64(SHA-256(body)) — the `x-content-sha256` header. A string is hashed as UTF-8. */
export function contentSha256(body: string | Uint8Array): string {
  return sha256(body, "base64");
}

/** Length in bytes on the wire (strings as UTF-8). */
function byteLength(body: string | Uint8Array): number {
  return typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength;
}

/** Step 1's body measure on Node: synchronous, so nothing is computed ahead. */
const NODE_BODY: BodyMeasure = { byteLength, contentSha256 };

/**
 * Step 1 — the headers to send and the names to sign (signing-core.ts `headersToSignWith`),
 * the body hashed with node:crypto.
 */
export function headersToSign(
  request: SignableRequest,
  url: URL,
  lists: SignatureHeaderLists = {},
): { headers: Record<string, string>; signedNames: string[] } {
  return headersToSignWith(NODE_BODY, request, url, lists);
}

/**
 * Step 3 — the signature: RSASSA-PKCS1-v1_5 with SHA-256 (`rsa-sha256`) over the signing string
 * as UTF-8, base64.
 * `crypto.sign`: a hand-made PKCS#1 padding through `privateEncrypt` measured no gain at the
 * 2048 bits OCI users' keys have (DECISIONS.md 14; figure 1 still reports it).
 */
export function rsaSha256(privateKey: KeyObject, data: string): string {
  return sign("sha256", Buffer.from(data, "utf8"), privateKey).toString("base64");
}

/**
 * Refuses a key OCI cannot sign with. Keys from loadPrivateKey are checked there; a KeyObject
 * given directly is checked here, since OpenSSL's own error for, say, an EC key under PKCS#1
 * padding says nothing useful.
 */
export function checkSigningKey(key: KeyObject): void {
  if (key?.type !== "private" || key.asymmetricKeyType !== "rsa") {
    const what = key?.type === "private" ? `of type ${key.asymmetricKeyType ?? "unknown"}` : `not a private key (${key?.type ?? typeof key})`;
    throw new KeyError(`The signing key is ${what}; OCI signs with RSA private keys (rsa-sha256).`, { code: "KEY_NOT_RSA" });
  }
}

/**
 * Signs one request: the whole pipeline, each step one of the functions above — the per-step
 * vectors test them, and every Node signer calls this. Returns the headers to send,
 * `authorization` included.
 */
export function signRequest(
  request: SignableRequest,
  credentials: SigningCredentials,
  lists: SignatureHeaderLists = {},
): SignedRequestParts {
  const prepared = prepareSigning(NODE_BODY, request, credentials.keyId, lists);
  return withAuthorization(prepared, credentials.keyId, rsaSha256(credentials.privateKey, prepared.signingString));
}
