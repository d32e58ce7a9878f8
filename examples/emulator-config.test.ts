import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createClient, loadConfig, signerFromConfig } from "oci-raw";
import { startEmulator } from "oci-raw/emulator";
import { listUsers } from "./oci/identity/index.js";

test("code that loads a config file runs against the emulator's", async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.stop());
  const dir = await mkdtemp(join(tmpdir(), "emu-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = loadConfig({ file: await emulator.writeConfigFile(dir) });
  const signer = signerFromConfig(config);

  // config.region is "oci-raw-emulator": no endpoint is built from it. Pass the emulator's URL.
  const client = createClient({ signer, endpoint: emulator.url });
  const { status } = await listUsers(client, { compartmentId: config.tenancy ?? "" });
  assert.equal(status, 200);
  assert.equal(emulator.requests.at(-1)?.verification?.ok, true);

  // Without it, the call fails (EMULATOR_REGION) before anything is signed or sent; and the
  // config's credentials sign only for loopback, so a URL naming an Oracle host fails alike.
  const byRegion = createClient({ signer, region: config.region });
  await assert.rejects(listUsers(byRegion, { compartmentId: config.tenancy ?? "" }), { code: "EMULATOR_REGION" });
  assert.equal(emulator.requests.length, 1);
});
