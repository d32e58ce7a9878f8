/**
 * OKE workload identity end to end: the signer trades a service account token at the
 * emulator's proxymux (HTTPS with its own cluster CA) for a session token that the emulator
 * accepts — from code and from the CLI (`--auth oke_workload_identity`, a child process).
 * Both answer encodings, token file rotation, the cluster CA (mismatch, rotation), the
 * proxymux's 401 and 5xx, 1 000 concurrent requests across an expiry, a service's 401.
 * Loopback only.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { Agent, fetch as undiciFetch } from "undici";
import { AuthError } from "../runtime/errors.js";
import { signedFetch } from "../runtime/request.js";
import { noRetry } from "../runtime/retry.js";
import { authFromEnvironment, okeWorkloadIdentitySigner, type OkeWorkloadIdentitySigner } from "../runtime/auth/index.js";
import { createTestCa, startEmulator, startProxymux, EMULATOR_TENANCY_ID, type Emulator, type Proxymux } from "../emulator/index.js";
import { runCli, type CliRun } from "./support/cli-run.js";
import { watchProcess } from "./support/hygiene.js";

const hygiene = watchProcess();
const root = fileURLToPath(new URL("..", import.meta.url));

let emulator: Emulator;
let proxymux: Proxymux;
let dir: string;
let tokenFile: string;
let caFile: string;

before(async () => {
  emulator = await startEmulator();
  proxymux = await startProxymux(emulator);
  dir = await mkdtemp(join(tmpdir(), "oci-raw-oke-"));
  tokenFile = join(dir, "token");
  caFile = join(dir, "ca.crt");
  await writeFile(tokenFile, proxymux.serviceAccountToken);
  await writeFile(caFile, proxymux.caCertificatePem);
});

after(async () => {
  await proxymux.stop();
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  await hygiene.assertClean();
});

/** The environment of a pod whose cluster is the emulator's proxymux. */
function podEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    KUBERNETES_SERVICE_HOST: proxymux.host,
    KUBERNETES_SERVICE_PORT_PROXYMUX: String(proxymux.port),
    OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH: tokenFile,
    OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH: caFile,
    OCI_RESOURCE_PRINCIPAL_REGION: "phx",
    ...extra,
  };
}

function create(extra: Parameters<typeof okeWorkloadIdentitySigner>[0] = {}): Promise<OkeWorkloadIdentitySigner> {
  return okeWorkloadIdentitySigner({ env: podEnv(), ...extra });
}

async function status(signer: OkeWorkloadIdentitySigner, transport: { fetch?: typeof fetch; dispatcher?: unknown } = {}): Promise<number> {
  const response = await signedFetch(`${emulator.url}/n/`, { signer, ...transport });
  await response.arrayBuffer();
  return response.status;
}

function lastKeyId(): string | undefined {
  const v = emulator.requests.at(-1)?.verification;
  return v?.ok ? v.keyId : undefined;
}

/** The error's message, stack and cause chain never carry these. */
function assertNoSecrets(err: unknown, secrets: readonly string[]): void {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    for (const secret of secrets) {
      assert.ok(!e.message.includes(secret), "no secret in the message");
      assert.ok(!(e.stack ?? "").includes(secret), "no secret in the stack");
    }
  }
}

describe("OKE workload identity from code", () => {
  test("signs with ST$<session token> and the pod's session key; the emulator verifies it; region and claims", async () => {
    const before = proxymux.counts.exchanges;
    const signer = await create();
    assert.equal(proxymux.counts.exchanges - before, 1, "the first token is obtained by the factory");
    assert.equal(signer.region, "us-phoenix-1");
    assert.equal(signer.proxymuxEndpoint, proxymux.url);
    assert.equal(await signer.tenancyId(), EMULATOR_TENANCY_ID);
    assert.equal(await status(signer), 200);
    assert.equal(lastKeyId(), `ST$${proxymux.issued.at(-1)!.token}`);
    assert.equal(proxymux.counts.exchanges - before, 1, "no exchange per request");
  });

  test("both answer encodings: base64, and base64 quoted as a JSON string", async () => {
    for (const encoding of ["base64", "json-string"] as const) {
      proxymux.encoding = encoding;
      try {
        const signer = await create();
        assert.equal(await status(signer), 200, encoding);
        assert.equal(lastKeyId(), `ST$${proxymux.issued.at(-1)!.token}`, encoding);
      } finally {
        proxymux.encoding = "base64";
      }
    }
  });

  test("OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_STRING gives the token itself; a whole-URL override works", async () => {
    const signer = await okeWorkloadIdentitySigner({
      env: { OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_STRING: proxymux.serviceAccountToken, OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH: caFile },
      proxymuxEndpoint: proxymux.url,
    });
    assert.equal(signer.region, undefined);
    assert.equal(await status(signer), 200);
  });

  test("the service account token file is read again at each exchange: kubelet's rotation is picked up", async () => {
    const signer = await create();
    const oldToken = proxymux.serviceAccountToken;
    const newToken = proxymux.issueServiceAccountToken(); // the old one is refused from now on
    try {
      // Still the old token in the file: the proxymux refuses it, with a typed error naming the file.
      await assert.rejects(signer.refresh(), (err: unknown) => {
        assert.ok(err instanceof AuthError);
        assert.equal(err.code, "OKE_SERVICE_ACCOUNT_TOKEN_REJECTED");
        assert.ok(err.message.includes(tokenFile), err.message);
        assert.match(err.message, /HTTP 401/);
        assertNoSecrets(err, [oldToken, newToken]);
        return true;
      });
      await writeFile(tokenFile, `${newToken}\n`);
      const before = proxymux.counts.exchanges;
      await signer.refresh();
      assert.equal(proxymux.counts.exchanges - before, 1);
      assert.equal(await status(signer), 200);
      assert.equal(lastKeyId(), `ST$${proxymux.issued.at(-1)!.token}`);
    } finally {
      await writeFile(tokenFile, proxymux.serviceAccountToken);
    }
  });

  test("an expired service account token: the proxymux answers 401, a typed error", async () => {
    const expired = proxymux.issueServiceAccountToken({ lifetimeSeconds: -10, rotate: false });
    await assert.rejects(create({ serviceAccountToken: expired }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "OKE_SERVICE_ACCOUNT_TOKEN_REJECTED");
      assert.match(err.message, /serviceAccountToken option/);
      assertNoSecrets(err, [expired]);
      return true;
    });
  });

  test("a CA file that does not verify the proxymux: OKE_PROXYMUX_CA_MISMATCH naming the CA file", async () => {
    const otherCaFile = join(dir, "other-ca.crt");
    await writeFile(otherCaFile, (await createTestCa()).certificatePem);
    await assert.rejects(create({ env: podEnv({ OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH: otherCaFile }), retry: noRetry }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "OKE_PROXYMUX_CA_MISMATCH");
      assert.ok(err.message.includes(otherCaFile), err.message);
      assert.match(err.message, /OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH/);
      assertNoSecrets(err, [proxymux.serviceAccountToken]);
      return true;
    });
  });

  test("the cluster CA rotates: the old CA file fails verification, the rewritten one is read at the next exchange", async () => {
    const ownCa = join(dir, "rotating-ca.crt");
    await writeFile(ownCa, proxymux.caCertificatePem);
    const signer = await create({ caCertPath: ownCa });
    const newCa = await proxymux.rotateCa();
    try {
      await assert.rejects(signer.refresh(), (err: unknown) => err instanceof AuthError && err.code === "OKE_PROXYMUX_CA_MISMATCH" && err.message.includes(ownCa));
      await writeFile(ownCa, newCa);
      await signer.refresh();
      assert.equal(await status(signer), 200);
    } finally {
      await writeFile(caFile, proxymux.caCertificatePem);
    }
  });

  test("proxymux 5xx: retried; with noRetry an AuthError naming the endpoint and status", async () => {
    proxymux.faults.failNext(1, 503, "ServiceUnavailable");
    const requests = proxymux.counts.requests;
    const signer = await create();
    assert.equal(proxymux.counts.requests - requests, 2, "one failure, one retry");
    assert.equal(await status(signer), 200);

    proxymux.faults.failNext(1, 500, "InternalServerError");
    await assert.rejects(create({ retry: noRetry }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "AUTH_ENDPOINT_ERROR");
      assert.ok(err.message.includes(proxymux.url), err.message);
      assert.match(err.message, /HTTP 500/);
      return true;
    });
  });

  test("not on OKE, token file unreadable, CA file unreadable: typed errors that say what to set", async () => {
    await assert.rejects(okeWorkloadIdentitySigner({ env: {} }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "OKE_NOT_IN_CLUSTER");
      assert.match(err.message, /KUBERNETES_SERVICE_HOST is not set/);
      return true;
    });
    const missing = join(dir, "no-such-token");
    await assert.rejects(create({ env: podEnv({ OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH: missing }) }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "OKE_SERVICE_ACCOUNT_TOKEN_UNREADABLE");
      assert.ok(err.message.includes(missing) && err.message.includes("OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH"), err.message);
      return true;
    });
    const noCa = join(dir, "no-such-ca");
    await assert.rejects(create({ env: podEnv({ OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH: noCa }) }), (err: unknown) => {
      assert.ok(err instanceof AuthError);
      assert.equal(err.code, "OKE_CA_UNREADABLE");
      assert.ok(err.message.includes(noCa), err.message);
      return true;
    });
  });

  test("an answer that is not base64 of {token}: AUTH_BAD_RESPONSE, without quoting it", async () => {
    for (const body of ["<html>oops</html>", Buffer.from("not json").toString("base64"), JSON.stringify(Buffer.from('{"nope":1}').toString("base64"))]) {
      const fake: typeof fetch = async () => new Response(body, { status: 200 });
      await assert.rejects(create({ fetch: fake, dispatcher: {} }), (err: unknown) => {
        assert.ok(err instanceof AuthError);
        assert.equal(err.code, "AUTH_BAD_RESPONSE");
        assert.ok(!err.message.includes(body));
        return true;
      });
    }
  });

  test("1 000 concurrent requests across a token expiry: all succeed, the proxymux sees exactly one exchange", async () => {
    // The signer's clock jumps to where callers must wait for the refresh (less than half the
    // window left) while the token is still good by the emulator's clock.
    let offset = 0;
    const signer = await create({ refreshWindowMs: 60_000, now: () => Date.now() + offset });
    const expiresAt = proxymux.issued.at(-1)!.expiresAt.getTime();
    offset = expiresAt - 60_000 / 4 - Date.now();
    const before = proxymux.counts.exchanges;
    const dispatcher = new Agent({ connections: 32 });
    const transport = { fetch: undiciFetch as unknown as typeof fetch, dispatcher };
    const statuses = await Promise.all(Array.from({ length: 1000 }, () => status(signer, transport))).finally(() => dispatcher.close());
    assert.deepEqual([...new Set(statuses)], [200]);
    assert.equal(proxymux.counts.exchanges - before, 1);
    assert.equal(lastKeyId(), `ST$${proxymux.issued.at(-1)!.token}`, "the requests signed with the new token");
  });

  test("a 401 from a service for a valid-looking token: one refresh, then the request succeeds", async () => {
    const signer = await create();
    assert.equal(await status(signer), 200);
    proxymux.revokeIssued();
    const before = proxymux.counts.exchanges;
    assert.equal(await status(signer), 200);
    assert.equal(proxymux.counts.exchanges - before, 1, "one refresh");
  });

  test("an IPv6 KUBERNETES_SERVICE_HOST (::1) goes in brackets", async (t) => {
    let v6: Proxymux;
    try {
      v6 = await startProxymux(emulator, { host: "::1" });
    } catch {
      t.skip("no IPv6 loopback here");
      return;
    }
    try {
      const v6Ca = join(dir, "v6-ca.crt");
      await writeFile(v6Ca, v6.caCertificatePem);
      const signer = await okeWorkloadIdentitySigner({
        env: podEnv({ KUBERNETES_SERVICE_HOST: "::1", KUBERNETES_SERVICE_PORT_PROXYMUX: String(v6.port), OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH: v6Ca }),
        serviceAccountToken: v6.serviceAccountToken,
      });
      assert.equal(signer.proxymuxEndpoint, `https://[::1]:${v6.port}/resourcePrincipalSessionTokens`);
      assert.equal(await status(signer), 200);
    } finally {
      await v6.stop();
    }
  });

  test("authFromEnvironment picks it from auth and from OCI_CLI_AUTH", async () => {
    for (const options of [{ auth: "oke_workload_identity", env: podEnv() }, { env: podEnv({ OCI_CLI_AUTH: "oke_workload_identity" }) }]) {
      const signer = await authFromEnvironment(options);
      const response = await signedFetch(`${emulator.url}/n/`, { signer });
      await response.arrayBuffer();
      assert.equal(response.status, 200);
    }
  });
});

/** The CLI in a child process with only PATH, HOME and `env` (as test/cli.test.ts runs it). */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return runCli(args, dir, defined, root);
}

describe("oci-raw raw-request --auth oke_workload_identity", () => {
  test("a signed request through the proxymux's token; --debug shows neither token", async () => {
    const before = proxymux.counts.exchanges;
    const result = await run(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--auth", "oke_workload_identity", "--debug"], podEnv());
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { status: string }).status, "200 OK");
    assert.equal(proxymux.counts.exchanges - before, 1);
    assert.match(result.stderr, /Auth:.*oke_workload_identity/);
    const sessionToken = proxymux.issued.at(-1)!.token;
    assert.equal(lastKeyId(), `ST$${sessionToken}`);
    for (const secret of [proxymux.serviceAccountToken, sessionToken, sessionToken.split(".")[2]!]) {
      assert.ok(!result.stderr.includes(secret) && !result.stdout.includes(secret), "no token in the output");
    }
  });

  test("OCI_CLI_AUTH and OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_STRING", async () => {
    const env = podEnv({ OCI_CLI_AUTH: "oke_workload_identity", OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_STRING: proxymux.serviceAccountToken });
    delete env["OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH"];
    const result = await run(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], env);
    assert.equal(result.code, 0, result.stderr);
  });

  test("outside a pod, and with the wrong CA: one clean line, no token", async () => {
    const outside = await run(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--auth", "oke_workload_identity"], {});
    assert.notEqual(outside.code, 0);
    assert.match(outside.stderr, /KUBERNETES_SERVICE_HOST is not set/);
    assert.equal(outside.stderr.trim().split("\n").length, 1, outside.stderr);

    const otherCaFile = join(dir, "cli-other-ca.crt");
    await writeFile(otherCaFile, (await createTestCa()).certificatePem);
    const wrongCa = await run(
      ["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--auth", "oke_workload_identity"],
      podEnv({ OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH: otherCaFile }),
    );
    assert.notEqual(wrongCa.code, 0);
    assert.ok(wrongCa.stderr.includes(otherCaFile), wrongCa.stderr);
    assert.equal(wrongCa.stderr.trim().split("\n").length, 1, wrongCa.stderr);
    assert.ok(!wrongCa.stderr.includes(proxymux.serviceAccountToken));
  });
});
