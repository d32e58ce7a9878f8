/**
 * The generated clients (generated/identity, objectstorage, compute) end to end against the
 * emulator, with strict response validation: typed calls, pagination, retry tokens, unsigned
 * uploads, binary downloads, and typed errors from the one runtime (DECISIONS.md 6).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ApiKeySigner, OciServiceError, createClient, paginate, retryStrategy, type Client } from "oci-raw";
import { EMULATOR_COMPARTMENT_ID, EMULATOR_NAMESPACE, SEEDED_INSTANCE_COUNT, startEmulator, type Emulator } from "oci-raw/emulator";
import * as compute from "../generated/compute/index.js";
import * as identity from "../generated/identity/index.js";
import * as objectstorage from "../generated/objectstorage/index.js";

let emulator: Emulator;
let client: Client;

before(async () => {
  emulator = await startEmulator();
  const key = await emulator.createApiKey();
  client = createClient({
    signer: new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem }),
    endpoint: emulator.url,
    validation: "strict",
    retry: retryStrategy({ baseDelayMs: 1, maxDelayMs: 5 }),
  });
});
after(() => emulator.stop());

describe("generated identity client", () => {
  test("unset optional fields arrive as null, as OCI sends them: strict accepts them, the data keeps them, the types say so", async () => {
    const { data } = await identity.createUser(client, {
      body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: "no-email@example.com", description: "no email" },
    });
    assert.equal(data.email, null);
    assert.equal(data.externalIdentifier, null);
    // An optional response property admits null, so a check for undefined alone does not make it a string…
    const email: string | null | undefined = data.email;
    // @ts-expect-error — …and a type that forgot null would let this compile.
    const unchecked: string | undefined = data.email;
    assert.equal(email ?? unchecked ?? null, null);
    // Request bodies stay without null: CreateUserDetails.email is `string | undefined`.
    // @ts-expect-error — null is not a value to send.
    const body: identity.CreateUserDetails = { compartmentId: "c", name: "n", description: "d", email: null };
    assert.equal(body.email, null);
    // A required property that is null is still rejected, by the same generated check the runtime uses.
    assert.equal(identity.isUser({ ...data, name: null }), false);
    assert.equal(identity.isUser({ ...data, email: null }), true);
  });

  test("create, get, update, list with pagination, delete", async () => {
    const created = await identity.createUser(client, {
      body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: "ada@example.com", description: "Ada" },
    });
    assert.equal(created.status, 200);
    assert.equal(created.data.name, "ada@example.com");
    const lifecycle: identity.User["lifecycleState"] = created.data.lifecycleState;
    assert.equal(typeof lifecycle, "string");
    // CreateUser accepts opc-retry-token and identity retries by default: one was generated.
    const post = emulator.requests.findLast((r) => r.method === "POST");
    assert.match(String(post?.headers["opc-retry-token"]), /^[0-9a-f]{32}$/);

    const got = await identity.getUser(client, { userId: created.data.id });
    assert.equal(got.data.id, created.data.id);
    const updated = await identity.updateUser(client, {
      userId: created.data.id,
      ifMatch: got.headers.get("etag") ?? undefined,
      body: { description: "Ada Lovelace" },
    });
    assert.equal(updated.data.description, "Ada Lovelace");

    for (const name of ["b", "c", "d"]) {
      await identity.createUser(client, { body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: `${name}@example.com`, description: name } });
    }
    const names: string[] = [];
    for await (const user of paginate(identity.listUsers, client, { compartmentId: EMULATOR_COMPARTMENT_ID, limit: 2, sortBy: "NAME" })) {
      names.push(user.name);
    }
    assert.ok(names.length >= 4, names.join(", "));
    assert.ok(names.includes("ada@example.com"));
    assert.ok(emulator.requests.filter((r) => r.method === "GET" && r.path.includes("/users/?")).some((r) => r.path.includes("page=")));

    const deleted = await identity.deleteUser(client, { userId: created.data.id });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.data, undefined);
    await assert.rejects(identity.getUser(client, { userId: created.data.id }), (error: unknown) => {
      assert.ok(error instanceof OciServiceError, String(error));
      assert.equal(error.status, 404);
      return true;
    });
  });

  test("the service description points at the right place", () => {
    assert.deepEqual(identity.service, { name: "identity", endpointTemplate: "https://identity.{region}.{domain}", basePath: "/20160918" });
  });
});

describe("generated object storage client", () => {
  test("namespace, bucket, unsigned upload with metadata, binary download", async () => {
    const namespace = await objectstorage.getNamespace(client);
    assert.equal(namespace.data, EMULATOR_NAMESPACE);
    const bucket = await objectstorage.createBucket(client, {
      namespaceName: namespace.data,
      body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: "generated-test" },
    });
    assert.equal(bucket.data.name, "generated-test");
    const listed = await objectstorage.listBuckets(client, { namespaceName: namespace.data, compartmentId: EMULATOR_COMPARTMENT_ID, fields: ["tags"] });
    assert.ok(listed.data.some((b) => b.name === "generated-test"));
    assert.ok(emulator.requests.findLast((r) => r.path.includes("/b/?"))?.path.includes("fields=tags"));

    const put = await objectstorage.putObject(client, {
      namespaceName: namespace.data,
      bucketName: "generated-test",
      objectName: "dir/hello.txt",
      opcMeta: { colour: "blue" },
      body: "hello, object",
    });
    assert.equal(put.status, 200);
    const upload = emulator.requests.findLast((r) => r.method === "PUT");
    assert.equal(upload?.headers["opc-meta-colour"], "blue");
    // exclude_body: the body is not part of the signature.
    assert.doesNotMatch(String(upload?.headers["authorization"]), /x-content-sha256/);

    const got = await objectstorage.getObject(client, { namespaceName: namespace.data, bucketName: "generated-test", objectName: "dir/hello.txt" });
    assert.equal(await got.data.text(), "hello, object");
  });
});

describe("generated compute client (from Swagger 2.0)", () => {
  test("paginates every seeded instance", async () => {
    const ids = new Set<string>();
    for await (const instance of paginate(compute.listInstances, client, { compartmentId: EMULATOR_COMPARTMENT_ID, limit: 10 })) {
      ids.add(instance.id);
      assert.equal(typeof instance.lifecycleState, "string");
    }
    assert.equal(ids.size, SEEDED_INSTANCE_COUNT);
  });
});
