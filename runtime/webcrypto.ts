/**
 * The Web Crypto signing core: the shared steps of signing-core.ts with `crypto.subtle` as the
 * primitive (RSASSA-PKCS1-v1_5 with SHA-256, SHA-256 digests), for runtimes without
 * `node:crypto` (Cloudflare Workers, Vercel Edge, browsers). Nothing here imports `node:` or
 * uses Buffer: only `crypto`, `TextEncoder`, `atob`/`btoa` and `URL`, which all those runtimes
 * (and Node, Bun and Deno) have.
 *
 * Web Crypto imports private keys only as PKCS#8, while OCI API keys are often PKCS#1
 * (`BEGIN RSA PRIVATE KEY`, what `openssl genrsa` wrote): such a key is wrapped in a PKCS#8
 * envelope (a fixed algorithm identifier plus DER lengths) before import. Encrypted keys
 * cannot be decrypted here (no PEM encryption in Web Crypto): they get a KeyError saying how
 * to decrypt them first.
 */
import { KeyError, OciRawError } from "./errors.js";
import type { RequestSigner } from "./signing-core.js";
import {
  methodHasBody,
  prepareSigning,
  withAuthorization,
  type BodyMeasure,
  type SignableRequest,
  type SignatureHeaderLists,
  type SignedRequestParts,
} from "./signing-core.js";

/** Stateless, so one for the module. */
const UTF8 = new TextEncoder();
const EMPTY = new Uint8Array(0);
const RSA_PKCS1 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

/**
 * A Web Crypto key as this module uses it. Declared here, structurally, so the public types
 * need neither the DOM lib nor @types/node: the runtime's CryptoKey is one.
 */
export interface WebCryptoKey {
  readonly type: string;
  readonly algorithm: object;
  readonly usages: readonly string[];
}

/** The three Subtle methods used, typed for how they are called here. */
interface Subtle {
  importKey(format: "pkcs8", keyData: Uint8Array, algorithm: typeof RSA_PKCS1, extractable: false, usages: ["sign"]): Promise<WebCryptoKey>;
  digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer>;
  sign(algorithm: typeof RSA_PKCS1, key: WebCryptoKey, data: Uint8Array): Promise<ArrayBuffer>;
}

/** `crypto.subtle`, or a typed error where the runtime has none (an insecure browser context, an old runtime). */
function subtle(): Subtle {
  const found = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
  if (found === undefined) {
    throw new OciRawError(
      "Web Crypto (crypto.subtle) is not available in this runtime, so requests cannot be signed here. Browsers offer it only in secure " +
        "contexts (https:// or localhost); on Node, Bun or Deno use the \"oci-raw\" entry's ApiKeySigner.",
      { code: "WEBCRYPTO_UNAVAILABLE" },
    );
  }
  return found;
}

/** Standard base64 of bytes, without Buffer (btoa takes a string of Latin-1 characters). */
export function base64OfBytes(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/** Bytes of standard base64 (whitespace ignored); a TypeError on anything else. */
function bytesOfBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text.replace(/\s+/g, ""));
  } catch {
    throw new TypeError("not base64");
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** A DER length: short form below 128, else 0x80 + the count of big-endian length bytes. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [0x80 + bytes.length, ...bytes];
}

/**
 * PrivateKeyInfo (PKCS#8, RFC 5208) around an RSAPrivateKey (PKCS#1):
 * SEQUENCE { INTEGER 0, SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }, OCTET STRING { key } }.
 */
export function pkcs1ToPkcs8(pkcs1: Uint8Array): Uint8Array {
  const version = [0x02, 0x01, 0x00];
  const rsaEncryption = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
  const octetHeader = [0x04, ...derLength(pkcs1.length)];
  const contentLength = version.length + rsaEncryption.length + octetHeader.length + pkcs1.length;
  const head = [0x30, ...derLength(contentLength), ...version, ...rsaEncryption, ...octetHeader];
  const out = new Uint8Array(head.length + pkcs1.length);
  out.set(head, 0);
  out.set(pkcs1, head.length);
  return out;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * The PKCS#8 DER of an unencrypted RSA private key in PEM, PKCS#8 (`BEGIN PRIVATE KEY`) or
 * PKCS#1 (`BEGIN RSA PRIVATE KEY`). Every refusal is a KeyError that quotes no key material.
 */
export function pkcs8OfPem(pem: string): Uint8Array {
  if (typeof pem !== "string") throw new TypeError("privateKeyPem must be a string (the PEM text of the key)");
  const block = PEM_BLOCK.exec(pem);
  if (block === null) {
    throw new KeyError(
      `The private key is not PEM text. Expected "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA PRIVATE KEY-----" … "-----END … -----" ` +
        `(this entry reads no files: pass the key's text, not its path).`,
      { code: "KEY_NOT_PEM" },
    );
  }
  const label = block[1]!;
  let body = block[2]!;
  const decrypt =
    `Decrypt it first, e.g. \`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-decrypted.pem\` (it asks for the pass phrase once), ` +
    `and keep the decrypted key as secret as the pass phrase.`;
  if (label === "ENCRYPTED PRIVATE KEY" || /^Proc-Type:\s*4,ENCRYPTED/m.test(body)) {
    throw new KeyError(`The private key is encrypted, and Web Crypto cannot decrypt PEM keys. ${decrypt}`, { code: "KEY_ENCRYPTED" });
  }
  if (label.endsWith("PUBLIC KEY") || label === "CERTIFICATE") {
    throw new KeyError(
      `The key given is a public key or certificate (${label}), not a private key. Pass the private half (e.g. oci_api_key.pem, not oci_api_key_public.pem).`,
      { code: "KEY_IS_PUBLIC" },
    );
  }
  if (label !== "PRIVATE KEY" && label !== "RSA PRIVATE KEY") {
    const notRsa = label.endsWith("PRIVATE KEY");
    throw new KeyError(
      notRsa ? `The private key is a ${label}; OCI signs with RSA private keys (rsa-sha256).` : `The PEM block (${label}) holds no private key.`,
      { code: notRsa ? "KEY_NOT_RSA" : "KEY_NOT_PRIVATE" },
    );
  }
  // PEM headers (RFC 1421 "Name: value" lines) before the base64, none of which matter unencrypted.
  body = body.replace(/^[A-Za-z-]+:.*$/gm, "");
  let der: Uint8Array;
  try {
    der = bytesOfBase64(body);
  } catch {
    throw new KeyError(`The private key's PEM body is not valid base64: the key text is damaged (copied with extra characters?).`, {
      code: "KEY_INVALID",
    });
  }
  return label === "RSA PRIVATE KEY" ? pkcs1ToPkcs8(der) : der;
}

/** A CryptoKey that signs rsa-sha256: private, RSASSA-PKCS1-v1_5 with SHA-256, usable for "sign". */
function checkCryptoKey(key: WebCryptoKey): void {
  const algorithm = key?.algorithm as { name?: string; hash?: { name?: string } } | undefined;
  if (key?.type !== "private" || algorithm?.name !== RSA_PKCS1.name || algorithm.hash?.name !== "SHA-256" || !Array.isArray(key.usages) || !key.usages.includes("sign")) {
    throw new KeyError(
      `The CryptoKey cannot sign OCI requests: it must be a private RSASSA-PKCS1-v1_5 key with hash SHA-256 and the "sign" usage ` +
        `(it is ${key?.type ?? typeof key}, ${algorithm?.name ?? "?"}${algorithm?.hash?.name ? `/${algorithm.hash.name}` : ""}).`,
      { code: "KEY_NOT_RSA" },
    );
  }
}

/**
 * Imports an RSA private key PEM (PKCS#8 or PKCS#1, unencrypted) as a non-extractable
 * CryptoKey for rsa-sha256. A KeyError when the key is not one.
 */
export async function importRsaPrivateKey(pem: string): Promise<WebCryptoKey> {
  return importPkcs8(pkcs8OfPem(pem));
}

/** base64(SHA-256(body)) with `crypto.subtle.digest`, a string hashed as UTF-8: `x-content-sha256`. */
export async function contentSha256WebCrypto(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === "string" ? UTF8.encode(body) : body;
  return base64OfBytes(new Uint8Array(await subtle().digest("SHA-256", bytes)));
}

/**
 * Step 1's body measure for one request. Web Crypto digests asynchronously and step 1 is
 * synchronous, so the body (the one step 1 will measure: `request.body`, or empty) is encoded
 * and hashed here first.
 */
export async function bodyMeasureWebCrypto(request: SignableRequest): Promise<BodyMeasure> {
  if (!methodHasBody(request.method)) return NO_BODY;
  const body = request.body ?? EMPTY;
  const bytes = typeof body === "string" ? UTF8.encode(body) : body;
  const digest = request.excludeBody ? undefined : await contentSha256WebCrypto(bytes);
  return {
    byteLength: () => bytes.byteLength,
    contentSha256: () => {
      if (digest === undefined) throw new TypeError("excludeBody: the body is not hashed");
      return digest;
    },
  };
}

/** Step 1 measures no body for GET, HEAD, DELETE…: nothing to compute. */
const NO_BODY: BodyMeasure = {
  byteLength: (body) => (typeof body === "string" ? UTF8.encode(body).byteLength : body.byteLength),
  contentSha256: () => {
    throw new TypeError("this method's body is not signed");
  },
};

/** Step 3 on Web Crypto: RSASSA-PKCS1-v1_5 with SHA-256 over the signing string as UTF-8, base64. */
export async function rsaSha256WebCrypto(privateKey: WebCryptoKey, data: string): Promise<string> {
  const signature = await subtle().sign(RSA_PKCS1, privateKey, UTF8.encode(data));
  return base64OfBytes(new Uint8Array(signature));
}

/** Credentials for the Web Crypto core: one immutable value, as for the Node core. */
export interface WebCryptoSigningCredentials {
  readonly keyId: string;
  readonly privateKey: WebCryptoKey;
}

/** Signs one request with Web Crypto: the shared steps (signing-core.ts), this file's primitive. */
export async function signRequestWebCrypto(
  request: SignableRequest,
  credentials: WebCryptoSigningCredentials,
  lists: SignatureHeaderLists = {},
): Promise<SignedRequestParts> {
  const prepared = prepareSigning(await bodyMeasureWebCrypto(request), request, credentials.keyId, lists);
  return withAuthorization(prepared, credentials.keyId, await rsaSha256WebCrypto(credentials.privateKey, prepared.signingString));
}

export interface WebCryptoApiKeySignerOptions extends SignatureHeaderLists {
  tenancy: string;
  user: string;
  fingerprint: string;
  /** The PEM text of the key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`), unencrypted. */
  privateKeyPem?: string | undefined;
  /** An already imported key (RSASSA-PKCS1-v1_5, SHA-256, usage "sign"); wins over `privateKeyPem`. */
  privateKey?: WebCryptoKey | undefined;
}

/**
 * Signs with an API key on Web Crypto: keyId `<tenancy>/<user>/<fingerprint>`, as ApiKeySigner.
 * The PEM is checked when the signer is made (a KeyError then for an encrypted, public or
 * non-PEM key); the import, which Web Crypto does asynchronously, runs once, on first use or in
 * `create`, and its CryptoKey is kept for every later signature.
 */
export class WebCryptoApiKeySigner implements RequestSigner {
  readonly keyId: string;
  readonly #lists: SignatureHeaderLists;
  #pkcs8: Uint8Array | undefined;
  #key: Promise<WebCryptoKey> | undefined;

  constructor(options: WebCryptoApiKeySignerOptions) {
    for (const field of ["tenancy", "user", "fingerprint"] as const) {
      if (!options?.[field]) throw new TypeError(`WebCryptoApiKeySigner: "${field}" is required`);
    }
    if (options.privateKey !== undefined) {
      checkCryptoKey(options.privateKey);
      this.#key = Promise.resolve(options.privateKey);
    } else if (options.privateKeyPem !== undefined) {
      this.#pkcs8 = pkcs8OfPem(options.privateKeyPem);
    } else {
      throw new TypeError(`WebCryptoApiKeySigner: give "privateKeyPem" (the key's PEM text) or "privateKey" (a CryptoKey)`);
    }
    this.keyId = `${options.tenancy}/${options.user}/${options.fingerprint}`;
    this.#lists = { genericHeaders: options.genericHeaders, bodyHeaders: options.bodyHeaders };
  }

  /** A signer whose key is already imported, so a key Web Crypto refuses fails here rather than at the first request. */
  static async create(options: WebCryptoApiKeySignerOptions): Promise<WebCryptoApiKeySigner> {
    const signer = new WebCryptoApiKeySigner(options);
    await signer.#privateKey();
    return signer;
  }

  #privateKey(): Promise<WebCryptoKey> {
    if (this.#key === undefined) {
      const pkcs8 = this.#pkcs8!;
      this.#pkcs8 = undefined; // the DER is not kept once the (non-extractable) key is made from it
      this.#key = importPkcs8(pkcs8);
    }
    return this.#key;
  }

  async sign(request: SignableRequest): Promise<Record<string, string>> {
    return (await this.signWithDetails(request)).headers;
  }

  async signWithDetails(request: SignableRequest): Promise<SignedRequestParts> {
    return signRequestWebCrypto(request, { keyId: this.keyId, privateKey: await this.#privateKey() }, this.#lists);
  }
}

async function importPkcs8(pkcs8: Uint8Array): Promise<WebCryptoKey> {
  try {
    return await subtle().importKey("pkcs8", pkcs8, RSA_PKCS1, false, ["sign"]);
  } catch (cause) {
    if (cause instanceof OciRawError) throw cause;
    // The runtime's message ("Invalid keyData") says nothing more and quotes nothing; kept as the cause.
    throw new KeyError(`The private key could not be imported: it is not an RSA private key, or its DER is damaged.`, { code: "KEY_INVALID", cause });
  }
}
