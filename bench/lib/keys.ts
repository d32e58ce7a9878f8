/**
 * Keys and identities for the benchmarks, made here: bench/ uses only oci-raw's public entry
 * points and its own files (test/bench-imports.test.ts), so it takes nothing from test/ —
 * OCI's published 1024-bit test key included. The loopback servers verify nothing, so the
 * OCIDs only need OCI's shape (and a real OCID's length, which sets the signing string's).
 */
import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";

export interface BenchKey {
  label: string;
  pem: string;
  /** OCI's API-key fingerprint: MD5 of the public key's DER, colon-separated hex. */
  fingerprint: string;
  /** A key size whose throughput goals are retired (1024 bits; DECISIONS.md 14): reported, not judged. */
  retired?: boolean;
}

export const TENANCY = "ocid1.tenancy.oc1..aaaaaaaabenchmarktenancyxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
export const USER = "ocid1.user.oc1..aaaaaaaabenchmarkuserxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

export function fingerprintOf(pem: string): string {
  const der = createPublicKey(pem).export({ type: "spki", format: "der" });
  return createHash("md5").update(der).digest("hex").match(/../g)!.join(":");
}

/** A fresh RSA key; 1024 bits stands in for OCI's published test key (same size, goals retired). */
export function generatedKey(bits = 2048): BenchKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return { label: `${bits}-bit`, pem, fingerprint: fingerprintOf(pem), ...(bits < 2048 ? { retired: true } : {}) };
}

/** The `{ tenancy, user, fingerprint }` an ApiKeySigner or oci-common provider takes for `key`. */
export function identityOf(key: BenchKey): { tenancy: string; user: string; fingerprint: string } {
  return { tenancy: TENANCY, user: USER, fingerprint: key.fingerprint };
}

/** A JSON body of exactly `bytes` bytes. */
export function jsonBody(bytes: number): string {
  const head = '{"description":"';
  const tail = '"}';
  return head + "x".repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}
