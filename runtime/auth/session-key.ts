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
 * Vends an RSA session key pair and makes new ones. A token-based client calls `generate()`
 * for a pair that is not yet current, requests a token for it, and only then `use()`s it —
 * so `keyPair()` never returns a key whose token has not arrived (the official TypeScript SDK
 * installs the new key first, and requests signed in between fail).
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
    if (!this.#current) {
      const first = this.generate();
      this.#current = first;
      // A failed generation must not stick: the next call tries again.
      first.catch(() => {
        if (this.#current === first) this.#current = undefined;
      });
    }
    return this.#current;
  }

  /** A new pair, not yet current. */
  generate(): Promise<SessionKeyPair> {
    return this.#generate();
  }

  /** Make `pair` the current one (once its token has arrived). */
  use(pair: SessionKeyPair): void {
    this.#current = Promise.resolve(pair);
  }

  /** Generate a new pair, make it current and return it (Python's `refresh()`). */
  async refresh(): Promise<SessionKeyPair> {
    const pair = await this.generate();
    this.use(pair);
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
