/**
 * Resource principals 1.1, 2.2 and 3.0 end to end against the emulator, with literal values
 * and file paths, token file rewrites, and the not-configured error. Loopback only.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AuthError } from "../runtime/errors.js";
import { signedFetch } from "../runtime/request.js";
import { resourcePrincipalsSigner, type ResourcePrincipalsSigner } from "../runtime/auth/index.js";
import { ResourcePrincipalsNotConfiguredError } from "../runtime/errors.js";
import { startEmulator, type Emulator } from "../emulator/index.js";
import { mountInstancePrincipals, type MountedImds } from "../emulator/imds.js";
import type { MountedFederation } from "../emulator/federation.js";
import { mountResourcePrincipals, type MountedResourcePrincipals } from "../emulator/resource-principals.js";
import { watchProcess } from "./support/hygiene.js";

const hygiene = watchProcess();

let emulator: Emulator;
let imds: MountedImds;
let federation: MountedFederation;
let rp: MountedResourcePrincipals;
let dir: string;

before(async () => {
  emulator = await startEmulator();
  ({ imds, federation } = await mountInstancePrincipals(emulator));
  rp = mountResourcePrincipals(emulator);
  dir = await mkdtemp(join(tmpdir(), "oci-raw-rp-"));
});

after(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  await hygiene.assertClean();
});

async function status(signer: ResourcePrincipalsSigner): Promise<number> {
  const response = await signedFetch(`${emulator.url}/n/`, { signer });
  await response.arrayBuffer();
  return response.status;
}

function lastKeyId(): string | undefined {
  const v = emulator.requests.at(-1)?.verification;
  return v?.ok ? v.keyId : undefined;
}

describe("resource principals 2.2", () => {
  test("literal token and PEM", async () => {
    const { token, privateKeyPem } = await rp.issueSessionToken();
    const signer = await resourcePrincipalsSigner({
      env: {
        OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
        OCI_RESOURCE_PRINCIPAL_RPST: token,
        OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: privateKeyPem,
        OCI_RESOURCE_PRINCIPAL_REGION: "phx",
      },
    });
    assert.equal(signer.version, "2.2");
    assert.equal(signer.region, "us-phoenix-1");
    assert.equal(await signer.tenancyId(), rp.tenancyId);
    assert.equal(await status(signer), 200);
    assert.equal(lastKeyId(), `ST$${token}`);
  });

  test("absolute file paths (encrypted key with a pass phrase file); a rewritten token file is picked up", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const first = await rp.issueSessionToken({ privateKey });
    const tokenFile = join(dir, "rpst");
    const keyFile = join(dir, "key.pem");
    const passFile = join(dir, "pass");
    await writeFile(tokenFile, first.token);
    await writeFile(keyFile, privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" }));
    await writeFile(passFile, "s3cret\n");
    const signer = await resourcePrincipalsSigner({
      env: {
        OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
        OCI_RESOURCE_PRINCIPAL_RPST: tokenFile,
        OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: keyFile,
        OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE: passFile,
      },
    });
    assert.equal(await status(signer), 200);
    assert.equal(lastKeyId(), `ST$${first.token}`);

    const second = await rp.issueSessionToken({ privateKey });
    await writeFile(tokenFile, second.token);
    emulator.revokeSecurityToken(first.token);
    assert.equal(await status(signer), 200);
    assert.equal(lastKeyId(), `ST$${second.token}`);
  });

  test("a pass phrase that starts with / is never echoed: with a literal key it is the pass phrase itself (the Python SDK's rule), with a key file a missing pass phrase file is named by its variable only (issue 18, item 13)", async () => {
    const { inspect } = await import("node:util");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const PASS = "/Slash-Led-Pass-Phrase-7f3a9c";
    const encrypted = privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASS }).toString();
    const { token } = await rp.issueSessionToken({ privateKey });
    // Literal key: the pass phrase variable is the pass phrase, even when it starts with "/".
    const signer = await resourcePrincipalsSigner({
      env: {
        OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
        OCI_RESOURCE_PRINCIPAL_RPST: token,
        OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: encrypted,
        OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE: PASS,
      },
    });
    assert.equal(await status(signer), 200);

    // Key file: the pass phrase variable names a file; when there is none, the error names the variable, never its value.
    const keyFile = join(dir, "slash-key.pem");
    await writeFile(keyFile, encrypted);
    await assert.rejects(
      resourcePrincipalsSigner({
        env: {
          OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
          OCI_RESOURCE_PRINCIPAL_RPST: token,
          OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: keyFile,
          OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE: PASS,
        },
      }),
      (err: unknown) => {
        assert.ok(err instanceof AuthError, String(err));
        assert.equal(err.code, "RESOURCE_PRINCIPALS_FILE_UNREADABLE");
        assert.match(err.message, /OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE/);
        const told = [err.message, err.stack ?? "", inspect(err, { depth: 8 }), JSON.stringify(err)].join("\n");
        assert.ok(!told.includes(PASS.slice(1)), `the pass phrase is in the error: ${told}`);
        return true;
      },
    );
  });

  test("a relative value is the value itself, not a path", async () => {
    await assert.rejects(
      resourcePrincipalsSigner({
        env: {
          OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
          OCI_RESOURCE_PRINCIPAL_RPST: "tokens/rpst",
          OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: "keys/key.pem",
        },
      }),
      (err: unknown) => err instanceof AuthError && err.code === "TOKEN_NOT_JWT" && !err.message.includes("ENOENT"),
    );
  });

  test("an expired literal token: a clear AuthError", async () => {
    const { token, privateKeyPem } = await rp.issueSessionToken({ lifetimeSeconds: -10 });
    await assert.rejects(
      resourcePrincipalsSigner({
        env: { OCI_RESOURCE_PRINCIPAL_VERSION: "2.2", OCI_RESOURCE_PRINCIPAL_RPST: token, OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: privateKeyPem },
      }),
      (err: unknown) => err instanceof AuthError && err.code === "RESOURCE_PRINCIPALS_TOKEN_EXPIRED" && !err.message.includes(token),
    );
  });
});

describe("not configured", () => {
  test("no OCI_RESOURCE_PRINCIPAL_VERSION", async () => {
    await assert.rejects(resourcePrincipalsSigner({ env: {} }), (err: unknown) => {
      assert.ok(err instanceof ResourcePrincipalsNotConfiguredError);
      assert.ok(err instanceof AuthError);
      assert.deepEqual(err.missing, ["OCI_RESOURCE_PRINCIPAL_VERSION"]);
      assert.match(err.message, /not configured for resource principals/);
      return true;
    });
  });

  test("2.2 without token and key names both variables", async () => {
    await assert.rejects(resourcePrincipalsSigner({ env: { OCI_RESOURCE_PRINCIPAL_VERSION: "2.2" } }), (err: unknown) => {
      assert.ok(err instanceof ResourcePrincipalsNotConfiguredError);
      assert.deepEqual(err.missing, ["OCI_RESOURCE_PRINCIPAL_RPST", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"]);
      return true;
    });
  });

  test("3.0 without the parent variables", async () => {
    await assert.rejects(
      resourcePrincipalsSigner({ env: { OCI_RESOURCE_PRINCIPAL_VERSION: "3.0", OCI_RESOURCE_PRINCIPAL_VERSION_FOR_LEAF_RESOURCE: "2.2" } }),
      (err: unknown) =>
        err instanceof ResourcePrincipalsNotConfiguredError &&
        err.missing.includes("OCI_RESOURCE_PRINCIPAL_RPT_URL_FOR_PARENT_RESOURCE") &&
        err.missing.includes("OCI_RESOURCE_PRINCIPAL_RPST_ENDPOINT_FOR_PARENT_RESOURCE"),
    );
  });

  test("an unknown version", async () => {
    await assert.rejects(
      resourcePrincipalsSigner({ env: { OCI_RESOURCE_PRINCIPAL_VERSION: "9.9" } }),
      (err: unknown) => err instanceof AuthError && /1\.1, 2\.2, 3\.0/.test(err.message),
    );
  });
});

describe("resource principals 1.1", () => {
  test("instance principals fetch the RPT, traded for a session token bound to a fresh session key", async () => {
    const before = { rpt: rp.counts.rpt, rpst: rp.counts.rpst, federation: federation.tokenRequests };
    const signer = await resourcePrincipalsSigner({
      env: {
        OCI_RESOURCE_PRINCIPAL_VERSION: "1.1",
        OCI_RESOURCE_PRINCIPAL_RPT_ENDPOINT: rp.endpoint,
        OCI_RESOURCE_PRINCIPAL_RPST_ENDPOINT: rp.endpoint,
      },
      metadataBaseUrl: imds.baseUrl,
      federationEndpoint: federation.url,
    });
    assert.equal(signer.region, "us-ashburn-1");
    assert.equal(rp.counts.rpt - before.rpt, 1);
    assert.equal(rp.counts.rpst - before.rpst, 1);
    assert.equal(federation.tokenRequests - before.federation, 1);
    assert.ok(rp.rpstSigners.at(-1)!.startsWith("ST$"), "the exchange is signed with the instance's token");
    assert.equal(await status(signer), 200);
    assert.equal(await signer.tenancyId(), rp.tenancyId);

    await signer.refresh();
    assert.equal(rp.counts.rpst - before.rpst, 2);
    assert.equal(await status(signer), 200);
  });
});

describe("resource principals 3.0", () => {
  test("a 2.2 leaf obtains its parents' tokens (two levels via opc-parent-rpt-url)", async () => {
    rp.parentLevels = 1;
    try {
      const leaf = await rp.issueSessionToken();
      const before = { ...rp.counts.parentRpt };
      const signer = await resourcePrincipalsSigner({
        env: {
          OCI_RESOURCE_PRINCIPAL_VERSION: "3.0",
          OCI_RESOURCE_PRINCIPAL_VERSION_FOR_LEAF_RESOURCE: "2.2",
          OCI_RESOURCE_PRINCIPAL_RPST_FOR_LEAF_RESOURCE: leaf.token,
          OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_FOR_LEAF_RESOURCE: leaf.privateKeyPem,
          OCI_RESOURCE_PRINCIPAL_REGION_FOR_LEAF_RESOURCE: "us-ashburn-1",
          OCI_RESOURCE_PRINCIPAL_RPT_URL_FOR_PARENT_RESOURCE: rp.parentRptUrl,
          OCI_RESOURCE_PRINCIPAL_RPST_ENDPOINT_FOR_PARENT_RESOURCE: rp.endpoint,
        },
      });
      assert.equal(signer.version, "3.0");
      assert.equal(signer.region, "us-ashburn-1");
      assert.equal((rp.counts.parentRpt["1"] ?? 0) - (before["1"] ?? 0), 1);
      assert.equal((rp.counts.parentRpt["2"] ?? 0) - (before["2"] ?? 0), 1);
      assert.equal(await status(signer), 200);
      const used = lastKeyId()!;
      assert.ok(used.startsWith("ST$") && used !== `ST$${leaf.token}`, "signs with the top parent's token");
    } finally {
      rp.parentLevels = 0;
    }
  });
});
