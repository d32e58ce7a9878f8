/**
 * Session key pairs for token-based auth (the Python SDK's `SessionKeySupplier`). Keys are
 * generated asynchronously (in libuv's thread pool), so a refresh never blocks the event loop.
 */
import { generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

const generateRsaKeyPair = promisify(generateKeyPair);

export interface SessionKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key, SubjectPublicKeyInfo PEM. */
  readonly publicKeyPem: string;
}

export interface SessionKeySupplierOptions {
  /** RSA modulus length. Default 2048. */
  keySize?: number | undefined;
}

/**
 * Vends an RSA session key pair and makes new ones. `refresh()` returns the new pair: the
 * caller requests a token for it and only then signs with it (as one credentials value), so
 * a pair is never used with a token issued for another.
 */
export class SessionKeySupplier {
  readonly keySize: number;
  #current: Promise<SessionKeyPair> | undefined;

  constructor(options: SessionKeySupplierOptions = {}) {
    const keySize = options.keySize ?? 2048;
    if (!Number.isInteger(keySize) || keySize < 1024) {
      throw new TypeError(`SessionKeySupplier: keySize must be an integer of at least 1024 bits, got ${String(keySize)}`);
    }
    this.keySize = keySize;
  }

  /** The current pair (generated on first use). */
  keyPair(): Promise<SessionKeyPair> {
    return (this.#current ??= this.#generate());
  }

  /** Generate a new pair, make it current and return it. */
  async refresh(): Promise<SessionKeyPair> {
    const next = this.#generate();
    const pair = await next;
    this.#current = next;
    return pair;
  }

  async #generate(): Promise<SessionKeyPair> {
    const { privateKey, publicKey } = await generateRsaKeyPair("rsa", { modulusLength: this.keySize });
    return Object.freeze({
      privateKey,
      publicKey,
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    });
  }
}
