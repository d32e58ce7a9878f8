/**
 * Certificate retrievers (the Python SDK's `oci.auth.certificate_retriever`): where the X.509
 * certificate (and, for a leaf, its private key) used to obtain a token come from. Each holds
 * one immutable `{ pem, x509, privateKey }` value and replaces it whole on `refresh()`.
 */
import { X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { AuthError } from "../errors.js";
import { whyUnreadable } from "../files.js";
import { expandHome, loadPrivateKey } from "../keys.js";
import { authRequest, okText, type AuthTransportOptions } from "./fetch-util.js";

export interface CertificateRetriever {
  /** Fetch or re-read the certificate (and key). */
  refresh(): Promise<void>;
  /** The certificate, PEM. Throws AuthError before the first successful `refresh()` (URL retrievers). */
  certificate(): string;
  /** The parsed certificate (node:crypto). */
  x509(): X509Certificate;
  /** The certificate's private key, when this retriever has one. */
  privateKey(): KeyObject | undefined;
  /** True once a certificate is held. */
  readonly loaded: boolean;
}

interface Held {
  readonly pem: string;
  readonly x509: X509Certificate;
  readonly privateKey: KeyObject | undefined;
}

function parseCertificate(pem: string, where: string): X509Certificate {
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new AuthError(`${where} is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line).`, { code: "CERTIFICATE_INVALID" });
  }
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new AuthError(`${where} could not be parsed as an X.509 certificate: ${(cause as Error).message}.`, {
      code: "CERTIFICATE_INVALID",
      cause,
    });
  }
}

function parseKey(pem: string, passphrase: string | undefined, where: string): KeyObject {
  // Without a PEM header loadPrivateKey would take the text for a file path.
  if (!pem.includes("-----BEGIN")) {
    throw new AuthError(`${where[0]!.toUpperCase()}${where.slice(1)} is not a PEM private key.`, { code: "CERTIFICATE_KEY_INVALID" });
  }
  // loadPrivateKey diagnoses (public key, pass phrase…) and never quotes the key.
  return loadPrivateKey(pem, passphrase, { source: where, onWarning: () => {} });
}

abstract class HeldCertificate implements CertificateRetriever {
  protected held: Held | undefined;
  protected abstract readonly description: string;

  abstract refresh(): Promise<void>;

  get loaded(): boolean {
    return this.held !== undefined;
  }

  protected current(): Held {
    if (!this.held) {
      throw new AuthError(`The certificate from ${this.description} has not been retrieved yet: call refresh() first.`, {
        code: "CERTIFICATE_NOT_LOADED",
      });
    }
    return this.held;
  }

  certificate(): string {
    return this.current().pem;
  }

  x509(): X509Certificate {
    return this.current().x509;
  }

  privateKey(): KeyObject | undefined {
    return this.current().privateKey;
  }
}

export interface PemStringCertificateRetrieverOptions {
  certificatePem: string;
  privateKeyPem?: string | undefined;
  passphrase?: string | undefined;
}

/** A certificate given as PEM text. `refresh()` does nothing. */
export class PemStringCertificateRetriever extends HeldCertificate {
  protected readonly description = "a PEM string";

  constructor(options: PemStringCertificateRetrieverOptions) {
    super();
    this.held = Object.freeze({
      pem: options.certificatePem,
      x509: parseCertificate(options.certificatePem, "The certificate PEM"),
      privateKey:
        options.privateKeyPem === undefined ? undefined : parseKey(options.privateKeyPem, options.passphrase, "the certificate's private key PEM"),
    });
  }

  async refresh(): Promise<void> {}
}

export interface FileBasedCertificateRetrieverOptions {
  certificateFile: string;
  privateKeyFile?: string | undefined;
  passphrase?: string | undefined;
}

/** A certificate (and key) read from files; `refresh()` re-reads them, picking up a rotation. */
export class FileBasedCertificateRetriever extends HeldCertificate {
  protected readonly description: string;
  readonly #options: FileBasedCertificateRetrieverOptions;

  constructor(options: FileBasedCertificateRetrieverOptions) {
    super();
    this.#options = options;
    this.description = expandHome(options.certificateFile);
    this.held = this.#read();
  }

  async refresh(): Promise<void> {
    this.held = this.#read();
  }

  #read(): Held {
    const certFile = expandHome(this.#options.certificateFile);
    let pem: string;
    try {
      pem = readFileSync(certFile, "utf8");
    } catch (cause) {
      throw new AuthError(`The certificate file ${certFile} ${whyUnreadable(cause)}.`, { code: "CERTIFICATE_UNREADABLE", cause });
    }
    const keyFile = this.#options.privateKeyFile === undefined ? undefined : expandHome(this.#options.privateKeyFile);
    return Object.freeze({
      pem,
      x509: parseCertificate(pem, `The certificate file ${certFile}`),
      privateKey: keyFile === undefined ? undefined : loadPrivateKey(keyFile, this.#options.passphrase, { onWarning: () => {} }),
    });
  }
}

export interface UrlBasedCertificateRetrieverOptions extends AuthTransportOptions {
  certificateUrl: string;
  privateKeyUrl?: string | undefined;
  passphrase?: string | undefined;
  /**
   * Headers for both requests. Default: `Authorization: Bearer Oracle` for instance metadata
   * v2 URLs (path containing `/opc/v2/`), none otherwise.
   */
  headers?: Record<string, string> | undefined;
}

/** A certificate (and key) fetched from URLs — instance metadata's `identity/cert.pem` and friends. */
export class UrlBasedCertificateRetriever extends HeldCertificate {
  protected readonly description: string;
  readonly #options: UrlBasedCertificateRetrieverOptions;
  readonly #headers: Record<string, string>;

  constructor(options: UrlBasedCertificateRetrieverOptions) {
    super();
    if (!options.certificateUrl) throw new TypeError("UrlBasedCertificateRetriever: certificateUrl is required");
    this.#options = options;
    this.description = options.certificateUrl;
    this.#headers = options.headers ?? (imdsV2Url(options.certificateUrl) ? { authorization: "Bearer Oracle" } : {});
  }

  /**
   * Fetch the certificate and key; the held value changes only when both arrived, parse, and
   * belong together. They are two requests, so a rotation between them can pair a new
   * certificate with the old key: that is a `CERTIFICATE_KEY_MISMATCH` AuthError, and the
   * next `refresh()` (the federation client's next token request) fetches both again. The
   * retrying of requests themselves is the one HTTP path's (request.ts).
   */
  async refresh(): Promise<void> {
    const [pem, keyPem] = await Promise.all([
      this.#get(this.#options.certificateUrl, "the certificate"),
      this.#options.privateKeyUrl === undefined ? undefined : this.#get(this.#options.privateKeyUrl, "the certificate's private key"),
    ]);
    const x509 = parseCertificate(pem, `The certificate from ${this.#options.certificateUrl}`);
    const privateKey =
      keyPem === undefined ? undefined : parseKey(keyPem, this.#options.passphrase, `the private key from ${this.#options.privateKeyUrl}`);
    if (privateKey !== undefined && !x509.checkPrivateKey(privateKey)) {
      throw new AuthError(
        `The private key from ${this.#options.privateKeyUrl} does not belong to the certificate from ${this.#options.certificateUrl} ` +
          `(a rotation between the two requests?); refresh again.`,
        { code: "CERTIFICATE_KEY_MISMATCH" },
      );
    }
    this.held = Object.freeze({ pem, x509, privateKey });
  }

  async #get(url: string, what: string): Promise<string> {
    const answer = await authRequest({ method: "GET", url, headers: this.#headers }, `the instance metadata service (${what})`, this.#options);
    return okText(answer, `The instance metadata service (${what})`, url);
  }
}

function imdsV2Url(url: string): boolean {
  try {
    return new URL(url).pathname.includes("/opc/v2/");
  } catch {
    return false;
  }
}

/**
 * The tenancy OCID in a certificate's subject: the value after `opc-tenant:` (or
 * `opc-identity:`) in whichever attribute carries it (usually an OU).
 */
export function tenancyFromCertificate(x509: X509Certificate): string | undefined {
  for (const line of x509.subject.split("\n")) {
    const eq = line.indexOf("=");
    const values = eq >= 0 ? line.slice(eq + 1) : line;
    // An attribute can hold several values ("OU=a+OU=b" is rendered on one line by some tools).
    for (const raw of values.split(/[+,]/)) {
      const value = raw.trim();
      for (const prefix of ["opc-tenant:", "opc-identity:"]) {
        if (value.startsWith(prefix) && value.length > prefix.length) return value.slice(prefix.length);
      }
    }
  }
  return undefined;
}
