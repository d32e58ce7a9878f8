import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as z from "zod/mini";
import {
  ApiKeySigner,
  OciRawError,
  OciServiceError,
  ResponseValidationError,
  createClient,
  hasOciRawCode,
  invoke,
  paginate,
  paginatePages,
  retryStrategy,
  serviceBaseUrl,
  type Client,
  type OciResponse,
  type OperationRequest,
  type Paged,
  type ServiceInfo,
} from "oci-raw";
import { buildQuery } from "../runtime/client.js";
import { EMULATOR_COMPARTMENT_ID, EMULATOR_NAMESPACE, SEEDED_INSTANCE_COUNT, json, startEmulator, type Emulator } from "oci-raw/emulator";

const identity: ServiceInfo = { name: "identity", endpointTemplate: "https://identity.{region}.{domain}", basePath: "/20160918" };
const objectstorage: ServiceInfo = { name: "objectstorage", endpointTemplate: "https://objectstorage.{region}.{domain}", basePath: "" };

const User = z.looseObject({ id: z.string(), name: z.string(), lifecycleState: z.string() });

let emulator: Emulator;
let signer: ApiKeySigner;
const fast = retryStrategy({ baseDelayMs: 1, maxDelayMs: 5 });

before(async () => {
  emulator = await startEmulator();
  const key = await emulator.createApiKey();
  signer = new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem });
});
after(() => emulator.stop());

function client(extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({ signer, endpoint: emulator.url, validation: "strict", retry: fast, ...extra });
}

type UserShape = { id: string; name: string; lifecycleState: string };

function createUser(c: Client, name: string, options: Partial<OperationRequest<UserShape>> = {}) {
  return invoke<UserShape>(c, {
    service: identity,
    operationId: "CreateUser",
    method: "POST",
    path: "/users/",
    body: { compartmentId: EMULATOR_COMPARTMENT_ID, name, description: `user ${name}` },
    schema: () => User,
    acceptsRetryToken: true,
    ...options,
  });
}

function listRequest(params: { limit?: number; page?: string | undefined } = {}): OperationRequest<Array<{ id: string }>> {
  return {
    service: identity, // same /20160918 base path as core services
    operationId: "ListInstances",
    method: "GET",
    path: "/instances",
    query: { compartmentId: EMULATOR_COMPARTMENT_ID, limit: params.limit, page: params.page },
    paging: { param: "page", next: { header: "opc-next-page" } },
  };
}

function listInstances(c: Client, params: { limit?: number; page?: string | undefined }) {
  return invoke<Array<{ id: string }>, Paged>(c, listRequest(params));
}

describe("endpoints", () => {
  test("region fills the template through the realm table; endpoint replaces the origin", () => {
    const c = createClient({ signer, region: "phx" });
    assert.equal(serviceBaseUrl(c, { service: identity, operationId: "X" }), "https://identity.us-phoenix-1.oraclecloud.com/20160918");
    const c2 = createClient({ signer, region: "uk-gov-london-1" });
    assert.equal(serviceBaseUrl(c2, { service: objectstorage, operationId: "X" }), "https://objectstorage.uk-gov-london-1.oraclegovcloud.uk");
    const c3 = createClient({ signer, endpoint: "http://127.0.0.1:9/" });
    assert.equal(serviceBaseUrl(c3, { service: identity, operationId: "X" }), "http://127.0.0.1:9/20160918");
  });

  test("a per-resource service without endpoint, or no region, is a clear error", () => {
    const kms: ServiceInfo = { name: "kms", basePath: "/20180608" };
    assert.throws(() => serviceBaseUrl(createClient({ signer, region: "phx" }), { service: kms, operationId: "ListKeys" }), {
      code: "ENDPOINT_REQUIRED",
      message: /kms has per-resource endpoints.*endpoint.*ListKeys/,
    });
    assert.throws(() => serviceBaseUrl(createClient({ signer }), { service: identity, operationId: "ListUsers" }), (error: unknown) => {
      // oci-raw's own code: `source` tells it from an OciServiceError's OCI code.
      assert.ok(hasOciRawCode(error));
      assert.equal(error.source, "oci-raw");
      assert.equal(error.code, "REGION_REQUIRED");
      return true;
    });
  });

  test("createClient without a signer says what to pass", () => {
    assert.throws(() => createClient({} as never), /signer/);
  });

  test("query values are percent-encoded once; arrays repeat; undefined and null are dropped", () => {
    assert.equal(
      buildQuery({ a: "x y+z", b: undefined, c: null, d: ["1", 2], e: new Date("2024-01-02T03:04:05Z"), f: true }),
      "?a=x%20y%2Bz&d=1&d=2&e=2024-01-02T03%3A04%3A05.000Z&f=true",
    );
  });
});

describe("invoke against the emulator", () => {
  test("create, get, and a typed OciServiceError for a missing user", async () => {
    const c = client();
    const created = await createUser(c, "alice");
    assert.equal(created.status, 200);
    assert.equal(created.data.name, "alice");
    assert.ok(created.opcRequestId);
    const got = await invoke<UserShape>(c, {
      service: identity,
      operationId: "GetUser",
      method: "GET",
      path: "/users/{userId}",
      pathParams: { userId: created.data.id },
      schema: () => User,
    });
    assert.equal(got.data.id, created.data.id);
    const missing = invoke(c, { service: identity, operationId: "GetUser", method: "GET", path: "/users/{userId}", pathParams: { userId: "ocid1.user.oc1..nope/../x" } });
    await assert.rejects(missing, (error: unknown) => {
      assert.ok(error instanceof OciServiceError);
      assert.equal(error.status, 404);
      assert.equal(error.code, "NotAuthorizedOrNotFound");
      // OCI's code, and marked as such: not one of oci-raw's OciRawErrorCode values.
      assert.equal(error.source, "service");
      assert.equal(hasOciRawCode(error), false);
      assert.ok(error.opcRequestId);
      assert.match(error.url, /users\/ocid1\.user\.oc1\.\.nope%2F\.\.%2Fx$/);
      return true;
    });
  });

  test("a missing path parameter is an error before anything is sent", async () => {
    const before = emulator.requests.length;
    await assert.rejects(
      invoke(client(), { service: identity, operationId: "GetUser", method: "GET", path: "/users/{userId}", pathParams: {} }),
      /GetUser: path parameter "userId" is required/,
    );
    assert.equal(emulator.requests.length, before);
  });

  test("validation strict throws with path, expected and received type (never the value); warn reports once per operation; off skips", async () => {
    const Wrong = z.looseObject({ id: z.number() });
    const op = (c: Client) =>
      invoke(c, { service: identity, operationId: "CreateUser", method: "POST", path: "/users/", body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: `v${Math.random()}`, description: "d" }, schema: () => Wrong });
    await assert.rejects(op(client()), (error: unknown) => {
      assert.ok(error instanceof ResponseValidationError);
      assert.deepEqual(error.issues[0], { path: "$.id", expected: "number", received: "string", message: "expected number, received string" });
      assert.match(error.message, /at \$\.id: expected number, received string/);
      // The value itself (the user's OCID) is nowhere in the error.
      assert.doesNotMatch(JSON.stringify({ ...error, message: error.message, stack: error.stack }), /ocid1\.user\./);
      assert.ok(error.opcRequestId);
      return true;
    });
    const warnings: string[] = [];
    const warn = client({ validation: "warn", onWarning: (m) => warnings.push(m) });
    let parses = 0;
    const counted = (c: Client) =>
      invoke(c, { service: identity, operationId: "CreateUser", method: "POST", path: "/users/", body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: `v${Math.random()}`, description: "d" }, schema: () => ({ safeParse: (d: unknown) => (parses++, Wrong.safeParse(d)) }) });
    const r1 = await counted(warn);
    await counted(warn);
    assert.equal(parses, 1, "after its warning, an operation is not validated again");
    assert.equal(typeof (r1.data as { id: unknown }).id, "string", "warn returns the data as received");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /CreateUser.*\$\.id/);
    let built = 0;
    await invoke(client({ validation: "off" }), { service: identity, operationId: "X", method: "GET", path: "/users/", query: { compartmentId: EMULATOR_COMPARTMENT_ID }, schema: () => (built++, Wrong) });
    assert.equal(built, 0, "validation off never builds the schema");
  });

  test("operations that retry by default survive 503s; others fail on the first", async () => {
    emulator.faults.failNext(1, 503, "ServiceUnavailable");
    await assert.rejects(listInstances(client(), { limit: 1 }), { status: 503, code: "ServiceUnavailable" });
    emulator.faults.failNext(2, 503, "ServiceUnavailable");
    const retried = await invoke(client(), {
      service: identity, operationId: "ListInstances", method: "GET", path: "/instances",
      query: { compartmentId: EMULATOR_COMPARTMENT_ID, limit: 1 }, retryByDefault: true,
    });
    assert.equal(retried.status, 200);
  });

  test("client-level headers apply whatever their case, and a request's own header beats them", async () => {
    emulator.clearRequests();
    const c = client({ headers: { Accept: "application/vnd.example+json", "Opc-Client-Info": "my-app/1.0", "X-Team": "a" } });
    await listInstances(c, { limit: 1 });
    await invoke(c, { ...listRequest(), headers: { "x-team": "b" } });
    const [first, second] = emulator.requests.filter((r) => r.method === "GET");
    assert.equal(first?.headers["accept"], "application/vnd.example+json");
    assert.equal(first?.headers["opc-client-info"], "my-app/1.0");
    assert.equal(first?.headers["x-team"], "a");
    assert.equal(second?.headers["x-team"], "b");
  });

  test("a retried POST carries a generated opc-retry-token, the same on every attempt", async () => {
    emulator.clearRequests();
    emulator.faults.failNext(1, 503, "ServiceUnavailable");
    const created = await createUser(client(), "bob", { retryByDefault: true });
    assert.equal(created.data.name, "bob");
    const tokens = emulator.requests.filter((r) => r.method === "POST").map((r) => r.headers["opc-retry-token"]);
    assert.equal(tokens.length, 2);
    assert.ok(typeof tokens[0] === "string" && tokens[0].length >= 16);
    assert.equal(tokens[0], tokens[1]);
  });

  test("binary responses return the raw Response; bodies excluded from the signature can stream", async () => {
    const c = client();
    await invoke(c, { service: objectstorage, operationId: "CreateBucket", method: "POST", path: "/n/{namespaceName}/b/", pathParams: { namespaceName: EMULATOR_NAMESPACE }, body: { name: "blobs", compartmentId: EMULATOR_COMPARTMENT_ID } });
    const bytes = new TextEncoder().encode("héllo, object storage");
    const stream = new ReadableStream<Uint8Array>({ start(ctl) { ctl.enqueue(bytes.slice(0, 4)); ctl.enqueue(bytes.slice(4)); ctl.close(); } });
    const put = await invoke(c, {
      service: objectstorage, operationId: "PutObject", method: "PUT", path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
      pathParams: { namespaceName: EMULATOR_NAMESPACE, bucketName: "blobs", objectName: "dir/a b.txt" },
      headers: { "content-length": bytes.byteLength }, body: stream, bodyKind: "binary", responseKind: "none", excludeBodyFromSignature: true,
    });
    assert.equal(put.status, 200);
    const got: OciResponse<Response> = await invoke(c, {
      service: objectstorage, operationId: "GetObject", method: "GET", path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
      pathParams: { namespaceName: EMULATOR_NAMESPACE, bucketName: "blobs", objectName: "dir/a b.txt" }, responseKind: "binary",
    });
    assert.deepEqual(new Uint8Array(await got.data.arrayBuffer()), bytes);
  });
});

test("ListObjects pages by object name (nextStartWith), as Object Storage does", async () => {
  const c = client();
  const os = (path: string, extra: Pick<OperationRequest, "query"> = {}) =>
    invoke<{ objects: Array<{ name: string; size: number }>; nextStartWith?: string }>(c, {
      service: objectstorage, operationId: "X", method: "GET", path, pathParams: { namespaceName: EMULATOR_NAMESPACE, bucketName: "listing" }, ...extra,
    });
  await invoke(c, { service: objectstorage, operationId: "CreateBucket", method: "POST", path: "/n/{namespaceName}/b/", pathParams: { namespaceName: EMULATOR_NAMESPACE }, body: { name: "listing", compartmentId: EMULATOR_COMPARTMENT_ID } });
  for (const name of ["c", "a", "b/1", "b/2"]) {
    await invoke(c, { service: objectstorage, operationId: "PutObject", method: "PUT", path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}", pathParams: { namespaceName: EMULATOR_NAMESPACE, bucketName: "listing", objectName: name }, body: name, bodyKind: "binary", responseKind: "none", excludeBodyFromSignature: true });
  }
  const first = await os("/n/{namespaceName}/b/{bucketName}/o", { query: { limit: 2 } });
  assert.deepEqual(first.data.objects.map((o) => o.name), ["a", "b/1"]);
  assert.equal(first.data.nextStartWith, "b/2");
  const rest = await os("/n/{namespaceName}/b/{bucketName}/o", { query: { start: first.data.nextStartWith, prefix: "b", fields: "name,size" } });
  assert.deepEqual(rest.data.objects.map((o) => [o.name, o.size]), [["b/2", 3]]);
  assert.equal(rest.data.nextStartWith, undefined);
});

describe("paginate", () => {
  test("every item of every page, honouring the page size", async () => {
    emulator.clearRequests();
    const ids: string[] = [];
    for await (const instance of paginate(listInstances, client(), { limit: 10 })) ids.push(instance.id);
    assert.equal(ids.length, SEEDED_INSTANCE_COUNT);
    assert.equal(new Set(ids).size, SEEDED_INSTANCE_COUNT);
    assert.equal(emulator.requests.length, Math.ceil(SEEDED_INSTANCE_COUNT / 10));
  });

  test("pages, maxItems, and an AbortSignal stop cleanly", async () => {
    const sizes: number[] = [];
    for await (const page of paginatePages(listInstances, client(), { limit: 10 })) sizes.push(page.data.length);
    assert.deepEqual(sizes, [10, 10, 5]);
    let n = 0;
    for await (const _ of paginate(listInstances, client(), { limit: 4 }, { maxItems: 6 })) n++;
    assert.equal(n, 6);
    const controller = new AbortController();
    await assert.rejects(
      (async () => {
        for await (const _ of paginate(listInstances, client(), { limit: 5 }, { signal: controller.signal })) controller.abort();
      })(),
      { name: "AbortError" },
    );
  });

  test("a page token the service repeats ends with an error instead of looping", async () => {
    emulator.route("GET", "/loop/items", () => json(200, [{ id: "x" }], { "opc-next-page": "again" }));
    const loop = (c: Client, p: { page?: string | undefined }) =>
      invoke<Array<{ id: string }>, Paged>(c, {
        service: { name: "loop", basePath: "" }, operationId: "ListLoop", method: "GET", path: "/loop/items", query: { page: p.page },
        paging: { param: "page", next: { header: "opc-next-page" } },
      });
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of paginate(loop, client(), {})) n++;
      })(),
      (error: unknown) => error instanceof OciRawError && error.code === "PAGINATION_LOOP",
    );
    assert.equal(n, 2);
  });
});
