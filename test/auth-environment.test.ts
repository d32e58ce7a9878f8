/**
 * authFromEnvironment's precedence (--auth > OCI_CLI_AUTH > config profile), session-token
 * profiles (no user/fingerprint) and their token file being rewritten by `oci session refresh`.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { appendFile, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AuthError, ConfigError } from "../runtime/errors.js";
import { signedFetch } from "../runtime/request.js";
import { ApiKeySigner, type RequestSigner } from "../runtime/signers.js";
import { keyIdOfAuthorization } from "../runtime/signing.js";
import {
  InstancePrincipalsSigner,
  ResourcePrincipalsSigner,
  SessionTokenSigner,
  sessionTokenSigner,
  authFromEnvironment,
  chooseAuthMode,
} from "../runtime/auth/index.js";
import { startEmulator, type Emulator } from "../emulator/index.js";
import { mountInstancePrincipals, type MountedImds } from "../emulator/imds.js";
import type { MountedFederation } from "../emulator/federation.js";
import { makeJwt } from "../emulator/session-tokens.js";
import { watchProcess } from "./support/hygiene.js";

const hygiene = watchProcess();

let emulator: Emulator;
let imds: MountedImds;
let federation: MountedFederation;
let dir: string;
let apiKeyConfig: string;
let sessionConfig: string;
let tokenFile: string;
const sessionKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwtKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

/** A session token (JWT) registered with the emulator for the session key. */
function sessionToken(lifetimeSeconds = 3600): string {
  const exp = Math.floor(Date.now() / 1000) + lifetimeSeconds;
  const token = makeJwt({ sub: "ocid1.user.oc1..session", exp, jti: Math.random().toString(36) }, jwtKey);
  emulator.registerSecurityToken(token, sessionKey.publicKey, { expiresAt: new Date(exp * 1000) });
  return token;
}

before(async () => {
  emulator = await startEmulator();
  ({ imds, federation } = await mountInstancePrincipals(emulator));
  dir = await mkdtemp(join(tmpdir(), "oci-raw-auth-env-"));
  apiKeyConfig = await emulator.writeConfigFile(join(dir, "api"));
  tokenFile = join(dir, "token");
  await writeFile(tokenFile, sessionToken());
  const keyFile = join(dir, "session_key.pem");
  await writeFile(keyFile, sessionKey.privateKey.export({ type: "pkcs8", format: "pem" }));
  sessionConfig = join(dir, "session-config");
  await writeFile(
    sessionConfig,
    ["[DEFAULT]", "region=us-ashburn-1", "tenancy=ocid1.tenancy.oc1..session", `key_file=${keyFile}`, `security_token_file=${tokenFile}`, ""].join("\n"),
  );
  // A second profile in the API-key file that is a session profile.
  await appendFile(apiKeyConfig, ["", "[SESSION]", `key_file=${keyFile}`, `security_token_file=${tokenFile}`, ""].join("\n"));
});

after(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  await hygiene.assertClean();
});

async function status(signer: RequestSigner): Promise<number> {
  const response = await signedFetch(`${emulator.url}/n/`, { signer });
  await response.arrayBuffer();
  return response.status;
}

const ipOptions = () => ({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url });

describe("authFromEnvironment precedence", () => {
  const cases: Array<{
    name: string;
    auth?: string;
    env?: Record<string, string>;
    config: () => string;
    profile?: string;
    // A class (InstancePrincipalsSigner's constructor is private, hence not a `new` type).
    expect: Function & { prototype: RequestSigner };
  }> = [
    { name: "API-key profile, nothing set → API key", config: () => apiKeyConfig, expect: ApiKeySigner },
    { name: "session profile, nothing set → session token", config: () => sessionConfig, expect: SessionTokenSigner },
    { name: "session profile chosen by OCI_CLI_PROFILE → session token", config: () => apiKeyConfig, env: { OCI_CLI_PROFILE: "SESSION" }, expect: SessionTokenSigner },
    { name: "OCI_CLI_AUTH=instance_principal beats the profile", config: () => apiKeyConfig, env: { OCI_CLI_AUTH: "instance_principal" }, expect: InstancePrincipalsSigner },
    { name: "--auth api_key beats OCI_CLI_AUTH=instance_principal", auth: "api_key", config: () => apiKeyConfig, env: { OCI_CLI_AUTH: "instance_principal" }, expect: ApiKeySigner },
    { name: "--auth security_token on a session profile", auth: "security_token", config: () => sessionConfig, expect: SessionTokenSigner },
    { name: "--auth instance_principal beats OCI_CLI_AUTH=api_key", auth: "instance_principal", config: () => apiKeyConfig, env: { OCI_CLI_AUTH: "api_key" }, expect: InstancePrincipalsSigner },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const signer = await authFromEnvironment({ auth: c.auth, configFile: c.config(), env: { ...c.env }, ...ipOptions() });
      assert.ok(signer instanceof c.expect, `expected ${c.expect.name}, got ${signer.constructor.name}`);
      assert.equal(await status(signer), 200);
    });
  }

  test("OCI_CLI_AUTH=resource_principal", async () => {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = makeJwt({ res_tenant: "ocid1.tenancy.oc1..rp", exp }, jwtKey);
    emulator.registerSecurityToken(token, sessionKey.publicKey, { expiresAt: new Date(exp * 1000) });
    const signer = await authFromEnvironment({
      env: {
        OCI_CLI_AUTH: "resource_principal",
        OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
        OCI_RESOURCE_PRINCIPAL_RPST: token,
        OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: sessionKey.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      },
    });
    assert.ok(signer instanceof ResourcePrincipalsSigner);
    assert.equal(await status(signer), 200);
  });

  test("--auth api_key on a session profile: a ConfigError saying to use security_token", async () => {
    await assert.rejects(authFromEnvironment({ auth: "api_key", configFile: sessionConfig, env: {} }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /security_token/);
      return true;
    });
  });

  test("--auth security_token on an API-key profile: a ConfigError naming security_token_file", async () => {
    await assert.rejects(authFromEnvironment({ auth: "security_token", configFile: apiKeyConfig, env: {} }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /security_token_file/);
      return true;
    });
  });

  test("oke_workload_identity outside a pod: an AuthError saying KUBERNETES_SERVICE_HOST is not set", async () => {
    for (const options of [{ auth: "oke_workload_identity", env: {} }, { env: { OCI_CLI_AUTH: "oke_workload_identity" } }]) {
      await assert.rejects(authFromEnvironment(options), (err: unknown) => {
        assert.ok(err instanceof AuthError);
        assert.equal(err.code, "OKE_NOT_IN_CLUSTER");
        assert.match(err.message, /KUBERNETES_SERVICE_HOST is not set/);
        return true;
      });
    }
  });

  test("an unknown value suggests the closest one and says where it came from", async () => {
    await assert.rejects(authFromEnvironment({ auth: "instance_principals", env: {} }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "AUTH_MODE_UNKNOWN");
      assert.match(err.message, /^--auth "instance_principals"/);
      assert.match(err.message, /Did you mean instance_principal\?/);
      return true;
    });
    assert.throws(() => chooseAuthMode({ env: { OCI_CLI_AUTH: "apikey" } }), /OCI_CLI_AUTH "apikey".*Did you mean api_key\?/);
    assert.equal(chooseAuthMode({ env: {} }), "config");
    assert.equal(chooseAuthMode({ auth: "resource_principal", env: { OCI_CLI_AUTH: "api_key" } }), "resource_principal");
  });
});

describe("session token profiles", () => {
  test("a rewritten token file (oci session refresh) is picked up without a new signer", async () => {
    const signer = await authFromEnvironment({ configFile: sessionConfig, env: {} });
    assert.equal(await status(signer), 200);
    const old = emulator.requests.at(-1)!.verification;
    assert.ok(old?.ok);

    const fresh = sessionToken();
    await writeFile(tokenFile, fresh);
    emulator.revokeSecurityToken(old.keyId.slice(3));
    assert.equal(await status(signer), 200);
    const used = emulator.requests.at(-1)!.verification;
    assert.ok(used?.ok);
    assert.equal(used.keyId, `ST$${fresh}`);
  });

  test("the token file is looked at no more than once per checkIntervalMs; a rewrite shows after it", async () => {
    const tokenDir = await mkdtemp(join(dir, "interval-"));
    const file = join(tokenDir, "token");
    const first = sessionToken();
    await writeFile(file, first);
    // A clock the test moves, instead of waiting out the interval.
    let clock = 1_000_000;
    const signer = await sessionTokenSigner({ securityTokenFile: file, keyFile: join(dir, "session_key.pem"), checkIntervalMs: 1000, now: () => clock });
    const keyIdOf = async (): Promise<string | undefined> =>
      keyIdOfAuthorization((await signer.sign({ method: "GET", url: `${emulator.url}/n/` }))["authorization"]);
    assert.equal(await keyIdOf(), `ST$${first}`);
    const second = sessionToken();
    assert.notEqual(second, first);
    await writeFile(file, second);
    // A rewrite within the file system's timestamp granularity: make the mtime say so.
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    clock += 999;
    assert.equal(await keyIdOf(), `ST$${first}`, "within the interval the file is not looked at");
    clock += 1;
    assert.equal(await keyIdOf(), `ST$${second}`, "after it, the rewrite is picked up");
  });

  test("a token file rewritten in place (truncated, written later): requests go on with the held token, then the new one", async () => {
    const tokenDir = await mkdtemp(join(dir, "in-place-"));
    const file = join(tokenDir, "token");
    const first = sessionToken();
    await writeFile(file, first);
    let clock = 1_000_000;
    const signer = await sessionTokenSigner({ securityTokenFile: file, keyFile: join(dir, "session_key.pem"), checkIntervalMs: 1000, now: () => clock });
    const burst = async (): Promise<number[]> =>
      Promise.all(
        Array.from({ length: 200 }, async () => {
          const response = await signedFetch(`${emulator.url}/n/`, { signer });
          await response.arrayBuffer();
          return response.status;
        }),
      );
    const keyIdOf = async (): Promise<string | undefined> =>
      keyIdOfAuthorization((await signer.sign({ method: "GET", url: `${emulator.url}/n/` }))["authorization"]);

    // The writer has truncated the file and not yet written the new token.
    await writeFile(file, "");
    clock += 1000;
    assert.deepEqual(new Set(await burst()), new Set([200]), "every request in flight succeeds with the held token");
    assert.equal(await keyIdOf(), `ST$${first}`);
    // Half a token (a write cut short) is no better than none.
    await writeFile(file, first.slice(0, 40));
    clock += 1000;
    assert.deepEqual(new Set(await burst()), new Set([200]));

    const second = sessionToken();
    await writeFile(file, second);
    clock += 999;
    assert.equal(await keyIdOf(), `ST$${first}`, "the file is looked at again only after the interval");
    clock += 1;
    assert.equal(await keyIdOf(), `ST$${second}`, "then the new token is read");
    assert.deepEqual(new Set(await burst()), new Set([200]));
  });

  test("a token file left empty: the held token is used until it expires, then the error says why", async () => {
    const tokenDir = await mkdtemp(join(dir, "emptied-"));
    const file = join(tokenDir, "token");
    await writeFile(file, sessionToken(3600));
    let clock = Date.now();
    const signer = await sessionTokenSigner({ securityTokenFile: file, keyFile: join(dir, "session_key.pem"), now: () => clock });
    await writeFile(file, "");
    clock += 1000;
    assert.ok(await signer.sign({ method: "GET", url: `${emulator.url}/n/` }));
    clock += 3600_000;
    await assert.rejects(signer.sign({ method: "GET", url: `${emulator.url}/n/` }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "SESSION_TOKEN_UNREADABLE");
      assert.match(err.message, /is empty/);
      return true;
    });
  });

  test("an expired session token: an AuthError telling to run oci session refresh", async () => {
    const expiredDir = await mkdtemp(join(dir, "expired-"));
    const file = join(expiredDir, "token");
    await writeFile(file, sessionToken(-60));
    await assert.rejects(sessionTokenSigner({ securityTokenFile: file, keyFile: join(dir, "session_key.pem"), profile: "DEFAULT" }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "SESSION_TOKEN_EXPIRED");
      assert.match(err.message, /oci session refresh --profile DEFAULT/);
      return true;
    });
  });

  test("a missing token file: an AuthError naming it", async () => {
    await assert.rejects(sessionTokenSigner({ securityTokenFile: join(dir, "nope"), keyFile: join(dir, "session_key.pem") }), (err: unknown) => err instanceof AuthError && err.message.includes(join(dir, "nope")) && /does not exist/.test(err.message));
  });
});
