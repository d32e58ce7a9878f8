/**
 * UrlBasedCertificateRetriever fetches the certificate and its key in two requests; a leaf
 * rotation between them must not leave a certificate paired with another certificate's key:
 * the pair is refused, and the next refresh fetches both again.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AuthError, noRetry } from "oci-raw";
import { UrlBasedCertificateRetriever } from "oci-raw/auth";
import { createTestCa, issueCertificate, startEmulator, type Emulator } from "oci-raw/emulator";

let emulator: Emulator;
let old: { certificatePem: string; privateKeyPem: string };
let rotated: { certificatePem: string; privateKeyPem: string };

before(async () => {
  emulator = await startEmulator();
  const ca = await createTestCa();
  old = await issueCertificate({ ca, subject: { commonName: "old leaf", organizationalUnit: "opc-tenant:ocid1.tenancy.oc1..t" } });
  rotated = await issueCertificate({ ca, subject: { commonName: "new leaf", organizationalUnit: "opc-tenant:ocid1.tenancy.oc1..t" } });
});
after(() => emulator.stop());

/** Serve a certificate and a key that change per request, as IMDS does mid-rotation. */
function serve(prefix: string, certificates: string[], keys: string[]): { certificateUrl: string; privateKeyUrl: string } {
  emulator.route("GET", `/${prefix}/cert.pem`, () => ({ status: 200, body: certificates.shift() ?? "" }), { verify: false });
  emulator.route("GET", `/${prefix}/key.pem`, () => ({ status: 200, body: keys.shift() ?? "" }), { verify: false });
  return { certificateUrl: `${emulator.url}/${prefix}/cert.pem`, privateKeyUrl: `${emulator.url}/${prefix}/key.pem` };
}

test("a certificate and key from different leaves are refused, and the next refresh fetches both again", async () => {
  const urls = serve("rotating", [rotated.certificatePem, rotated.certificatePem], [old.privateKeyPem, rotated.privateKeyPem]);
  const retriever = new UrlBasedCertificateRetriever({ ...urls, retry: noRetry });
  await assert.rejects(retriever.refresh(), (error: unknown) => error instanceof AuthError && error.code === "CERTIFICATE_KEY_MISMATCH");
  assert.equal(retriever.loaded, false);
  await retriever.refresh();
  assert.equal(retriever.certificate(), rotated.certificatePem);
  assert.ok(retriever.x509().checkPrivateKey(retriever.privateKey()!));
});

test("a pair that never matches is an AuthError, and nothing is held", async () => {
  const urls = serve("mismatched", [old.certificatePem, old.certificatePem], [rotated.privateKeyPem, rotated.privateKeyPem]);
  const retriever = new UrlBasedCertificateRetriever({ ...urls, retry: noRetry });
  await assert.rejects(retriever.refresh(), (error: unknown) => {
    assert.ok(error instanceof AuthError);
    assert.equal(error.code, "CERTIFICATE_KEY_MISMATCH");
    assert.ok(!error.message.includes("PRIVATE KEY"));
    return true;
  });
  assert.equal(retriever.loaded, false);
});
