/**
 * `paginate` over the two paging styles the generator recognises, through the generated clients
 * against the emulator (strict validation): Object Storage's ListObjects (the body's
 * `nextStartWith` goes back as `start`, items in `objects`) and Oracle's standard (the
 * `opc-next-page` header goes back as `page`, the body is the array). The types' side (item
 * types inferred, non-paginated functions refused) is checked by tsc: the `satisfies` lines below,
 * and codegen-oracle.test.ts for Oracle's specs.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ApiKeySigner, OciRawError, createClient, invoke, paginate, paginatePages, type Client, type OciResponse } from "oci-raw";
import { EMULATOR_COMPARTMENT_ID, EMULATOR_NAMESPACE, json, startEmulator, type Emulator } from "oci-raw/emulator";
import * as objectstorage from "../generated/objectstorage/index.js";

let emulator: Emulator;
let client: Client;

const namespaceName = EMULATOR_NAMESPACE;
const bucketName = "paged";
const NAMES = ["g", "a", "c/2", "e", "b", "c/1", "d"];

before(async () => {
  emulator = await startEmulator();
  const key = await emulator.createApiKey();
  client = createClient({ signer: new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem }), endpoint: emulator.url, validation: "strict" });
  await objectstorage.createBucket(client, { namespaceName, body: { name: bucketName, compartmentId: EMULATOR_COMPARTMENT_ID } });
  for (const name of NAMES) {
    await objectstorage.putObject(client, { namespaceName, bucketName, objectName: name, body: name });
  }
  // Buckets for the header-paged ListBuckets (the emulator's token is opaque, as OCI's is).
  for (const name of ["paged-b1", "paged-b2", "paged-b3", "paged-b4"]) {
    await objectstorage.createBucket(client, { namespaceName, body: { name, compartmentId: EMULATOR_COMPARTMENT_ID } });
  }
});
after(() => emulator.stop());

const listRequests = () => emulator.requests.filter((r) => r.method === "GET" && /\/b\/paged\/o(\?|$)/.test(r.path));

describe("paginate, body-token style: Object Storage ListObjects (nextStartWith → start)", () => {
  test("walks 7 objects in name order over 3 requests of 3", async () => {
    emulator.clearRequests();
    const names: string[] = [];
    for await (const object of paginate(objectstorage.listObjects, client, { namespaceName, bucketName, limit: 3, fields: "name,size" })) {
      object satisfies objectstorage.ObjectSummary; // the item type is inferred from the response type
      names.push(object.name);
      assert.equal(object.size, object.name.length);
    }
    assert.deepEqual(names, [...NAMES].sort());
    const paths = listRequests().map((r) => r.path);
    assert.equal(paths.length, 3);
    assert.doesNotMatch(paths[0]!, /start=/);
    assert.match(paths[1]!, /[?&]start=c%2F2(&|$)/); // the first name of the second page
    assert.match(paths[2]!, /[?&]start=g(&|$)/);
    assert.ok(paths.every((p) => /[?&]limit=3(&|$)/.test(p) && !/[?&]page=/.test(p)));
  });

  test("pages carry their paging: the next start, the parameter, the items' property", async () => {
    const pages: Array<{ names: string[]; next: string | undefined }> = [];
    for await (const page of paginatePages(objectstorage.listObjects, client, { namespaceName, bucketName, limit: 3 })) {
      page satisfies OciResponse<objectstorage.ListObjects>;
      assert.equal(page.paging?.param, "start");
      assert.equal(page.paging?.items, "objects");
      assert.equal(page.paging?.next, page.data.nextStartWith);
      assert.equal(page.opcNextPage, undefined);
      pages.push({ names: page.data.objects.map((o) => o.name), next: page.paging?.next });
    }
    assert.deepEqual(pages, [
      { names: ["a", "b", "c/1"], next: "c/2" },
      { names: ["c/2", "d", "e"], next: "g" },
      { names: ["g"], next: undefined },
    ]);
  });

  test("the caller's own start, prefix and maxItems are honoured", async () => {
    const from = async (params: Omit<objectstorage.ListObjectsParams, "namespaceName" | "bucketName">, maxItems?: number) => {
      const names: string[] = [];
      for await (const object of paginate(objectstorage.listObjects, client, { namespaceName, bucketName, ...params }, { maxItems })) names.push(object.name);
      return names;
    };
    assert.deepEqual(await from({ start: "c", limit: 2 }), ["c/1", "c/2", "d", "e", "g"]);
    assert.deepEqual(await from({ prefix: "c/", limit: 1 }), ["c/1", "c/2"]);
    assert.deepEqual(await from({ limit: 2 }, 3), ["a", "b", "c/1"]);
    assert.deepEqual(await from({ start: "h" }), []);
  });

  test("a nextStartWith the service repeats ends with PAGINATION_LOOP", async () => {
    emulator.route("GET", "/n/{namespaceName}/b/stuck/o", () => json(200, { objects: [{ name: "x" }], nextStartWith: "x" }));
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of paginate(objectstorage.listObjects, client, { namespaceName, bucketName: "stuck" })) n++;
      })(),
      (error: unknown) => error instanceof OciRawError && error.code === "PAGINATION_LOOP" && /`start`/.test(error.message),
    );
    assert.equal(n, 2);
  });
});

describe("paginate, header style: ListBuckets (opc-next-page → page)", () => {
  test("still walks every page, and opcNextPage is still on the response", async () => {
    emulator.clearRequests();
    const names: string[] = [];
    for await (const bucket of paginate(objectstorage.listBuckets, client, { namespaceName, compartmentId: EMULATOR_COMPARTMENT_ID, limit: 2 })) {
      bucket satisfies objectstorage.BucketSummary;
      names.push(bucket.name);
    }
    assert.deepEqual(names, ["paged", "paged-b1", "paged-b2", "paged-b3", "paged-b4"]);
    const requests = emulator.requests.filter((r) => r.method === "GET" && r.path.includes("/b/?"));
    assert.equal(requests.length, 3);
    assert.ok(requests.slice(1).every((r) => /[?&]page=/.test(r.path)));

    const first = await objectstorage.listBuckets(client, { namespaceName, compartmentId: EMULATOR_COMPARTMENT_ID, limit: 2 });
    assert.equal(first.paging?.param, "page");
    assert.equal(first.paging?.items, undefined);
    assert.ok(first.opcNextPage);
    assert.equal(first.paging?.next, first.opcNextPage);
  });
});

describe("paginate, functions without paging (generated before it, or hand-written)", () => {
  test("follow opc-next-page into page, as before", async () => {
    const listBuckets = (c: Client, params: { page?: string | undefined }) =>
      invoke<unknown[]>(c, {
        service: objectstorage.service, operationId: "ListBuckets", method: "GET", path: "/n/{namespaceName}/b/",
        pathParams: { namespaceName }, query: { compartmentId: EMULATOR_COMPARTMENT_ID, limit: 3, page: params.page },
      });
    // The types refuse it (its response type is not Paged); JavaScript callers get the old rule.
    // @ts-expect-error not paginated
    const all = paginate(listBuckets, client, {});
    let n = 0;
    for await (const _ of all) n++;
    assert.equal(n, 5);
  });
});
