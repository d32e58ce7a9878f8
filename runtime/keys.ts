/**
 * Private key loading with the Python SDK's diagnostics, as typed KeyErrors.
 * Messages name the file and the fix, never the key or the pass phrase.
 */
import { createDecipheriv, createHash, createPrivateKey, getCipherInfo, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { KeyError } from "./errors.js";
import { isMissingFile, warnIfTooOpen, whyUnreadable } from "./files.js";

export interface LoadPrivateKeyOptions {
  /**
   * Called with a warning that needs no action to keep working (an unneeded pass phrase, a key
   * file others can read); default `process.emitWarning` with code `OCI_RAW_KEY_WARNING`.
   */
  onWarning?: ((message: string) => void) | undefined;
  /** Describes where the key came from in messages, e.g. `key_file of profile DEFAULT in ~/.oci/config`. */
  source?: string | undefined;
}

const PEM_BEGIN = "-----BEGIN";

/** `~` and `~/…` expand to the home directory, as the OCI CLI and SDKs do. */
export function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/") || path.startsWith("~\\")) return homedir() + path.slice(1);
  return path;
}

function defaultWarning(message: string): void {
  process.emitWarning(message, { code: "OCI_RAW_KEY_WARNING" });
}

function isEncryptedPem(pem: string): boolean {
  return pem.includes("-----BEGIN ENCRYPTED PRIVATE KEY-----") || /Proc-Type:\s*4,\s*ENCRYPTED/.test(pem);
}

/**
 * Why OpenSSL refused an encrypted PEM: the pass phrase, or the key data itself. OpenSSL's error
 * alone cannot tell: a truncated traditional (Proc-Type/DEK-Info) body fails as "bad decrypt"
 * like a wrong pass phrase, and a wrong pass phrase that happens to leave valid padding (1 in
 * 256) fails as an ASN.1 error like corrupt data. So the data is checked here:
 * - no END line: truncated;
 * - traditional: the first block is decrypted; with the right pass phrase it starts an
 *   RSAPrivateKey (SEQUENCE, INTEGER version), so the data is at fault, else the pass phrase is;
 * - PKCS#8 (BEGIN ENCRYPTED PRIVATE KEY): the outer, unencrypted DER must be whole (its
 *   SEQUENCE length matches the data); if it is, the pass phrase is wrong.
 */
function encryptedFailure(pem: string, passPhrase: string): "passphrase" | "corrupt" | "unknown" {
  if (!/-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) return "corrupt";
  if (/Proc-Type:\s*4,\s*ENCRYPTED/.test(pem)) return traditionalPassPhraseFits(pem, passPhrase) ?? "unknown";
  const body = /-----BEGIN ENCRYPTED PRIVATE KEY-----([\s\S]*?)-----END ENCRYPTED PRIVATE KEY-----/.exec(pem)?.[1]?.replace(/\s+/g, "");
  if (body === undefined) return "unknown";
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) return "corrupt";
  return derSequenceLength(Buffer.from(body, "base64")) === "whole" ? "passphrase" : "corrupt";
}

/** Whether `data` is exactly one DER SEQUENCE ("whole"), or its declared length disagrees ("broken"). */
function derSequenceLength(data: Buffer): "whole" | "broken" {
  if (data.length < 2 || data[0] !== 0x30) return "broken";
  const first = data[1]!;
  if (!(first & 0x80)) return 2 + first === data.length ? "whole" : "broken";
  const count = first & 0x7f;
  if (count < 1 || count > 4 || data.length < 2 + count) return "broken";
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + data[2 + i]!;
  return 2 + count + length === data.length ? "whole" : "broken";
}

/** Decrypts the first block of a traditional encrypted PEM: "corrupt" when it is a DER key, "passphrase" when not. */
function traditionalPassPhraseFits(pem: string, passPhrase: string): "passphrase" | "corrupt" | undefined {
  try {
    const dek = /DEK-Info:\s*([A-Za-z0-9-]+)\s*,\s*([0-9A-Fa-f]+)/.exec(pem);
    if (!dek) return undefined;
    const cipher = dek[1]!.toLowerCase();
    const info = getCipherInfo(cipher);
    if (!info || info.mode !== "cbc" || info.ivLength === undefined) return undefined;
    const iv = Buffer.from(dek[2]!, "hex");
    if (iv.length !== info.ivLength) return undefined;
    // The body: the base64 lines after the blank line that ends the headers, up to the END line.
    const afterHeaders = pem.slice(dek.index + dek[0].length).split(/\r?\n\s*\r?\n/)[1] ?? "";
    const data = Buffer.from(afterHeaders.split("-----END")[0]!.replace(/\s+/g, ""), "base64");
    const block = info.blockSize ?? 8;
    // Too short for any RSA key, or not whole blocks: broken whatever the pass phrase.
    if (data.length < 2 * block || data.length % block !== 0) return "corrupt";
    // EVP_BytesToKey with MD5, one round, the first 8 bytes of the IV as salt: OpenSSL's PEM key derivation.
    const salt = iv.subarray(0, 8);
    const parts: Buffer[] = [];
    let total = 0;
    let prev = Buffer.alloc(0);
    while (total < info.keyLength) {
      prev = createHash("md5").update(prev).update(passPhrase, "utf8").update(salt).digest();
      parts.push(prev);
      total += prev.length;
    }
    const key = Buffer.concat(parts).subarray(0, info.keyLength);
    const decipher = createDecipheriv(cipher, key, iv).setAutoPadding(false);
    const head = decipher.update(data.subarray(0, 2 * block));
    // SEQUENCE with a long-form length (any RSA key of 512 bits or more), then INTEGER version 0 or 1.
    if (head[0] !== 0x30) return "passphrase";
    const lengthBytes = head[1]! & 0x7f;
    if (!(head[1]! & 0x80) || lengthBytes < 1 || lengthBytes > 3) return "passphrase";
    const version = head.subarray(2 + lengthBytes, 5 + lengthBytes);
    return version[0] === 0x02 && version[1] === 0x01 && (version[2] === 0x00 || version[2] === 0x01) ? "corrupt" : "passphrase";
  } catch {
    return undefined;
  }
}

/**
 * Load an RSA private key from PEM text or a file path (PKCS#1 or PKCS#8, encrypted or not).
 * Parse it once and keep the returned KeyObject: that is what makes signing cheap.
 */
/**
 * Whether a value given as "PEM text or a path" is key material with a mangled header rather
 * than a path: a PEM-like header in any case or dash count, several lines, a long run of
 * base64 alone, or more than a path can hold.
 */
function looksLikeKeyText(value: string): boolean {
  const text = value.trim();
  return (
    /-{2,}\s*begin\b/i.test(text) ||
    /[\r\n]/.test(text) ||
    (text.length >= 64 && /^[A-Za-z0-9+/=]+$/.test(text)) ||
    text.length > 4096
  );
}

export function loadPrivateKey(
  pemOrPath: string,
  passPhrase?: string | undefined,
  options: LoadPrivateKeyOptions = {},
): KeyObject {
  let pem: string;
  let file: string | undefined;
  if (pemOrPath.includes(PEM_BEGIN)) {
    pem = pemOrPath;
  } else if (looksLikeKeyText(pemOrPath)) {
    // Read as a path, key text would be quoted in the file-not-found message: say what it is instead.
    throw new KeyError(
      `The private key given${options.source ? ` (${options.source})` : ""} looks like key text, not a path, but it does not start with a PEM header ` +
        `such as "-----BEGIN PRIVATE KEY-----" (five dashes, upper case). Restore the header and footer lines, or give the path of the key file.`,
      { code: "KEY_NOT_PEM" },
    );
  } else {
    file = expandHome(pemOrPath.trim());
    try {
      pem = readFileSync(file, "utf8");
    } catch (cause) {
      throw new KeyError(
        `Private key file ${file}${options.source ? ` (${options.source})` : ""} ${whyUnreadable(cause)}. ` +
          `Point key_file at the PEM file of your API signing key.`,
        { file, code: isMissingFile(cause) ? "KEY_FILE_NOT_FOUND" : "KEY_FILE_UNREADABLE", cause },
      );
    }
  }
  if (file !== undefined) warnIfTooOpen(file, "the private key file", options.onWarning ?? defaultWarning);
  const where = file ? `The key in ${file}` : "The private key";
  const source = options.source ? ` (${options.source})` : "";

  if (!pem.includes(PEM_BEGIN)) {
    throw new KeyError(`${where}${source} is not a PEM file. Expected "-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN PRIVATE KEY-----".`, {
      code: "KEY_NOT_PEM",
      ...(file ? { file } : {}),
    });
  }
  if (!pem.includes("PRIVATE KEY-----")) {
    const isPublic = pem.includes("PUBLIC KEY-----") || pem.includes("CERTIFICATE-----");
    throw new KeyError(
      isPublic
        ? `${where}${source} is a public key or certificate, not a private key. Point key_file at the private half (the file you generated, e.g. oci_api_key.pem, not oci_api_key_public.pem).`
        : `${where}${source} holds no private key.`,
      { code: isPublic ? "KEY_IS_PUBLIC" : "KEY_NOT_PRIVATE", ...(file ? { file } : {}) },
    );
  }

  const encrypted = isEncryptedPem(pem);
  if (encrypted && (passPhrase === undefined || passPhrase === "")) {
    throw new KeyError(
      `${where}${source} is encrypted and no pass phrase was given. Set pass_phrase in the config profile (or pass one).`,
      { code: "KEY_PASSPHRASE_MISSING", ...(file ? { file } : {}) },
    );
  }
  if (!encrypted && passPhrase !== undefined && passPhrase !== "") {
    (options.onWarning ?? defaultWarning)(
      `${where}${source} is not encrypted; the pass phrase given for it is ignored. Remove pass_phrase to silence this warning.`,
    );
  }

  let key: KeyObject;
  try {
    key = createPrivateKey(encrypted ? { key: pem, format: "pem", passphrase: passPhrase ?? "" } : { key: pem, format: "pem" });
  } catch (cause) {
    const failure = encrypted ? encryptedFailure(pem, passPhrase ?? "") : "corrupt";
    if (failure === "passphrase") {
      throw new KeyError(`${where}${source} could not be decrypted: the pass phrase is wrong. Check pass_phrase.`, {
        code: "KEY_PASSPHRASE_WRONG",
        ...(file ? { file } : {}),
      });
    }
    if (failure === "unknown") {
      throw new KeyError(
        `${where}${source} could not be decrypted: the pass phrase is wrong, or the file is truncated or corrupt. ` +
          `Check pass_phrase, and that the file is a complete copy of your API signing key.`,
        { code: "KEY_PASSPHRASE_WRONG", ...(file ? { file } : {}) },
      );
    }
    if (encrypted) {
      throw new KeyError(
        `${where}${source} is encrypted, but its data is truncated or corrupt: it cannot be read whatever the pass phrase, ` +
          `so the pass phrase is not what failed. Replace the file with a complete copy of your API signing key.`,
        { code: "KEY_INVALID", cause, ...(file ? { file } : {}) },
      );
    }
    throw new KeyError(`${where}${source} could not be parsed as a PEM private key; the file may be truncated or corrupt.`, {
      code: "KEY_INVALID",
      cause,
      ...(file ? { file } : {}),
    });
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new KeyError(`${where}${source} is a ${key.asymmetricKeyType ?? "non-RSA"} key; OCI API signing keys are RSA.`, {
      code: "KEY_NOT_RSA",
      ...(file ? { file } : {}),
    });
  }
  return key;
}
