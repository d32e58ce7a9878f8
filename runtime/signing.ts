/**
 * OCI request signing (HTTP Signatures, draft-cavage, rsa-sha256) as pure functions:
 * request → headers to sign → signing string → authorization header.
 * No I/O here; keys arrive as parsed KeyObjects so the hot path is one hash and one RSA sign.
 */
import * as nodeCrypto from "node:crypto";
import { createHash, sign, type KeyObject } from "node:crypto";
import { KeyError } from "./errors.js";

/** A request as the signer sees it. Header names are matched case-insensitively. */
export interface SignableRequest {
  method: string;
  url: string | URL;
  headers?: Record<string, string | undefined> | Headers | undefined;
  /** The exact bytes to send. A string is sent (and hashed) as UTF-8. */
  body?: string | Uint8Array | null | undefined;
  /**
   * Don't sign the body (streamed uploads such as Object Storage PutObject / UploadPart):
   * only the generic headers are signed and no `x-content-sha256` is computed.
   */
  excludeBody?: boolean | undefined;
}

/** Credentials as one immutable value, so a key id can never be paired with the wrong key. */
export interface SigningCredentials {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

export interface SignatureHeaderLists {
  /** Signed on every request. Default: `date (request-target) host`. */
  genericHeaders?: readonly string[] | undefined;
  /** Also signed on POST, PUT and PATCH. Default: `content-length content-type x-content-sha256`. */
  bodyHeaders?: readonly string[] | undefined;
}

export const DEFAULT_GENERIC_HEADERS: readonly string[] = Object.freeze(["date", "(request-target)", "host"]);
export const DEFAULT_BODY_HEADERS: readonly string[] = Object.freeze([
  "content-length",
  "content-type",
  "x-content-sha256",
]);

const EMPTY_BODY = new Uint8Array(0);

/** True for the methods whose body OCI signs. */
export function methodHasBody(method: string): boolean {
  const m = method.toUpperCase();
  return m === "POST" || m === "PUT" || m === "PATCH";
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

/** Lower-cased copy of the caller's headers, dropping undefined values. */
export function lowerCaseHeaders(headers: SignableRequest["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    (headers as Headers).forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const name of Object.keys(headers)) {
    const value = (headers as Record<string, string | undefined>)[name];
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

/** `<method> <path>?<query>` exactly as the URL serialises it — which is what fetch sends. */
export function requestTarget(method: string, url: URL): string {
  return `${method.toLowerCase()} ${url.pathname}${url.search}`;
}

/** Fill in date/host/body headers; says which date header is signed and whether the body is. */
function fillHeaders(
  request: SignableRequest,
  url: URL,
  now: () => string,
): { headers: Record<string, string>; dateName: "date" | "x-date"; bodySigned: boolean } {
  const headers = lowerCaseHeaders(request.headers);
  // A caller-set `date` or `x-date` is kept (browsers cannot set `date`; tests need fixed dates).
  let dateName: "date" | "x-date" = "date";
  if (headers["date"] === undefined) {
    if (headers["x-date"] !== undefined) dateName = "x-date";
    else headers["date"] = now();
  }
  headers["host"] = url.host;

  let bodySigned = false;
  if (methodHasBody(request.method)) {
    if (headers["content-type"] === undefined) headers["content-type"] = "application/json";
    // Strings are measured and hashed as UTF-8 where they are, without an encoded copy.
    const body = request.body ?? EMPTY_BODY;
    if (!request.excludeBody) {
      bodySigned = true;
      if (headers["content-length"] === undefined) headers["content-length"] = String(byteLength(body));
      if (headers["x-content-sha256"] === undefined) headers["x-content-sha256"] = contentSha256(body);
    } else if (headers["content-length"] === undefined && request.body != null) {
      headers["content-length"] = String(byteLength(body));
    }
  }
  return { headers, dateName, bodySigned };
}

function signedNamesFor(lists: SignatureHeaderLists, dateName: string, bodySigned: boolean): string[] {
  const names = (lists.genericHeaders ?? DEFAULT_GENERIC_HEADERS).map((name) => (name === "date" ? dateName : name));
  if (bodySigned) names.push(...(lists.bodyHeaders ?? DEFAULT_BODY_HEADERS));
  return names;
}

const httpDate = (): string => new Date().toUTCString();

/**
 * Fill in the headers OCI needs (date, host, and for POST/PUT/PATCH content-length,
 * content-type, x-content-sha256) and return them with the list of names to sign.
 * Headers the caller set are kept, as the Python SDK keeps them.
 */
export function prepareHeaders(
  request: SignableRequest,
  url: URL,
  lists: SignatureHeaderLists = {},
): { headers: Record<string, string>; signedNames: string[] } {
  const { headers, dateName, bodySigned } = fillHeaders(request, url, httpDate);
  return { headers, signedNames: signedNamesFor(lists, dateName, bodySigned) };
}

/** The signing string: one `name: value` line per signed header, joined by `\n`. */
export function signingString(
  method: string,
  url: URL,
  headers: Record<string, string>,
  signedNames: readonly string[],
): string {
  let out = "";
  for (let i = 0; i < signedNames.length; i++) {
    const name = signedNames[i]!;
    const value = name === "(request-target)" ? requestTarget(method, url) : headers[name];
    if (value === undefined) {
      throw new TypeError(`Cannot sign the request: header "${name}" is to be signed but has no value`);
    }
    if (i > 0) out += "\n";
    out += `${name}: ${value}`;
  }
  return out;
}

/** The `authorization` header value for a signature over `signedNames`. */
export function authorizationHeader(keyId: string, signedNames: readonly string[], signature: string): string {
  return (
    `Signature version="1",headers="${signedNames.join(" ")}",keyId="${keyId}",` +
    `algorithm="rsa-sha256",signature="${signature}"`
  );
}

/** The key id an `authorization` header (as `authorizationHeader` writes it) names, if any. */
export function keyIdOfAuthorization(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /keyId="([^"]*)"/.exec(authorization)?.[1];
}

/**
 * RSASSA-PKCS1-v1_5 with SHA-256 (`rsa-sha256`) over the signing string as UTF-8, base64.
 * `crypto.sign`: a hand-made PKCS#1 padding through `privateEncrypt` measured no gain at the
 * 2048 bits OCI users' keys have (DECISIONS.md 14; figure 1 still reports it).
 */
export function rsaSha256(privateKey: KeyObject, data: string): string {
  return sign("sha256", Buffer.from(data, "utf8"), privateKey).toString("base64");
}

export interface SignedRequestParts {
  /** Every header to send, names lower-case, `authorization` included. */
  headers: Record<string, string>;
  /** The signing string (for `--debug`; contains no secret). */
  signingString: string;
  signedNames: readonly string[];
}

/**
 * Signing with one credentials value: what every signature repeats is computed once — the
 * signed-header lists with their `authorization` prefix, and the date string for the current
 * second — so a signature costs little more than its hash and RSA operation.
 */
export class SigningContext {
  readonly credentials: SigningCredentials;
  readonly #lists: SignatureHeaderLists;
  readonly #variants = new Map<string, { readonly names: readonly string[]; readonly prefix: string }>();
  #second = Number.NaN;
  #date = "";

  constructor(credentials: SigningCredentials, lists: SignatureHeaderLists = {}) {
    // Keys from loadPrivateKey are checked there; a KeyObject given directly is checked here,
    // since OpenSSL's own error for, say, an EC key under PKCS#1 padding says nothing useful.
    const key = credentials.privateKey;
    if (key?.type !== "private" || key.asymmetricKeyType !== "rsa") {
      const what = key?.type === "private" ? `of type ${key.asymmetricKeyType ?? "unknown"}` : `not a private key (${key?.type ?? typeof key})`;
      throw new KeyError(`The signing key is ${what}; OCI signs with RSA private keys (rsa-sha256).`, { code: "KEY_NOT_RSA" });
    }
    this.credentials = credentials;
    this.#lists = { genericHeaders: lists.genericHeaders, bodyHeaders: lists.bodyHeaders };
  }

  readonly #now = (): string => {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#date = new Date(second * 1000).toUTCString();
    }
    return this.#date;
  };

  #variant(dateName: string, bodySigned: boolean): { readonly names: readonly string[]; readonly prefix: string } {
    const key = `${dateName}${bodySigned ? "+body" : ""}`;
    let variant = this.#variants.get(key);
    if (!variant) {
      const names = Object.freeze(signedNamesFor(this.#lists, dateName, bodySigned));
      const prefix = authorizationHeader(this.credentials.keyId, names, "");
      variant = { names, prefix: prefix.slice(0, -1) }; // up to `signature="`
      this.#variants.set(key, variant);
    }
    return variant;
  }

  sign(request: SignableRequest): SignedRequestParts {
    const url = typeof request.url === "string" ? new URL(request.url) : request.url;
    const { headers, dateName, bodySigned } = fillHeaders(request, url, this.#now);
    const { names, prefix } = this.#variant(dateName, bodySigned);
    const toSign = signingString(request.method, url, headers, names);
    headers["authorization"] = `${prefix}${rsaSha256(this.credentials.privateKey, toSign)}"`;
    return { headers, signingString: toSign, signedNames: names };
  }
}

/** Sign one request: the complete, pure signing pipeline (for many requests, keep a SigningContext). */
export function signRequestParts(
  request: SignableRequest,
  credentials: SigningCredentials,
  lists: SignatureHeaderLists = {},
): SignedRequestParts {
  return new SigningContext(credentials, lists).sign(request);
}
