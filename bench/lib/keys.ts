/** Keys for the benchmarks: a freshly generated RSA-2048 key and OCI's published 1024-bit test key. */
import { generateKeyPairSync } from "node:crypto";
import { TEST_PRIVATE_KEY_PEM } from "../../test/vectors/oci-request-signatures.js";

export interface BenchKey {
  label: string;
  pem: string;
  /** A key whose throughput goals are retired (the 1024-bit test key; DECISIONS.md 14). */
  retired?: boolean;
}

export function generatedKey(bits = 2048): BenchKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: bits });
  return { label: `${bits}-bit`, pem: privateKey.export({ type: "pkcs1", format: "pem" }).toString() };
}

export function publishedTestKey(): BenchKey {
  return { label: "1024-bit test key", pem: TEST_PRIVATE_KEY_PEM, retired: true };
}

/** A JSON body of exactly `bytes` bytes. */
export function jsonBody(bytes: number): string {
  const head = '{"description":"';
  const tail = '"}';
  return head + "x".repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}
