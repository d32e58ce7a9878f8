/**
 * Delegation tokens (instance OBO, `instance_obo_user`): the instance principals signer and the
 * resource principals signer carrying a delegation token in `opc-obo-token`, signed with the
 * generic headers as the Python SDK's delegation token signers sign it; the emulator accepting a
 * known token only when signed; the OCI CLI's way of finding the token file and its errors;
 * the CLI end to end with --debug never printing the token; and 1 000 concurrent requests across
 * a token expiry, configured from OCI_CLI_* variables alone, costing one token exchange.
 * Loopback only.
 */
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import { Agent, fetch as undiciFetch } from "undici";
import { AuthError, ConfigError } from "../runtime/errors.js";
import { signedFetch } from "../runtime/request.js";
import { noRetry } from "../runtime/retry.js";
import { authFromEnvironment, InstancePrincipalsSigner, instancePrincipalsSigner, resourcePrincipalsSigner } from "../runtime/auth/index.js";
import type { RequestSigner } from "../runtime/signers.js";
import { startEmulator, type Emulator } from "../emulator/index.js";
import { mountInstancePrincipals, type MountedImds } from "../emulator/imds.js";
import type { MountedFederation } from "../emulator/federation.js";
import { mountResourcePrincipals, type MountedResourcePrincipals } from "../emulator/resource-principals.js";
import { runCli } from "./support/cli-run.js";
import { watchProcess } from "./support/hygiene.js";

const hygiene = watchProcess();

/** Secret-looking, unique, so a leak anywhere is found by a plain substring search. */
const TOKEN = "obo-Delegation-Token-7Kq2Xw9Zp4";
const OBO_USER = "ocid1.user.oc1..delegateduser";

let emulator: Emulator;
let imds: MountedImds;
let federation: MountedFederation;
let rp: MountedResourcePrincipals;
let dir: string;
let tokenFile: string;

before(async () => {
  emulator = await startEmulator();
  ({ imds, federation } = await mountInstancePrincipals(emulator));
  rp = mountResourcePrincipals(emulator);
  emulator.registerDelegationToken(TOKEN, { subject: OBO_USER });
  dir = await mkdtemp(join(tmpdir(), "oci-raw-obo-"));
  tokenFile = join(dir, "delegation_token");
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
});

after(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  await hygiene.assertClean();
});

/** The environment of an instance whose IMDS and federation endpoint are the emulator's, as the CLI reads it. */
function instanceEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { OCI_METADATA_BASE_URL: imds.baseUrl, OCI_CLI_FEDERATION_ENDPOINT: federation.url, ...extra };
}

async function send(signer: RequestSigner, init: { method?: string; body?: string } = {}): Promise<{ status: number; text: string }> {
  const response = await signedFetch(`${emulator.url}/n/`, { signer, method: init.method ?? "GET", body: init.body });
  return { status: response.status, text: await response.text() };
}

/** The signed header names of the last request the emulator received. */
function lastSignedNames(): string[] {
  const authorization = String(emulator.requests.at(-1)?.headers["authorization"] ?? "");
  return /headers="([^"]*)"/.exec(authorization)?.[1]?.split(" ") ?? [];
}

function lastVerification() {
  return emulator.requests.at(-1)?.verification;
}

describe("delegation token signers (from code)", () => {
  test("instance principals + delegationToken: opc-obo-token sent and signed with the generic headers, the emulator sees the delegated user", async () => {
    const signer = await instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {}, delegationToken: TOKEN });
    assert.equal(signer.delegated, true);
    const got = await send(signer);
    assert.equal(got.status, 200, got.text);
    assert.equal(emulator.requests.at(-1)?.headers["opc-obo-token"], TOKEN);
    // The Python SDK's InstancePrincipalsDelegationTokenSigner: generic_headers = date (request-target) host opc-obo-token.
    assert.deepEqual(lastSignedNames(), ["date", "(request-target)", "host", "opc-obo-token"]);
    const verification = lastVerification();
    assert.ok(verification?.ok);
    assert.equal(verification.principal.onBehalfOf, OBO_USER);
    assert.equal(verification.principal.kind, "security-token");

    // POST: the body headers follow, the token stays signed.
    const posted = await signedFetch(`${emulator.url}/n/x/b/`, { signer, method: "POST", body: JSON.stringify({ name: "obo-bucket", compartmentId: "ocid1.compartment.oc1..x" }) });
    await posted.arrayBuffer();
    assert.notEqual(posted.status, 401);
    assert.deepEqual(lastSignedNames(), ["date", "(request-target)", "host", "opc-obo-token", "content-length", "content-type", "x-content-sha256"]);
  });

  test("a caller's own opc-obo-token header is replaced by the signer's, as the Python SDK does", async () => {
    const signer = await instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {}, delegationToken: TOKEN });
    const response = await signedFetch(`${emulator.url}/n/`, { signer, headers: { "OPC-OBO-TOKEN": "someone-else" } });
    assert.equal(response.status, 200, await response.text());
    assert.equal(emulator.requests.at(-1)?.headers["opc-obo-token"], TOKEN);
  });

  test("resource principals + delegationToken (get_resource_principal_delegation_token_signer)", async () => {
    const { token, privateKeyPem } = await rp.issueSessionToken();
    const signer = await resourcePrincipalsSigner({
      env: { OCI_RESOURCE_PRINCIPAL_VERSION: "2.2", OCI_RESOURCE_PRINCIPAL_RPST: token, OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: privateKeyPem, OCI_RESOURCE_PRINCIPAL_REGION: "phx" },
      delegationToken: TOKEN,
    });
    const got = await send(signer);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(lastSignedNames(), ["date", "(request-target)", "host", "opc-obo-token"]);
    const verification = lastVerification();
    assert.ok(verification?.ok);
    assert.equal(verification.principal.onBehalfOf, OBO_USER);
  });

  test("the emulator: an unsigned or unknown delegation token is 401 NotAuthenticated, and the reason never quotes it", async () => {
    // Unsigned: a plain instance principal signer, the header added by the caller (not in headers=).
    const plain = await instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {} });
    const unsigned = await signedFetch(`${emulator.url}/n/`, { signer: plain, headers: { "opc-obo-token": TOKEN } });
    const unsignedBody = (await unsigned.json()) as { code: string; message: string };
    assert.equal(unsigned.status, 401);
    assert.equal(unsignedBody.code, "NotAuthenticated");
    const unsignedCheck = lastVerification();
    assert.ok(unsignedCheck && !unsignedCheck.ok);
    assert.match(unsignedCheck.reason, /opc-obo-token header is sent but not signed/);

    // Unknown: signed, but never registered.
    const unknown = await instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {}, delegationToken: "not-a-registered-token" });
    const refused = await signedFetch(`${emulator.url}/n/`, { signer: unknown, retry: noRetry });
    const refusedBody = (await refused.json()) as { code: string; message: string };
    assert.equal(refused.status, 401);
    assert.equal(refusedBody.code, "NotAuthenticated");
    const unknownCheck = lastVerification();
    assert.ok(unknownCheck && !unknownCheck.ok);
    assert.match(unknownCheck.reason, /delegation token \(opc-obo-token\) is unknown/);
    for (const text of [unsignedBody.message, refusedBody.message, unsignedCheck.reason, unknownCheck.reason]) {
      assert.ok(!text.includes(TOKEN) && !text.includes("not-a-registered-token"), text);
    }

    // Revoked: refused from then on.
    const other = "obo-revocable-token-55";
    emulator.registerDelegationToken(other);
    const signer = await instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {}, delegationToken: other });
    assert.equal((await send(signer)).status, 200);
    emulator.revokeDelegationToken(other);
    assert.equal((await send(signer)).status, 401);
  });

  test("the token is in no inspect, JSON or error output; a token HTTP cannot carry is refused without quoting it", async () => {
    const signer = await instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {}, delegationToken: TOKEN });
    const shown = [inspect(signer, { depth: 10, showHidden: false }), JSON.stringify(signer), String(signer)].join("\n");
    assert.ok(!shown.includes(TOKEN), "the delegation token shows in the signer's inspect or JSON");

    for (const bad of [`${TOKEN}\nX-Injected: 1`, `${TOKEN}\u2019`, " ", ""]) {
      await assert.rejects(
        instancePrincipalsSigner({ metadataBaseUrl: imds.baseUrl, federationEndpoint: federation.url, env: {}, delegationToken: bad }),
        (error: unknown) => {
          assert.ok(error instanceof AuthError);
          assert.equal(error.code, "DELEGATION_TOKEN_INVALID");
          const told = [error.message, error.stack ?? "", inspect(error), JSON.stringify(error)].join("\n");
          assert.ok(!told.includes(TOKEN), told);
          return true;
        },
      );
    }
  });
});

describe("instance_obo_user: the token file, as the OCI CLI finds it", () => {
  test("OCI_CLI_AUTH=instance_obo_user + OCI_CLI_DELEGATION_TOKEN_FILE, no config file at all", async () => {
    const signer = await authFromEnvironment({
      env: instanceEnv({ OCI_CLI_AUTH: "instance_obo_user", OCI_CLI_DELEGATION_TOKEN_FILE: tokenFile, OCI_CLI_CONFIG_FILE: join(dir, "no-such-config") }),
    });
    const got = await send(signer);
    assert.equal(got.status, 200, got.text);
    assert.equal(emulator.requests.at(-1)?.headers["opc-obo-token"], TOKEN, "the file's content, trimmed");
  });

  test("the profile's delegation_token_file; OCI_CLI_DELEGATION_TOKEN_FILE beats it", async () => {
    const config = join(dir, "obo-config");
    await writeFile(config, `[DEFAULT]\ndelegation_token_file=${tokenFile}\n[BROKEN]\ndelegation_token_file=${join(dir, "missing-token")}\n`, { mode: 0o600 });
    const fromProfile = await authFromEnvironment({ auth: "instance_obo_user", configFile: config, env: instanceEnv() });
    assert.equal((await send(fromProfile)).status, 200);

    const fromEnv = await authFromEnvironment({ auth: "instance_obo_user", configFile: config, profile: "BROKEN", env: instanceEnv({ OCI_CLI_DELEGATION_TOKEN_FILE: tokenFile }) });
    assert.equal((await send(fromEnv)).status, 200);
  });

  test("the CLI's errors: no file named, the file not found, an empty file, no config file", async () => {
    const config = join(dir, "obo-errors-config");
    const missing = join(dir, "missing-token");
    const empty = join(dir, "empty-token");
    await writeFile(empty, "\n");
    await writeFile(config, `[DEFAULT]\nregion=us-ashburn-1\n[MISSING]\ndelegation_token_file=${missing}\n[EMPTY]\ndelegation_token_file=${empty}\n`, { mode: 0o600 });

    await assert.rejects(authFromEnvironment({ auth: "instance_obo_user", configFile: config, env: instanceEnv() }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, "CONFIG_KEY_MISSING");
      assert.equal(error.key, "delegation_token_file");
      assert.match(error.message, /profile \[DEFAULT\] in .*obo-errors-config names none/);
      assert.match(error.message, /delegation_token_file=<path>.*OCI_CLI_DELEGATION_TOKEN_FILE/);
      return true;
    });
    await assert.rejects(authFromEnvironment({ auth: "instance_obo_user", configFile: config, profile: "MISSING", env: instanceEnv() }), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.equal(error.code, "DELEGATION_TOKEN_UNREADABLE");
      assert.ok(error.message.startsWith(`delegation_token_file not found at ${missing}`), error.message);
      assert.match(error.message, /profile \[MISSING\]/);
      return true;
    });
    await assert.rejects(authFromEnvironment({ auth: "instance_obo_user", configFile: config, profile: "EMPTY", env: instanceEnv() }), /is empty/);
    await assert.rejects(authFromEnvironment({ auth: "instance_obo_user", env: instanceEnv({ OCI_CLI_DELEGATION_TOKEN_FILE: missing }) }), (error: unknown) => {
      assert.ok(error instanceof AuthError);
      assert.match(error.message, /not found at .*missing-token \(environment variable OCI_CLI_DELEGATION_TOKEN_FILE\)/);
      return true;
    });
    await assert.rejects(authFromEnvironment({ auth: "instance_obo_user", configFile: join(dir, "absent-config"), env: instanceEnv() }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, "CONFIG_FILE_NOT_FOUND");
      assert.match(error.message, /^instance_obo_user needs a delegation token file: set OCI_CLI_DELEGATION_TOKEN_FILE/);
      return true;
    });
  });

  test("1 000 concurrent requests across a token expiry, configured from OCI_CLI_* only: all 200, one token exchange, every one delegated", async () => {
    // A short first token (4 s): the refresh window is then half its lifetime, and callers wait
    // for a refresh once less than a quarter of the lifetime is left. The requests start 300 ms
    // before the token expires (by the signer's reading of its exp): all of them must wait for
    // the one exchange — for a long-lived token — and none may go out with the old token.
    federation.tokenLifetimeSeconds = 4;
    try {
      const dispatcher = new Agent({ connections: 32 });
      const transport = { fetch: undiciFetch as unknown as typeof fetch, dispatcher };
      const signer = await authFromEnvironment({
        env: instanceEnv({ OCI_CLI_AUTH: "instance_obo_user", OCI_CLI_DELEGATION_TOKEN_FILE: tokenFile }),
        ...transport,
      });
      assert.ok(signer instanceof InstancePrincipalsSigner);
      const old = await signer.federationClient.credentials();
      federation.tokenLifetimeSeconds = 3600;
      const waitMs = old.expiresAt - 300 - Date.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      const before = federation.tokenRequests;
      const firstIndex = emulator.requests.length;
      const responses = await Promise.all(Array.from({ length: 1000 }, () => signedFetch(`${emulator.url}/n/`, { signer, ...transport })));
      const statuses = new Map<number, number>();
      for (const response of responses) {
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await response.arrayBuffer();
      }
      await dispatcher.close();
      assert.deepEqual([...statuses], [[200, 1000]]);
      assert.equal(federation.tokenRequests - before, 1, "one token exchange for 1 000 requests");
      const seen = emulator.requests.slice(firstIndex).filter((r) => r.path === "/n/");
      assert.equal(seen.length, 1000);
      assert.ok(seen.every((r) => r.verification?.ok && r.verification.principal.onBehalfOf === OBO_USER && r.headers["opc-obo-token"] === TOKEN));
      assert.ok(seen.every((r) => r.verification?.ok && r.verification.keyId !== old.keyId), "a request went out with the expiring token");
    } finally {
      federation.tokenLifetimeSeconds = 3600;
    }
  });
});

describe("oci-raw raw-request --auth instance_obo_user", () => {
  let home: string;
  before(async () => {
    home = join(dir, "home");
    await mkdir(join(home, ".oci"), { recursive: true });
    await writeFile(join(home, "obo-token"), `${TOKEN}\n`, { mode: 0o600 });
  });

  test("end to end with --debug: the header is sent and signed, the token printed nowhere", async () => {
    const result = await runCli(
      ["raw-request", "--auth", "instance_obo_user", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--debug"],
      home,
      instanceEnv({ OCI_CLI_DELEGATION_TOKEN_FILE: tokenFile }),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).data, "emulatorns");
    assert.ok(lastVerification()?.ok);
    assert.equal(emulator.requests.at(-1)?.headers["opc-obo-token"], TOKEN);
    assert.match(result.stderr, /Auth:.*instance_obo_user/);
    assert.match(result.stderr, /^ {2}opc-obo-token: <redacted>$/m, "the signing string shows the header, redacted");
    assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN), "the delegation token was printed");
  });

  test("the config's delegation_token_file, ~ expanded, through OCI_CLI_AUTH", async () => {
    await writeFile(join(home, ".oci", "config"), "[DEFAULT]\ndelegation_token_file=~/obo-token\n", { mode: 0o600 });
    try {
      const result = await runCli(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], home, instanceEnv({ OCI_CLI_AUTH: "instance_obo_user" }));
      assert.equal(result.code, 0, result.stderr);
      assert.equal(emulator.requests.at(-1)?.headers["opc-obo-token"], TOKEN);
    } finally {
      await rm(join(home, ".oci", "config"), { force: true });
    }
  });

  test("a missing token file: the CLI's message, one line, no token", async () => {
    const missing = join(home, "nope");
    const result = await runCli(
      ["raw-request", "--auth", "instance_obo_user", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`],
      home,
      instanceEnv({ OCI_CLI_DELEGATION_TOKEN_FILE: missing }),
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, new RegExp(`delegation_token_file not found at ${missing.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    assert.equal(result.stdout, "");
  });
});
