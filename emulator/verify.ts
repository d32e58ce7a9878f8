/**
 * OCI request-signature verification, written from the protocol (draft-cavage HTTP
 * Signatures, rsa-sha256, as OCI profiles it) and deliberately independent of the runtime's
 * signer: the signing string is rebuilt from the request exactly as it arrived on the wire.
 */
import { createHash, verify as rsaVerify } from "node:crypto";
import type { KeyObject } from "node:crypto";

/** The parts of a received request that a signature can cover, untouched by any parsing. */
export interface ReceivedRequest {
  /** The request method as received, e.g. "GET". */
  readonly method: string;
  /** The request target exactly as received (`IncomingMessage.url`): path plus `?query`. */
  readonly target: string;
  /** Alternating names and values as received (`IncomingMessage.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** The body bytes as received. */
  readonly body: Uint8Array;
}

/** What a route demands of a signature. */
export interface VerifyPolicy {
  /** `host` must be signed (default true; the Python SDK's federation request leaves it out). */
  readonly requireHost?: boolean;
  /**
   * The body must be signed on POST/PUT/PATCH (default true). False for streamed uploads
   * (Object Storage PutObject, UploadPart): their body headers are then optional, but still
   * checked when signed.
   */
  readonly bodySigned?: boolean;
}

/** Who signed a request, once the key behind its keyId is known. */
export interface Principal {
  readonly keyId: string;
  readonly kind: "api-key" | "security-token";
  /** The OCID the request acts as: the user of an API key, or the token's subject. */
  readonly subject: string;
  /** With a delegation token (`opc-obo-token`, signed): the user the request acts on behalf of. */
  readonly onBehalfOf?: string;
}

/** The user a delegation token stands for, or why it is refused. Never echoes the token. */
export type DelegationLookupResult = { readonly ok: true; readonly subject: string } | { readonly ok: false; readonly reason: string };
export type DelegationLookup = (token: string) => DelegationLookupResult;

/** The header a delegation token travels in. */
export const DELEGATION_TOKEN_HEADER = "opc-obo-token";

export type KeyLookupResult =
  | { readonly ok: true; readonly publicKey: KeyObject; readonly principal: Principal }
  | { readonly ok: false; readonly reason: string };

export type KeyLookup = (keyId: string) => KeyLookupResult;

export type VerificationResult =
  | { readonly ok: true; readonly keyId: string; readonly principal: Principal }
  | { readonly ok: false; readonly keyId?: string; readonly reason: string };

export interface ParsedAuthorization {
  readonly keyId: string;
  readonly algorithm: string;
  readonly headers: readonly string[];
  readonly signature: string;
  readonly version: string | undefined;
}

/** How far `date`/`x-date` may be from the verifier's clock, as OCI enforces. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const BODY_HEADERS = ["content-length", "content-type", "x-content-sha256"] as const;
const PARAMETER = /^\s*([A-Za-z]+)="([^"]*)"\s*(?:,|$)/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Parses `Signature version="1",keyId="…",algorithm="rsa-sha256",headers="…",signature="…"`. */
export function parseAuthorization(value: string | undefined): ParsedAuthorization | { readonly error: string } {
  if (value === undefined || value === "") return { error: "the authorization header is missing" };
  const match = /^Signature\s+/i.exec(value);
  if (match === null) return { error: "the authorization header does not use the Signature scheme" };
  const params = new Map<string, string>();
  let rest = value.slice(match[0].length);
  while (rest.trim() !== "") {
    const param = PARAMETER.exec(rest);
    if (param === null) return { error: "the authorization header's parameters are garbled" };
    const name = param[1] as string;
    if (params.has(name)) return { error: `the authorization header repeats the parameter ${name}` };
    params.set(name, param[2] as string);
    rest = rest.slice(param[0].length);
  }
  const keyId = params.get("keyId");
  const algorithm = params.get("algorithm");
  const headers = params.get("headers");
  const signature = params.get("signature");
  const version = params.get("version");
  if (keyId === undefined || keyId === "") return { error: "the authorization header has no keyId" };
  if (signature === undefined || signature === "") return { error: "the authorization header has no signature" };
  if (algorithm === undefined) return { error: "the authorization header has no algorithm" };
  if (algorithm !== "rsa-sha256") return { error: `unsupported signature algorithm "${algorithm}" (expected rsa-sha256)` };
  if (version !== undefined && version !== "1") return { error: `unsupported signature version "${version}" (expected 1)` };
  // draft-cavage: without a headers parameter only `date` is signed (which OCI then rejects).
  const names = (headers ?? "date").split(" ").filter((name) => name !== "");
  return { keyId, algorithm, headers: names, signature, version };
}

/** Header values by lower-case name; repeated headers joined with ", " as draft-cavage says. */
function headerValues(rawHeaders: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = rawHeaders[i + 1] as string;
    const previous = values.get(name);
    values.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return values;
}

/** The signing string for `names`, or the reason it cannot be built. */
export function buildSigningString(
  request: ReceivedRequest,
  names: readonly string[],
  headers: ReadonlyMap<string, string> = headerValues(request.rawHeaders),
): { readonly signingString: string } | { readonly error: string } {
  const lines: string[] = [];
  // Header names are case-insensitive (RFC 9110): headers= may list them in any case (the
  // official TypeScript SDK lists "Content-Type"), and the signing string uses them lower-cased
  // (draft-cavage: "the lowercased header field name"), as the signers build it.
  for (const listed of names) {
    const name = listed.toLowerCase();
    if (name === "(request-target)") {
      lines.push(`(request-target): ${request.method.toLowerCase()} ${request.target}`);
      continue;
    }
    const value = headers.get(name);
    if (value === undefined) return { error: `the signed header "${name}" is not in the request` };
    lines.push(`${name}: ${value}`);
  }
  return { signingString: lines.join("\n") };
}

function requiredHeaders(method: string, policy: VerifyPolicy): string[] {
  const required = ["(request-target)"];
  if (policy.requireHost !== false) required.push("host");
  if (BODY_METHODS.has(method.toUpperCase()) && policy.bodySigned !== false) required.push(...BODY_HEADERS);
  return required;
}

function checkDate(name: string, value: string, now: Date): string | undefined {
  if (!IMF_FIXDATE.test(value)) return `the ${name} header "${value}" is not an RFC 7231 date (e.g. "Thu, 05 Jan 2014 21:31:40 GMT")`;
  const skew = Date.parse(value) - now.getTime();
  if (Number.isNaN(skew)) return `the ${name} header "${value}" is not a valid date`;
  if (Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
    return `the ${name} header is ${Math.round(Math.abs(skew) / 1000)} s ${skew < 0 ? "behind" : "ahead of"} the server clock (${now.toUTCString()}); at most 300 s are allowed`;
  }
  return undefined;
}

/** True when `text` is base64 that decodes and re-encodes to itself (no ignored bits). */
function decodeCanonicalBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

/**
 * Verifies a request's signature the way OCI does: required headers signed, body hash and
 * length matching what arrived, date within 5 minutes of `now`, and the RSA-SHA256
 * signature over the rebuilt signing string valid under the key behind the keyId.
 */
export function verifyRequestSignature(
  request: ReceivedRequest,
  lookupKey: KeyLookup,
  now: Date,
  policy: VerifyPolicy = {},
  lookupDelegation?: DelegationLookup,
): VerificationResult {
  const headers = headerValues(request.rawHeaders);
  const parsed = parseAuthorization(headers.get("authorization"));
  if ("error" in parsed) return { ok: false, reason: parsed.error };
  const fail = (reason: string): VerificationResult => ({ ok: false, keyId: parsed.keyId, reason });

  const signed = new Set<string>();
  // OCI accepts the names in headers= in any case (HTTP header names are case-insensitive);
  // "Content-Type" and "content-type" are the same header, so listing both is a repeat.
  for (const listed of parsed.headers) {
    const name = listed.toLowerCase();
    if (signed.has(name)) return fail(`the header "${name}" is listed twice in headers=`);
    signed.add(name);
  }
  if (!signed.has("date") && !signed.has("x-date")) return fail('neither "date" nor "x-date" is signed');
  for (const name of requiredHeaders(request.method, policy)) {
    if (!signed.has(name)) return fail(`the header "${name}" must be signed for ${request.method.toUpperCase()} requests`);
  }

  const built = buildSigningString(request, parsed.headers, headers);
  if ("error" in built) return fail(built.error);

  for (const name of ["date", "x-date"]) {
    const value = signed.has(name) ? headers.get(name) : undefined;
    if (value === undefined) continue;
    const problem = checkDate(name, value, now);
    if (problem !== undefined) return fail(problem);
  }
  if (signed.has("x-content-sha256")) {
    const expected = createHash("sha256").update(request.body).digest("base64");
    if (headers.get("x-content-sha256") !== expected) return fail("x-content-sha256 does not match the SHA-256 of the body received");
  }
  if (signed.has("content-length") && headers.get("content-length") !== String(request.body.byteLength)) {
    return fail(`content-length does not match the ${request.body.byteLength} body bytes received`);
  }

  const signature = decodeCanonicalBase64(parsed.signature);
  if (signature === undefined) return fail("the signature is not canonical base64");
  const key = lookupKey(parsed.keyId);
  if (!key.ok) return fail(key.reason);
  let valid: boolean;
  try {
    valid = rsaVerify("sha256", Buffer.from(built.signingString, "utf8"), key.publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) return fail("the signature does not verify against the signing string rebuilt from the request");

  // A delegation token (instance_obo_user, Cloud Shell) counts only when it is signed: an
  // unsigned one could have been added by anyone on the way.
  const delegation = headers.get(DELEGATION_TOKEN_HEADER);
  if (delegation === undefined) return { ok: true, keyId: parsed.keyId, principal: key.principal };
  if (!signed.has(DELEGATION_TOKEN_HEADER)) return fail(`the ${DELEGATION_TOKEN_HEADER} header is sent but not signed (list it in headers=)`);
  const onBehalf = lookupDelegation === undefined ? { ok: false as const, reason: "the delegation token is unknown" } : lookupDelegation(delegation);
  if (!onBehalf.ok) return fail(onBehalf.reason);
  return { ok: true, keyId: parsed.keyId, principal: { ...key.principal, onBehalfOf: onBehalf.subject } };
}
