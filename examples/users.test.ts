import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiKeySigner, createClient } from "oci-raw";
import { startEmulator } from "oci-raw/emulator";
import { createUser, isUser, listUsers } from "./oci/identity/index.js";

test("creates a user and finds it in the list", async (t) => {
  const emulator = await startEmulator(); // loopback, a free port
  t.after(() => emulator.stop());
  const key = await emulator.createApiKey();
  const signer = new ApiKeySigner({
    tenancy: key.tenancy,
    user: key.user,
    fingerprint: key.fingerprint,
    privateKeyContent: key.privateKeyPem,
  });
  const client = createClient({ signer, endpoint: emulator.url, validation: "strict" });

  await createUser(client, { body: { compartmentId: key.tenancy, name: "ada", description: "test" } });
  const { data } = await listUsers(client, { compartmentId: key.tenancy });
  assert.deepEqual(
    data.map((user) => user.name),
    ["ada"],
  );

  // The generated validators are type guards, for JSON that reaches you some other way.
  const stored: unknown = JSON.parse(JSON.stringify(data[0]));
  assert.ok(isUser(stored));
  assert.equal(stored.name, "ada"); // `stored` is a User here
  assert.equal(isUser({ ...stored, name: 42 }), false);
});
