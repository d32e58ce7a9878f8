/**
 * A throw-away test PKI built with node-forge: a CA, the HTTPS server certificate, and (for
 * the auth helper) instance-principal leaf and intermediate certificates whose subject carries
 * `OU=opc-tenant:<tenancy OCID>`. Keys come from node:crypto (fast, native); forge only
 * assembles and signs certificates.
 */
import { createPublicKey, generateKeyPair, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { promisify } from "node:util";
import forge from "node-forge";

const generateKeyPairAsync = promisify(generateKeyPair);
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate with its private key: a CA to issue from, or an issued CA/leaf. */
export interface CertificateAuthority {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** Common subject fields; `organizationalUnit` may repeat, as on OCI instance certificates. */
export interface SubjectFields {
  readonly commonName?: string;
  readonly organizationalUnit?: string | readonly string[];
  readonly organization?: string;
  readonly locality?: string;
  readonly state?: string;
  readonly country?: string;
}

/** One raw subject attribute, named by short name (`OU`), name (`organizationalUnitName`) or OID. */
export interface SubjectAttribute {
  readonly shortName?: string;
  readonly name?: string;
  readonly type?: string;
  readonly value: string;
}

export interface IssueCertificateOptions {
  /** The issuer. Its certificate's subject becomes the new certificate's issuer. */
  readonly ca: CertificateAuthority;
  readonly subject: SubjectFields | readonly SubjectAttribute[];
  /** Certify this key instead of generating one (then no private key is returned). */
  readonly publicKey?: KeyObject | string;
  /** Issue a CA (basicConstraints cA, keyCertSign) — e.g. an intermediate. */
  readonly isCa?: boolean;
  /** Default 365. */
  readonly validityDays?: number;
  /** Default: one hour ago (tolerates small clock differences). */
  readonly notBefore?: Date;
  /** e.g. `{ dns: ["localhost"], ip: ["127.0.0.1", "::1"] }` for a server certificate. */
  readonly subjectAltNames?: { readonly dns?: readonly string[]; readonly ip?: readonly string[] };
  /** Size of a generated key; default 2048. */
  readonly modulusLength?: number;
}

export interface IssuedCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface CreateTestCaOptions {
  readonly commonName?: string;
  readonly validityDays?: number;
  readonly modulusLength?: number;
}

interface ForgeAttribute {
  shortName?: string;
  name?: string;
  type?: string;
  value: string;
}

function subjectAttributes(subject: SubjectFields | readonly SubjectAttribute[]): ForgeAttribute[] {
  if (Array.isArray(subject)) {
    return (subject as readonly SubjectAttribute[]).map((attribute) => {
      const copy: ForgeAttribute = { value: attribute.value };
      if (attribute.shortName !== undefined) copy.shortName = attribute.shortName;
      if (attribute.name !== undefined) copy.name = attribute.name;
      if (attribute.type !== undefined) copy.type = attribute.type;
      return copy;
    });
  }
  const fields = subject as SubjectFields;
  const attributes: ForgeAttribute[] = [];
  const add = (shortName: string, value: string | undefined): void => {
    if (value !== undefined) attributes.push({ shortName, value });
  };
  add("C", fields.country);
  add("ST", fields.state);
  add("L", fields.locality);
  add("O", fields.organization);
  const units = fields.organizationalUnit;
  for (const unit of typeof units === "string" ? [units] : units ?? []) add("OU", unit);
  add("CN", fields.commonName);
  if (attributes.length === 0) throw new TypeError("issueCertificate: the subject has no attributes");
  return attributes;
}

async function newKeyPair(modulusLength: number): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPairAsync("rsa", { modulusLength });
  return {
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function publicKeyPem(key: KeyObject | string): string {
  const publicKey = typeof key === "string" ? createPublicKey(key) : key.type === "private" ? createPublicKey(key) : key;
  return publicKey.export({ type: "spki", format: "pem" }).toString();
}

/** A positive serial number (the top bit clear, as DER INTEGER encoding requires). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f;
  return bytes.toString("hex");
}

function buildCertificate(options: {
  subject: ForgeAttribute[];
  publicKeyPem: string;
  issuer: forge.pki.Certificate | undefined; // undefined: self-signed
  signingKeyPem: string;
  isCa: boolean;
  validityDays: number;
  notBefore: Date;
  subjectAltNames: IssueCertificateOptions["subjectAltNames"];
}): string {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(options.publicKeyPem);
  certificate.serialNumber = serialNumber();
  certificate.validity.notBefore = options.notBefore;
  certificate.validity.notAfter = new Date(options.notBefore.getTime() + options.validityDays * DAY_MS);
  certificate.setSubject(options.subject);
  certificate.setIssuer(options.issuer === undefined ? options.subject : options.issuer.subject.attributes);

  const authorityKeyId = (options.issuer ?? certificate).generateSubjectKeyIdentifier().getBytes();
  const extensions: object[] = [
    { name: "basicConstraints", cA: options.isCa, critical: true },
    options.isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: authorityKeyId },
  ];
  if (!options.isCa) extensions.push({ name: "extKeyUsage", serverAuth: true, clientAuth: true });
  const altNames = [
    ...(options.subjectAltNames?.dns ?? []).map((value) => ({ type: 2, value })),
    ...(options.subjectAltNames?.ip ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: "subjectAltName", altNames });
  certificate.setExtensions(extensions);
  certificate.sign(forge.pki.privateKeyFromPem(options.signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(certificate);
}

/** A self-signed test CA. */
export async function createTestCa(options: CreateTestCaOptions = {}): Promise<CertificateAuthority> {
  const keys = await newKeyPair(options.modulusLength ?? 2048);
  const subject = subjectAttributes({ commonName: options.commonName ?? "oci-raw emulator test CA", organization: "oci-raw tests" });
  const certificatePem = buildCertificate({
    subject,
    publicKeyPem: keys.publicKeyPem,
    issuer: undefined,
    signingKeyPem: keys.privateKeyPem,
    isCa: true,
    validityDays: options.validityDays ?? 365,
    notBefore: new Date(Date.now() - 60 * 60 * 1000),
    subjectAltNames: undefined,
  });
  return { certificatePem, privateKeyPem: keys.privateKeyPem };
}

/** Issues a certificate from `ca`; generates the key pair unless `publicKey` is given. */
export async function issueCertificate(
  options: IssueCertificateOptions & { readonly publicKey: KeyObject | string },
): Promise<{ readonly certificatePem: string }>;
export async function issueCertificate(options: IssueCertificateOptions): Promise<IssuedCertificate>;
export async function issueCertificate(
  options: IssueCertificateOptions,
): Promise<IssuedCertificate | { readonly certificatePem: string }> {
  const generated = options.publicKey === undefined ? await newKeyPair(options.modulusLength ?? 2048) : undefined;
  const certificatePem = buildCertificate({
    subject: subjectAttributes(options.subject),
    publicKeyPem: generated?.publicKeyPem ?? publicKeyPem(options.publicKey as KeyObject | string),
    issuer: forge.pki.certificateFromPem(options.ca.certificatePem),
    signingKeyPem: options.ca.privateKeyPem,
    isCa: options.isCa ?? false,
    validityDays: options.validityDays ?? 365,
    notBefore: options.notBefore ?? new Date(Date.now() - 60 * 60 * 1000),
    subjectAltNames: options.subjectAltNames,
  });
  return generated === undefined ? { certificatePem } : { certificatePem, privateKeyPem: generated.privateKeyPem };
}
