/**
 * OCI request signing (HTTP Signatures, draft-cavage, rsa-sha256): the steps every signing core
 * shares, as pure functions — headers to sign → signing string → (signature) → authorization
 * header. Nothing here imports `node:`: the Node core (signing.ts, node:crypto) and the Web
 * Crypto core (webcrypto.ts, crypto.subtle) differ only in the primitive that hashes the body
 * and makes the signature, so both pass the same published vectors through the same steps.
 */
import { AuthError } from "./errors.js";

/** A request as the signer sees it. Header names are matched case-insensitively. */
export interface SignableRequest {
  method: string;
  url: string | URL;
  headers?: HeadersInput | undefined;
  /** The exact bytes to send. A string is sent (and hashed) as UTF-8. */
  body?: string | Uint8Array | null | undefined;
  /**
   * Don't sign the body (streamed uploads such as Object Storage PutObject / UploadPart):
   * only the generic headers are signed and no `x-content-sha256` is computed.
   */
  excludeBody?: boolean | undefined;
}

/**
 * Anything that can sign an OCI request: the Node signers (signers.ts) and the Web Crypto one.
 * Token-based signers can also `refresh()`. Declared here, beside the request types, so the
 * web entry's declarations reach no node: type.
 */
export interface RequestSigner {
  /** Every header to send, names lower-case, `authorization` included. */
  sign(request: SignableRequest): Promise<Record<string, string>>;
  /**
   * Get fresh credentials now (called once after a 401 from a token that looked valid).
   * `rejected` names the key id the refused request was signed with: when the credentials
   * have been replaced since, there is nothing to refresh — the request is simply signed again.
   */
  refresh?(rejected?: { keyId: string }): Promise<void>;
  /** Like `sign`, also returning the signing string (for `--debug`). Optional. */
  signWithDetails?(request: SignableRequest): Promise<SignedRequestParts>;
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
 * How step 1 measures and hashes a body. The Node core hashes synchronously with node:crypto;
 * Web Crypto's digest is asynchronous, so that core computes the digest first and hands it in.
 */
export interface BodyMeasure {
  /** Length in bytes on the wire (a string as UTF-8). */
  byteLength(body: string | Uint8Array): number;
  /** base64(SHA-256(body)), the `x-content-sha256` header (a string hashed as UTF-8). */
  contentSha256(body: string | Uint8Array): string;
}

/**
 * Headers in any form fetch accepts (the Fetch standard's HeadersInit): a `Headers` object,
 * `[name, value]` pairs (any iterable of them), or a record; `undefined` record values are dropped.
 */
export type HeadersInput = Headers | Iterable<readonly [string, string]> | Readonly<Record<string, string | undefined>>;

/** HTTP whitespace at either end of a value, which fetch strips before sending (the Fetch standard's "normalize"). */
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** A header value as fetch will send it: signing the untrimmed value would sign what is not sent. */
export function normalizeHeaderValue(value: string): string {
  return value.replace(EDGE_WHITESPACE, "");
}

function isHeadersObject(headers: object): headers is Headers {
  return typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function";
}

/** One `[name, value]` pair of an iterable HeadersInit, or a TypeError as fetch would throw. */
function headerPair(entry: unknown): [string, string] {
  const pair = typeof entry === "object" && entry !== null && Symbol.iterator in entry ? Array.from(entry as Iterable<unknown>) : undefined;
  if (pair?.length !== 2) throw new TypeError("headers: each entry of a header list must be a [name, value] pair");
  return [String(pair[0]), String(pair[1])];
}

/**
 * Lower-cased copy of the caller's headers (any HeadersInit form), values normalised as fetch
 * sends them; undefined record values are dropped. A name given twice in a pair list is
 * combined with ", ", as `Headers.append` does; in a record the last spelling wins.
 */
export function lowerCaseHeaders(headers: HeadersInput | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  if (typeof headers !== "object") throw new TypeError("headers must be a Headers object, a list of [name, value] pairs or a record");
  if (isHeadersObject(headers)) {
    headers.forEach((value, name) => {
      out[name.toLowerCase()] = normalizeHeaderValue(value);
    });
    return out;
  }
  if (Symbol.iterator in headers) {
    for (const entry of headers as Iterable<unknown>) {
      const [name, value] = headerPair(entry);
      const key = name.toLowerCase();
      const normalized = normalizeHeaderValue(value);
      out[key] = out[key] === undefined ? normalized : `${out[key]}, ${normalized}`;
    }
    return out;
  }
  const record = headers as Readonly<Record<string, string | undefined>>;
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value !== undefined) out[name.toLowerCase()] = normalizeHeaderValue(String(value));
  }
  return out;
}

/** `<method> <path>?<query>` exactly as the URL serialises it — which is what fetch sends. */
export function requestTarget(method: string, url: URL): string {
  return `${method.toLowerCase()} ${url.pathname}${url.search}`;
}

/**
 * Step 1 — the headers to send and the names to sign. Fills in what OCI needs (date, host, and
 * for POST/PUT/PATCH content-type, content-length, x-content-sha256); headers the caller set are
 * kept, as the Python SDK keeps them. A caller's `x-date` (browsers cannot set `date`) is signed
 * in place of `date`.
 */
export function headersToSignWith(
  measure: BodyMeasure,
  request: SignableRequest,
  url: URL,
  lists: SignatureHeaderLists = {},
): { headers: Record<string, string>; signedNames: string[] } {
  const headers = lowerCaseHeaders(request.headers);
  let dateName: "date" | "x-date" = "date";
  if (headers["date"] === undefined) {
    if (headers["x-date"] !== undefined) dateName = "x-date";
    else headers["date"] = new Date().toUTCString();
  }
  headers["host"] = url.host;

  let bodySigned = false;
  if (methodHasBody(request.method)) {
    if (headers["content-type"] === undefined) headers["content-type"] = "application/json";
    // Strings are measured and hashed as UTF-8 where they are, without an encoded copy.
    const content = request.body ?? EMPTY_BODY;
    if (!request.excludeBody) {
      bodySigned = true;
      if (headers["content-length"] === undefined) headers["content-length"] = String(measure.byteLength(content));
      if (headers["x-content-sha256"] === undefined) headers["x-content-sha256"] = measure.contentSha256(content);
    } else if (headers["content-length"] === undefined && request.body != null) {
      headers["content-length"] = String(measure.byteLength(content));
    }
  }
  const signedNames = (lists.genericHeaders ?? DEFAULT_GENERIC_HEADERS).map((name) => (name === "date" ? dateName : name));
  if (bodySigned) signedNames.push(...(lists.bodyHeaders ?? DEFAULT_BODY_HEADERS));
  return { headers, signedNames };
}

/** Step 2 — the signing string: one `name: value` line per signed header, joined by `\n`. */
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

/** Step 4 — the `authorization` header value for a signature over `signedNames`. */
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

export interface SignedRequestParts {
  /** Every header to send, names lower-case, `authorization` included. */
  headers: Record<string, string>;
  /**
   * The signing string (for `--debug`). It holds every signed header's value — with a delegation
   * token, the `opc-obo-token` line carries it: redact that line before showing it.
   */
  signingString: string;
  signedNames: readonly string[];
}

/** A character fetch cannot put in a header value (above U+00FF, or a control character other than tab). */
export const UNSENDABLE_HEADER_CHARACTER = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * The key id goes into the `authorization` header: a character fetch cannot send there (a
 * pasted typographic quote in the config's user OCID, say) would fail inside fetch, looking
 * like a network error. Said here, without quoting the key id (a token is a secret).
 */
export function checkKeyId(keyId: string): void {
  const bad = UNSENDABLE_HEADER_CHARACTER.exec(keyId);
  if (bad === null) return;
  const codePoint = `U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  throw new AuthError(
    `Cannot sign the request: the key id has a character HTTP headers cannot carry (${codePoint} at position ${bad.index}). ` +
      `Check the tenancy, user and fingerprint (the config file's values) or the security token for a stray character.`,
    { code: "CREDENTIALS_INVALID" },
  );
}

/**
 * Steps 1 and 2 for one request: the url parsed, the key id checked, the headers to send and
 * the signing string. Each core then signs `signingString` with its primitive and calls
 * `withAuthorization`.
 */
export function prepareSigning(
  measure: BodyMeasure,
  request: SignableRequest,
  keyId: string,
  lists: SignatureHeaderLists = {},
): { headers: Record<string, string>; signedNames: string[]; signingString: string } {
  const url = typeof request.url === "string" ? new URL(request.url) : request.url;
  checkKeyId(keyId);
  const { headers, signedNames } = headersToSignWith(measure, request, url, lists);
  return { headers, signedNames, signingString: signingString(request.method, url, headers, signedNames) };
}

/** Step 4 applied: the prepared request with its `authorization` header. */
export function withAuthorization(
  prepared: { headers: Record<string, string>; signedNames: string[]; signingString: string },
  keyId: string,
  signature: string,
): SignedRequestParts {
  prepared.headers["authorization"] = authorizationHeader(keyId, prepared.signedNames, signature);
  return { headers: prepared.headers, signingString: prepared.signingString, signedNames: prepared.signedNames };
}
