/**
 * Interop is the proof (issue 19): `oci-raw emulator` started from its CLI, as a user would,
 * then driven by clients that share no code with its verifier — the official OCI TypeScript
 * SDK (oci-identity, oci-objectstorage, oci-common 2.139.1, pinned devDependencies), the
 * `oci-raw raw-request` CLI, and a generated client — through create/get/list/update/delete
 * flows; and requests OCI refuses (a body changed after signing, a wrong key, a skewed clock)
 * are refused with OCI's 401 NotAuthenticated. Loopback only.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { runNode, startCliEmulator, type CliRun } from "./support/cli-run.js";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import * as common from "oci-common";
import * as oci_identity from "oci-identity";
import * as oci_objectstorage from "oci-objectstorage";
import { OciServiceError, createClient, loadConfig, signerFromConfig } from "oci-raw";
import * as identity from "../generated/identity/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin", "oci-raw.ts");
const dir = mkdtempSync(join(tmpdir(), "oci-raw-interop-"));
const configDir = join(dir, "emulator");

let emulator: ChildProcess;
let emulatorStderr: () => string;
let exited: Promise<number | null>;
let url: string;
let configFile: string;

/** The environment for child processes: a temp HOME, no OCI_* or proxy variable from outside. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env["PATH"] ?? "", HOME: dir, ...extra };
}

before(async () => {
  ({ child: emulator, stderr: emulatorStderr, url, configFile, exited } = await startCliEmulator(["--config-dir", configDir], dir));
  assert.ok(url !== "" && configFile === join(configDir, "config"), url);
});

after(async () => {
  try {
    if (emulator.exitCode === null && emulator.signalCode === null) emulator.kill("SIGTERM");
    const timer = setTimeout(() => emulator.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 0, `the emulator stops cleanly on SIGTERM: ${emulatorStderr()}`);
    assert.match(emulatorStderr(), /Stopped \(SIGTERM\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------
// The official OCI TypeScript SDK.

/** The SDK's clients for the emulator: provider from its config file, endpoint = its URL, no retries. */
function officialClients(provider: common.AuthenticationDetailsProvider = new common.ConfigFileAuthenticationDetailsProvider(configFile, "DEFAULT")) {
  const clientConfiguration: common.ClientConfiguration = { retryConfiguration: common.NoRetryConfigurationDetails };
  const identityClient = new oci_identity.IdentityClient({ authenticationDetailsProvider: provider }, clientConfiguration);
  identityClient.endpoint = url;
  const storageClient = new oci_objectstorage.ObjectStorageClient({ authenticationDetailsProvider: provider }, clientConfiguration);
  storageClient.endpoint = url;
  return { identityClient, storageClient };
}

/** What an SDK call rejected with: its status and OCI error code. */
async function sdkFailure(call: Promise<unknown>): Promise<{ statusCode: number; serviceCode: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const { statusCode, serviceCode, message } = error as { statusCode: number; serviceCode: string; message: string };
    return { statusCode, serviceCode, message };
  }
  assert.fail("expected the call to be refused");
}

async function readAll(value: Readable | ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = value instanceof Readable ? value : Readable.fromWeb(value as import("node:stream/web").ReadableStream<Uint8Array>);
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

describe("the official OCI TypeScript SDK against the CLI-started emulator", () => {
  test("identity: createUser → getUser → listUsers → updateUser → deleteUser", async () => {
    const provider = new common.ConfigFileAuthenticationDetailsProvider(configFile, "DEFAULT");
    const { identityClient } = officialClients(provider);
    const compartmentId = provider.getTenantId();

    const created = await identityClient.createUser({
      createUserDetails: { compartmentId, name: "sdk-ada", description: "made by oci-identity", email: "ada@example.com" },
    });
    const user = created.user;
    assert.match(user.id, /^ocid1\.user\.oc1\.\./);
    assert.equal(user.name, "sdk-ada");
    assert.equal(user.lifecycleState, oci_identity.models.User.LifecycleState.Active);
    assert.ok(created.etag, "etag header");
    assert.ok(created.opcRequestId, "opc-request-id header");
    // Unset optional fields are null, as OCI sends them.
    assert.equal(user.externalIdentifier, null);

    const got = await identityClient.getUser({ userId: user.id });
    assert.equal(got.user.id, user.id);
    assert.equal(got.etag, created.etag);

    const listed = await identityClient.listUsers({ compartmentId });
    assert.ok(listed.items.some((item) => item.id === user.id && item.name === "sdk-ada"));

    const updated = await identityClient.updateUser({ userId: user.id, updateUserDetails: { description: "updated by oci-identity" }, ifMatch: got.etag });
    assert.equal(updated.user.description, "updated by oci-identity");
    assert.notEqual(updated.etag, got.etag);
    // The etag it replaced no longer matches.
    const stale = await sdkFailure(identityClient.updateUser({ userId: user.id, updateUserDetails: { description: "x" }, ifMatch: got.etag }));
    assert.equal(stale.statusCode, 412);

    await identityClient.deleteUser({ userId: user.id, ifMatch: updated.etag });
    const gone = await sdkFailure(identityClient.getUser({ userId: user.id }));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.serviceCode, "NotAuthorizedOrNotFound");
  });

  test("object storage: getNamespace → createBucket → putObject → getObject → listObjects → deleteObject → deleteBucket", async () => {
    const provider = new common.ConfigFileAuthenticationDetailsProvider(configFile, "DEFAULT");
    const { storageClient } = officialClients(provider);
    const compartmentId = provider.getTenantId();

    const { value: namespaceName } = await storageClient.getNamespace({});
    assert.equal(typeof namespaceName, "string");
    assert.notEqual(namespaceName, "");

    const bucketName = "sdk-bucket";
    const created = await storageClient.createBucket({ namespaceName, createBucketDetails: { name: bucketName, compartmentId, freeformTags: { by: "oci-objectstorage" } } });
    assert.match(created.bucket.id ?? "", /^ocid1\.bucket\.oc1\./);
    assert.equal(created.bucket.name, bucketName);
    assert.equal(created.bucket.kmsKeyId, null);
    assert.ok(created.eTag);

    const got = await storageClient.getBucket({ namespaceName, bucketName });
    assert.equal(got.bucket.id, created.bucket.id);
    assert.deepEqual(got.bucket.freeformTags, { by: "oci-objectstorage" });
    const buckets = await storageClient.listBuckets({ namespaceName, compartmentId });
    assert.ok(buckets.items.some((bucket) => bucket.name === bucketName));
    const updated = await storageClient.updateBucket({ namespaceName, bucketName, updateBucketDetails: { freeformTags: { by: "updateBucket" } }, ifMatch: got.eTag });
    assert.deepEqual(updated.bucket.freeformTags, { by: "updateBucket" });

    // Bytes that are not UTF-8 text, so a lossy round trip shows.
    const content = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, ...Buffer.from("héllo, emulator")]);
    const put = await storageClient.putObject({ namespaceName, bucketName, objectName: "dir/data.bin", putObjectBody: content, contentLength: content.byteLength, contentType: "application/x-test" });
    assert.ok(put.eTag);
    const fetched = await storageClient.getObject({ namespaceName, bucketName, objectName: "dir/data.bin" });
    assert.deepEqual(await readAll(fetched.value), content);
    assert.equal(fetched.contentType, "application/x-test");
    assert.equal(fetched.contentLength, content.byteLength);
    assert.equal(fetched.eTag, put.eTag);

    const listed = await storageClient.listObjects({ namespaceName, bucketName, fields: "name,size" });
    assert.deepEqual(listed.listObjects.objects.map((object) => [object.name, object.size]), [["dir/data.bin", content.byteLength]]);

    const notEmpty = await sdkFailure(storageClient.deleteBucket({ namespaceName, bucketName }));
    assert.equal(notEmpty.statusCode, 409);
    assert.equal(notEmpty.serviceCode, "BucketNotEmpty");

    await storageClient.deleteObject({ namespaceName, bucketName, objectName: "dir/data.bin" });
    const listedAfter = await storageClient.listObjects({ namespaceName, bucketName });
    assert.deepEqual(listedAfter.listObjects.objects, []);
    const deleted = await storageClient.deleteBucket({ namespaceName, bucketName });
    assert.ok(deleted.opcRequestId);
    const gone = await sdkFailure(storageClient.getBucket({ namespaceName, bucketName }));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.serviceCode, "BucketNotFound");
  });

  test("a wrong key (right keyId, another private key) → 401 NotAuthenticated, also for a request with a body", async () => {
    const real = new common.ConfigFileAuthenticationDetailsProvider(configFile, "DEFAULT");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const wrong = new common.SimpleAuthenticationDetailsProvider(
      real.getTenantId(),
      real.getUser(),
      real.getFingerprint(),
      privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      null,
    );
    const { identityClient } = officialClients(wrong);
    // One at a time: a second call started early could reject before anything awaits it.
    for (const call of [
      () => identityClient.listUsers({ compartmentId: real.getTenantId() }),
      () => identityClient.createUser({ createUserDetails: { compartmentId: real.getTenantId(), name: "never", description: "refused" } }),
    ]) {
      const refused = await sdkFailure(call());
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.serviceCode, "NotAuthenticated");
    }
  });

  test("the README's example for the official SDK runs against it", async () => {
    const result = await runChild([join(root, "examples", "official-sdk.ts")], { EMULATOR_URL: url, EMULATOR_CONFIG: configFile });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "ACTIVE [ 'ada' ]\n[ 'hello.txt' ]\n");
  });
});

// ---------------------------------------------------------------------------------------
// oci-raw's own clients against the same emulator.

function runChild(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runNode(args, { env: childEnv(env), cwd: root });
}

async function rawRequest(method: string, path: string, body?: unknown): Promise<{ status: string; data: unknown; headers: Record<string, string> }> {
  const args = [cli, "raw-request", "--config-file", configFile, "--http-method", method, "--target-uri", `${url}${path}`];
  if (body !== undefined) args.push("--request-body", JSON.stringify(body));
  const result = await runChild(args);
  assert.equal(result.code, 0, `${method} ${path}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { status: string; data: unknown; headers: Record<string, string> };
}

describe("oci-raw raw-request and a generated client against the CLI-started emulator", () => {
  test("raw-request: create → get → list → update → delete a user", async () => {
    const tenancy = loadConfig({ file: configFile }).tenancy ?? "";
    const created = await rawRequest("POST", "/20160918/users/", { compartmentId: tenancy, name: "raw-grace", description: "made by raw-request" });
    assert.equal(created.status, "200 OK");
    const id = (created.data as { id: string }).id;
    assert.match(id, /^ocid1\.user\.oc1\.\./);
    const got = await rawRequest("GET", `/20160918/users/${id}`);
    assert.equal((got.data as { name: string }).name, "raw-grace");
    const listed = await rawRequest("GET", `/20160918/users/?compartmentId=${encodeURIComponent(tenancy)}&name=raw-grace`);
    assert.deepEqual((listed.data as Array<{ id: string }>).map((user) => user.id), [id]);
    const updated = await rawRequest("PUT", `/20160918/users/${id}`, { description: "updated by raw-request" });
    assert.equal((updated.data as { description: string }).description, "updated by raw-request");
    const deleted = await rawRequest("DELETE", `/20160918/users/${id}`);
    assert.match(deleted.status, /^204\b/);
  });

  test("generated identity client: create → get → list → update → delete a user", async () => {
    const config = loadConfig({ file: configFile });
    const client = createClient({ signer: signerFromConfig(config), endpoint: url, validation: "strict" });
    const compartmentId = config.tenancy ?? "";
    const { data: user } = await identity.createUser(client, { body: { compartmentId, name: "gen-hopper", description: "made by the generated client" } });
    const { data: got, headers } = await identity.getUser(client, { userId: user.id });
    assert.equal(got.name, "gen-hopper");
    const etag = headers.get("etag") ?? "";
    assert.notEqual(etag, "");
    const { data: listed } = await identity.listUsers(client, { compartmentId, name: "gen-hopper" });
    assert.deepEqual(listed.map((item) => item.id), [user.id]);
    const { data: updated } = await identity.updateUser(client, { userId: user.id, ifMatch: etag, body: { description: "updated" } });
    assert.equal(updated.description, "updated");
    const deleted = await identity.deleteUser(client, { userId: user.id });
    assert.equal(deleted.status, 204);
    await assert.rejects(identity.getUser(client, { userId: user.id }), (error: unknown) => error instanceof OciServiceError && error.status === 404);
  });
});

// ---------------------------------------------------------------------------------------
// What OCI refuses, signed here with oci-raw's signer and sent with fetch, so the test controls
// the date and what is sent after signing.

async function signedThenSent(options: { method: string; path: string; body?: string; date?: Date; sentBody?: string }): Promise<Response> {
  const signer = signerFromConfig(loadConfig({ file: configFile }));
  const target = `${url}${options.path}`;
  const headers = await signer.sign({
    method: options.method,
    url: target,
    headers: { date: (options.date ?? new Date()).toUTCString(), ...(options.body === undefined ? {} : { "content-type": "application/json" }) },
    body: options.body,
  });
  const sent = options.sentBody ?? options.body;
  // fetch sets host and content-length itself, from the URL and the body it sends.
  const { host: _host, "content-length": _length, ...rest } = headers;
  return fetch(target, { method: options.method, headers: rest, ...(sent === undefined ? {} : { body: sent }) });
}

async function assertRefused(response: Response, why: string, reason: RegExp): Promise<void> {
  const text = await response.text();
  assert.equal(response.status, 401, `${why}: ${text}`);
  const body = JSON.parse(text) as { code: string; message: string };
  assert.equal(body.code, "NotAuthenticated", why);
  assert.match(body.message, reason, why);
  assert.ok(response.headers.get("opc-request-id"), `${why}: opc-request-id`);
}

describe("refused as OCI refuses them: 401 NotAuthenticated", () => {
  test("control: the same signing and sending is accepted when nothing is changed", async () => {
    const tenancy = loadConfig({ file: configFile }).tenancy ?? "";
    const response = await signedThenSent({ method: "POST", path: "/20160918/users/", body: JSON.stringify({ compartmentId: tenancy, name: "control", description: "accepted" }) });
    assert.equal(response.status, 200, await response.clone().text());
    const { id } = (await response.json()) as { id: string };
    assert.equal((await signedThenSent({ method: "DELETE", path: `/20160918/users/${id}` })).status, 204);
  });

  test("a body changed after signing (same length, so only x-content-sha256 can tell)", async () => {
    const tenancy = loadConfig({ file: configFile }).tenancy ?? "";
    const body = JSON.stringify({ compartmentId: tenancy, name: "mallory", description: "signed" });
    const response = await signedThenSent({ method: "POST", path: "/20160918/users/", body, sentBody: body.replace("signed", "forged") });
    await assertRefused(response, "body changed after signing", /x-content-sha256/);
  });

  test("a clock skewed by more than 5 minutes, either way; 4 minutes is accepted", async () => {
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    await assertRefused(await signedThenSent({ method: "GET", path: "/n/", date: minutes(-6) }), "6 minutes behind", /behind/);
    await assertRefused(await signedThenSent({ method: "GET", path: "/n/", date: minutes(6) }), "6 minutes ahead", /ahead/);
    assert.equal((await signedThenSent({ method: "GET", path: "/n/", date: minutes(-4) })).status, 200);
  });

  test("a wrong key under the config's keyId", async () => {
    const config = loadConfig({ file: configFile });
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const { ApiKeySigner } = await import("oci-raw");
    const signer = new ApiKeySigner({ tenancy: config.tenancy ?? "", user: config.user ?? "", fingerprint: config.fingerprint ?? "", privateKey });
    const headers = await signer.sign({ method: "GET", url: `${url}/n/` });
    const { host: _host, ...rest } = headers;
    await assertRefused(await fetch(`${url}/n/`, { headers: rest }), "wrong key", /does not verify/);
    // The key the config names is read from its key_file and still works.
    assert.ok(readFileSync(config.keyFile ?? "", "utf8").includes("PRIVATE KEY"));
  });
});
