import assert from "node:assert/strict";
import { test } from "node:test";
import { startEmulator } from "oci-raw/emulator";
import worker from "./worker.js";

test("the Worker lists the tenancy's users, signed with Web Crypto", async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.stop());
  const key = await emulator.createApiKey();
  const env = {
    OCI_TENANCY: key.tenancy,
    OCI_USER: key.user,
    OCI_FINGERPRINT: key.fingerprint,
    OCI_PRIVATE_KEY: key.privateKeyPem,
    OCI_ENDPOINT: emulator.url,
  };
  const response = await worker.fetch(new Request("http://127.0.0.1/") /* the request the Worker got */, env);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), []);
});
