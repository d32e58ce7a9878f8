/**
 * The spec-driven emulator (startEmulator({ specs })) on Oracle's full specs from
 * ../shared/oci-specs: identity, object storage, core (compute/network/block storage) and the
 * vault's secrets (management and retrieval).
 *
 * The walk sends one signed request (the runtime's signedFetch, an emulator API key) per
 * operation of every spec — creates first, so later operations name resources that exist,
 * deletes last — and accepts an answer only if it is either a documented 2xx whose JSON body
 * validates against the operation's response schema, or an OCI error body `{code, message}`
 * with a status the operation documents.
 *
 * How bodies are validated: generated/ holds zod validators only for this repo's trimmed
 * identity, compute and object storage specs (specs/), which cover a handful of schemas (User,
 * Instance, Bucket, …) of the full specs walked here. So every body goes through a small
 * structural check written in this file from the OpenAPI document (required properties
 * present and not null, types, enums, RFC 3339 date-times, discriminated subtypes, `null`
 * accepted for optional properties as DECISIONS 13 reads OCI), independent of the emulator's
 * own request checker; and where the response is (an array of) a component schema that
 * generated/ has a validator for, the generated zod validator checks it as well.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve as resolvePath } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { EMULATOR_COMPARTMENT_ID, EMULATOR_NAMESPACE, startEmulator } from "../emulator/index.js";
import type { Emulator } from "../emulator/index.js";
import { classifyOperations, loadSpecServices, normalTemplate, type SpecService } from "../emulator/specs/mount.js";
import { generate, type GenerateContext } from "../emulator/specs/schema.js";
import * as computeGenerated from "../generated/compute/index.js";
import * as identityGenerated from "../generated/identity/index.js";
import * as objectstorageGenerated from "../generated/objectstorage/index.js";
import { ApiKeySigner } from "../runtime/signers.js";
import { signedFetch } from "../runtime/request.js";
import type { OperationModel } from "../codegen/operations.js";

const ROOT = resolvePath(dirname(fileURLToPath(import.meta.url)), "..");
const SPECS_DIR = resolvePath(ROOT, "..", "shared", "oci-specs");
const SPECS = ["identity", "objectstorage", "core-iaas", "vault-secretmgmt", "secretretrieval"].map((name) => join(SPECS_DIR, `${name}.swagger.yaml`));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------
// The structural check, from the OpenAPI document (independent of emulator/specs/schema.ts).

function deref(doc: JsonObject, node: Json | undefined): JsonObject {
  let current = node;
  for (let i = 0; isObject(current) && typeof current["$ref"] === "string" && i < 20; i++) {
    current = current["$ref"].slice(2).split("/").reduce<Json | undefined>((at, key) => (isObject(at) ? at[key.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), doc);
  }
  return isObject(current) ? current : {};
}

/** The schema with its allOf members folded in (properties and required names united). */
function merged(doc: JsonObject, node: Json | undefined): { schema: JsonObject; properties: Record<string, Json>; required: string[] } {
  const schema = deref(doc, node);
  const out = { schema: { ...schema }, properties: {} as Record<string, Json>, required: [] as string[] };
  for (const member of Array.isArray(schema["allOf"]) ? schema["allOf"] : []) {
    const inner = merged(doc, member);
    Object.assign(out.properties, inner.properties);
    out.required.push(...inner.required);
    for (const key of ["type", "enum", "format", "items", "additionalProperties"]) if (inner.schema[key] !== undefined && out.schema[key] === undefined) out.schema[key] = inner.schema[key];
  }
  if (isObject(schema["properties"])) Object.assign(out.properties, schema["properties"]);
  if (Array.isArray(schema["required"])) out.required.push(...schema["required"].filter((r): r is string => typeof r === "string"));
  return out;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function structuralProblems(doc: JsonObject, node: Json | undefined, value: unknown, path: string, problems: string[], depth = 0): void {
  if (depth > 40 || problems.length > 5) return;
  const base = deref(doc, node);
  const discriminator = isObject(base["discriminator"]) ? base["discriminator"] : undefined;
  if (discriminator && isObject(discriminator["mapping"]) && isObject(value)) {
    const tag = value[String(discriminator["propertyName"])];
    const target = typeof tag === "string" ? discriminator["mapping"][tag] : undefined;
    if (typeof target !== "string") problems.push(`${path}: discriminator ${String(discriminator["propertyName"])}=${String(tag)} names no subtype`);
    else structuralProblems(doc, { $ref: target }, value, path, problems, depth + 1);
    return;
  }
  const { schema, properties, required } = merged(doc, node);
  const type = schema["type"] ?? (Object.keys(properties).length > 0 ? "object" : undefined);
  const fail = (what: string) => problems.push(`${path}: ${what}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  if (Array.isArray(schema["enum"]) && !schema["enum"].includes(value as Json)) return void fail(`not one of ${schema["enum"].join("|")}`);
  switch (type) {
    case "string":
      if (typeof value !== "string") return void fail("not a string");
      if (schema["format"] === "date-time" && !RFC3339.test(value)) fail("not an RFC 3339 date-time");
      return;
    case "integer":
      if (!Number.isInteger(value)) fail("not an integer");
      return;
    case "number":
      if (typeof value !== "number") fail("not a number");
      return;
    case "boolean":
      if (typeof value !== "boolean") fail("not a boolean");
      return;
    case "array":
      if (!Array.isArray(value)) return void fail("not an array");
      value.forEach((item, i) => structuralProblems(doc, schema["items"], item, `${path}[${i}]`, problems, depth + 1));
      return;
    case "object": {
      if (!isObject(value)) return void fail("not an object");
      for (const name of required) if (value[name] === undefined || value[name] === null) problems.push(`${path}.${name}: required, missing or null`);
      for (const [name, property] of Object.entries(properties)) {
        if (value[name] !== undefined && value[name] !== null) structuralProblems(doc, property, value[name], `${path}.${name}`, problems, depth + 1);
      }
      return;
    }
    default:
  }
}

// The generated zod validators, by component schema name, for the services generated/ has.
type Validator = () => { safeParse(value: unknown): { success: boolean; error?: unknown } };
const GENERATED: Record<string, Record<string, unknown>> = {
  "identity.swagger.yaml": identityGenerated,
  "core-iaas.swagger.yaml": computeGenerated,
  "objectstorage.swagger.yaml": objectstorageGenerated,
};

function zodFor(file: string, doc: JsonObject, schema: Json | undefined): { validator: Validator; array: boolean } | undefined {
  const module = GENERATED[file.split("/").at(-1)!];
  if (module === undefined || !isObject(schema)) return undefined;
  const array = schema["type"] === "array";
  const ref = array && isObject(schema["items"]) ? schema["items"]["$ref"] : schema["$ref"];
  const name = typeof ref === "string" ? /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1] : undefined;
  const validator = name === undefined ? undefined : module[`${name}Schema`];
  void doc;
  return typeof validator === "function" ? { validator: validator as Validator, array } : undefined;
}

// ---------------------------------------------------------------------------------------

function documentedStatuses(doc: JsonObject, op: OperationModel): string[] {
  const item = deref(doc, (doc["paths"] as JsonObject)[op.path]);
  const operation = deref(doc, item[op.method.toLowerCase()]);
  return Object.keys(isObject(operation["responses"]) ? operation["responses"] : {});
}

function documentedHeaders(doc: JsonObject, op: OperationModel, status: number): string[] {
  const item = deref(doc, (doc["paths"] as JsonObject)[op.path]);
  const operation = deref(doc, item[op.method.toLowerCase()]);
  const response = deref(doc, isObject(operation["responses"]) ? operation["responses"][String(status)] : undefined);
  return Object.keys(isObject(response["headers"]) ? response["headers"] : {}).map((name) => name.toLowerCase());
}

function withoutNulls(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

let emulator: Emulator;
let signer: ApiKeySigner;
let services: SpecService[];

before(async () => {
  [emulator, services] = await Promise.all([
    startEmulator({ specs: SPECS, seed: "walk", lifecycleDelayMs: 60_000 }),
    loadSpecServices(SPECS),
  ]);
  const key = await emulator.createApiKey();
  signer = new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem });
});
after(() => emulator?.stop());

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await signedFetch(`${emulator.url}${path}`, {
    method,
    signer,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } }),
    ...(body === undefined && Object.keys(headers).length > 0 ? { headers } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

describe("every operation of Oracle's specs", () => {
  test("the structural check is not vacuous", () => {
    const core = services.find((service) => service.file.endsWith("core-iaas.swagger.yaml"))!;
    const vcn = { $ref: "#/components/schemas/Vcn" };
    const good = { id: "ocid1.vcn.oc1..x", compartmentId: "c", lifecycleState: "AVAILABLE", cidrBlock: "10.0.0.0/16", cidrBlocks: [], timeCreated: "2026-01-02T03:04:05.678Z", dnsLabel: null };
    const problems = (value: unknown) => {
      const found: string[] = [];
      structuralProblems(core.doc, vcn, value, "body", found);
      return found;
    };
    assert.deepEqual(problems(good), []);
    assert.match(problems({ ...good, compartmentId: null }).join(), /compartmentId: required/);
    assert.match(problems({ ...good, lifecycleState: "SLEEPING" }).join(), /lifecycleState: not one of/);
    assert.match(problems({ ...good, timeCreated: "yesterday" }).join(), /RFC 3339/);
    assert.match(problems({ ...good, cidrBlocks: [1] }).join(), /cidrBlocks\[0\]: not a string/);
    assert.match(problems([good]).join(), /not an object/);
    const source = { $ref: "#/components/schemas/VolumeSourceDetails" };
    const found: string[] = [];
    structuralProblems(core.doc, source, { type: "volume" }, "body", found);
    assert.match(found.join(), /body\.id: required/, "a discriminated subtype is checked as that subtype");
  });

  test("answers a schema-valid 2xx or an OCI error it documents", async (t) => {
    const started = performance.now();
    const context: GenerateContext = { doc: {}, now: new Date(), ocid: (kind) => `ocid1.${kind}.oc1..aaaaaaaawalk` };
    const failures: string[] = [];
    const tally: string[] = [];
    for (const service of services) {
      const { doc } = service;
      const ctx = { ...context, doc };
      const roles = classifyOperations(service.operations);
      const phase = (op: OperationModel) => ({ create: 0, delete: 2 })[roles.get(op)!.role as "create"] ?? 1;
      const depth = (op: OperationModel) => op.path.split("/").length;
      const ordered = [...service.operations].sort((a, b) => phase(a) - phase(b) || depth(a) - depth(b));
      const ids = new Map<string, JsonObject>(); // item template (`/vcns/{}`) → a resource that exists
      let lastWorkRequest: string | undefined; // an opc-work-request-id seen: its work request exists
      const counts = { ok: 0, error: 0, failed: 0, zod: 0, statuses: new Map<number, number>() };
      for (const op of ordered) {
        const segments = op.path.replace(/\/+$/, "").split("/");
        const path =
          service.basePath +
          op.path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
            const index = segments.indexOf(whole);
            const resource = index === -1 ? undefined : ids.get(normalTemplate(segments.slice(0, index + 1).join("/")));
            const known = resource?.[/Name$/.test(name) ? "name" : "id"] ?? resource?.["id"] ?? resource?.["name"];
            const value = known ?? (/^(\w*W|w)orkRequestId$/.test(name) ? lastWorkRequest : undefined) ?? (name === "namespaceName" ? EMULATOR_NAMESPACE : /Id$/.test(name) ? `ocid1.${name.toLowerCase()}.oc1..aaaaaaaaunknown` : `unknown-${name}`);
            return encodeURIComponent(String(value));
          });
        const query = new URLSearchParams();
        const headers: Record<string, string> = {};
        for (const param of op.params) {
          if (!param.required || param.in === "path") continue;
          if (param.in === "header") {
            if (!/^(content-length|content-type|if-match)$/i.test(param.name)) headers[param.name] = String(generate(ctx, param.schema, param.name));
            continue;
          }
          const value = param.name === "compartmentId" ? EMULATOR_COMPARTMENT_ID : generate(ctx, param.schema, param.name);
          query.set(param.name, Array.isArray(value) ? value.join(",") : String(value));
        }
        const target = path + (query.size > 0 ? `?${query}` : "");
        let answer: Awaited<ReturnType<typeof send>>;
        if (op.body?.kind === "binary") {
          const response = await signedFetch(`${emulator.url}${target}`, {
            method: op.method,
            signer,
            body: "walk",
            headers: { "content-type": "application/octet-stream", ...headers },
            excludeBodyFromSignature: op.excludeBodyFromSignature,
          });
          const text = await response.text();
          answer = { status: response.status, headers: response.headers, text, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
        } else {
          // A client leaves unset optional properties out (the generator writes them as null).
          const body = op.body === undefined ? undefined : withoutNulls(generate(ctx, op.body.schema, "body"));
          if (isObject(body) && "compartmentId" in body) body["compartmentId"] = EMULATOR_COMPARTMENT_ID;
          answer = await send(op.method, target, body, headers);
        }
        lastWorkRequest = answer.headers.get("opc-work-request-id") ?? lastWorkRequest;
        counts.statuses.set(answer.status, (counts.statuses.get(answer.status) ?? 0) + 1);
        const documented = documentedStatuses(doc, op);
        const where = `${service.file.split("/").at(-1)} ${op.operationId} ${op.method} ${target}`;
        const problems: string[] = [];
        if (!documented.includes(String(answer.status)) && !documented.includes("default") && !documented.includes(`${String(answer.status)[0]}XX`)) {
          problems.push(`status ${answer.status} is not documented (${documented.join(", ")})`);
        }
        if (answer.status >= 200 && answer.status < 300) {
          if (op.response.kind === "json") {
            const value = answer.text === "" ? undefined : (JSON.parse(answer.text) as unknown);
            structuralProblems(doc, op.response.schema, value, "body", problems);
            const zod = zodFor(service.file, doc, op.response.schema);
            if (zod !== undefined) {
              counts.zod++;
              for (const item of zod.array && Array.isArray(value) ? value : [value]) {
                const parsed = zod.validator().safeParse(item);
                if (!parsed.success) problems.push(`generated validator: ${String(parsed.error).slice(0, 300)}`);
              }
            }
            if (roles.get(op)!.role === "create" && isObject(value)) {
              ids.set(`${normalTemplate(op.path)}/{}`, value);
            }
          }
          if (answer.headers.get("opc-request-id") === null) problems.push("no opc-request-id");
          if (documentedHeaders(doc, op, answer.status).includes("etag") && answer.headers.get("etag") === null) problems.push("no etag");
          counts.ok++;
        } else if (op.method !== "HEAD") {
          const body = answer.json;
          if (process.env["WALK_DEBUG"]) t.diagnostic(`${where} → ${answer.status} ${answer.text.slice(0, 160)}`);
          if (!(isObject(body) && typeof body["code"] === "string" && typeof body["message"] === "string" && Object.keys(body).length === 2)) {
            problems.push(`not an OCI error body: ${answer.text.slice(0, 200)}`);
          }
          counts.error++;
        } else {
          counts.error++;
        }
        if (problems.length > 0) {
          counts.failed++;
          failures.push(`${where} → ${answer.status}: ${problems.join("; ")}`);
        }
      }
      const statuses = [...counts.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(" ");
      tally.push(`${service.file.split("/").at(-1)}: ${service.operations.length} operations, ${counts.ok} 2xx, ${counts.error} errors, ${counts.failed} failed (${statuses}); ${counts.zod} bodies also checked by generated/ zod validators`);
    }
    for (const line of tally) t.diagnostic(line);
    t.diagnostic(`walk took ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(failures.slice(0, 30), [], `${failures.length} operations answered wrongly`);
  });
});

// ---------------------------------------------------------------------------------------
// Resources, lifecycle, work requests and request checks, on a second emulator whose
// lifecycle moves fast enough to watch.

const DELAY = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OCID = /^ocid1\.[a-z0-9]+\.oc1\.\.[a-z2-7]{60}$/;

describe("spec-driven resources", () => {
  let fast: Emulator;
  let fastSigner: ApiKeySigner;
  before(async () => {
    fast = await startEmulator({ specs: [join(SPECS_DIR, "core-iaas.swagger.yaml"), join(SPECS_DIR, "identity.swagger.yaml")], lifecycleDelayMs: DELAY });
    const key = await fast.createApiKey();
    fastSigner = new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem });
  });
  after(() => fast?.stop());

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const hasBody = body !== undefined;
    const response = await signedFetch(`${fast.url}${path}`, {
      method,
      signer: fastSigner,
      headers: hasBody ? { "content-type": "application/json", ...headers } : headers,
      ...(hasBody ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === "" ? undefined : JSON.parse(text)) as Record<string, unknown> & Array<Record<string, unknown>> };
  }

  test("a VCN: create → PROVISIONING → AVAILABLE, list pages, update, delete → TERMINATING → TERMINATED → 404", async () => {
    const details = { compartmentId: EMULATOR_COMPARTMENT_ID, cidrBlock: "10.0.0.0/16", displayName: "flow" };
    const created = await call("POST", "/20160918/vcns", details);
    assert.equal(created.status, 200);
    const vcn = created.body;
    assert.match(String(vcn["id"]), OCID);
    assert.ok(String(vcn["id"]).startsWith("ocid1.vcn."));
    assert.equal(vcn["lifecycleState"], "PROVISIONING");
    assert.equal(vcn["displayName"], "flow");
    assert.equal(vcn["compartmentId"], EMULATOR_COMPARTMENT_ID);
    assert.match(String(vcn["timeCreated"]), RFC3339);
    assert.equal(vcn["dnsLabel"], null, "an unset optional property is null, as OCI writes it");
    assert.ok(created.headers.get("etag"));
    assert.ok(created.headers.get("opc-request-id"));

    const path = `/20160918/vcns/${vcn["id"]}`;
    assert.equal((await call("GET", path)).body["lifecycleState"], "PROVISIONING");
    await sleep(DELAY + 50);
    const available = await call("GET", path);
    assert.equal(available.body["lifecycleState"], "AVAILABLE");
    assert.equal(available.body["timeCreated"], vcn["timeCreated"]);

    for (const name of ["second", "third"]) assert.equal((await call("POST", "/20160918/vcns", { ...details, displayName: name })).status, 200);
    const list = `/20160918/vcns?compartmentId=${EMULATOR_COMPARTMENT_ID}&limit=2`;
    const first = await call("GET", list);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.map((item) => item["displayName"]), ["flow", "second"]);
    const next = first.headers.get("opc-next-page");
    assert.ok(next, "opc-next-page on a page with more after it");
    const second = await call("GET", `${list}&page=${encodeURIComponent(next)}`);
    assert.deepEqual(second.body.map((item) => item["displayName"]), ["third"]);
    assert.equal(second.headers.get("opc-next-page"), null);
    const byName = await call("GET", `/20160918/vcns?compartmentId=${EMULATOR_COMPARTMENT_ID}&displayName=third`);
    assert.deepEqual(byName.body.map((item) => item["displayName"]), ["third"], "query parameters named like properties filter");
    assert.deepEqual((await call("GET", `/20160918/vcns?compartmentId=ocid1.compartment.oc1..other`)).body, []);

    const etag = available.headers.get("etag")!;
    const updated = await call("PUT", path, { displayName: "renamed" }, { "if-match": etag });
    assert.equal(updated.status, 200);
    assert.equal(updated.body["displayName"], "renamed");
    assert.equal(updated.body["cidrBlock"], "10.0.0.0/16", "update merges");
    assert.notEqual(updated.headers.get("etag"), etag);
    const stale = await call("PUT", path, { displayName: "again" }, { "if-match": etag });
    assert.equal(stale.status, 412);
    assert.equal(stale.body["code"], "NoEtagMatch");

    assert.equal((await call("DELETE", path)).status, 204);
    assert.equal((await call("GET", path)).body["lifecycleState"], "TERMINATING");
    await sleep(DELAY + 50);
    assert.equal((await call("GET", path)).body["lifecycleState"], "TERMINATED");
    await sleep(DELAY + 50);
    const gone = await call("GET", path);
    assert.equal(gone.status, 404);
    assert.deepEqual(Object.keys(gone.body).sort(), ["code", "message"]);
    assert.equal(gone.body["code"], "NotAuthorizedOrNotFound");
  });

  test("a work request: DeleteCompartment's opc-work-request-id goes ACCEPTED → IN_PROGRESS → SUCCEEDED", async () => {
    const created = await call("POST", "/20160918/compartments/", { compartmentId: EMULATOR_COMPARTMENT_ID, name: "wr", description: "work request" });
    assert.equal(created.status, 200);
    assert.equal(created.body["lifecycleState"], "CREATING");
    await sleep(DELAY + 50);
    const deleted = await call("DELETE", `/20160918/compartments/${created.body["id"]}`);
    assert.equal(deleted.status, 202);
    const id = deleted.headers.get("opc-work-request-id");
    assert.match(String(id), OCID);
    const status = async () => (await call("GET", `/20160918/workRequests/${id}`)).body;
    const accepted = await status();
    assert.equal(accepted["status"], "ACCEPTED");
    assert.equal(accepted["id"], id);
    assert.equal(accepted["operationType"], "DELETE_COMPARTMENT", "the spec's own value when the operation's name maps onto it");
    await sleep(DELAY + 50);
    assert.equal((await status())["status"], "IN_PROGRESS");
    await sleep(DELAY + 50);
    const done = await status();
    assert.equal(done["status"], "SUCCEEDED");
    assert.equal(done["percentComplete"], 100);
    assert.match(String(done["timeFinished"]), RFC3339);
    assert.equal((await call("GET", "/20160918/workRequests/ocid1.workrequest.oc1..nope")).status, 404);
    // A create that answers 202 and no body tells the new resource's id in its work request.
    const domain = await call("POST", "/20160918/domains", {
      compartmentId: EMULATOR_COMPARTMENT_ID,
      displayName: "d",
      description: "d",
      homeRegion: "us-ashburn-1",
      licenseType: "free",
    });
    assert.equal(domain.status, 202);
    assert.equal(domain.body, undefined);
    const creating = (await call("GET", `/20160918/iamWorkRequests/${domain.headers.get("opc-work-request-id")}`)).body;
    assert.equal(creating["operationType"], "CREATE_DOMAIN");
    const resources = creating["resources"] as Array<Record<string, unknown>>;
    assert.equal(resources.length, 1);
    assert.equal(resources[0]!["actionType"], "CREATED");
    assert.equal(resources[0]!["entityType"], "domain");
    const got = await call("GET", `/20160918/domains/${resources[0]!["identifier"]}`);
    assert.equal(got.status, 200);
    assert.equal(got.body["lifecycleState"], "CREATING");
    assert.equal(got.body["displayName"], "d");

    // An operation whose name is not among the enum's values gets one of them (here the first).
    const tagNamespace = await call("POST", "/20160918/tagNamespaces", { compartmentId: EMULATOR_COMPARTMENT_ID, name: "ns", description: "d" });
    const cascade = await call("POST", `/20160918/tagNamespaces/${tagNamespace.body["id"]}/actions/cascadeDelete`);
    assert.equal(cascade.status, 202);
    const other = (await call("GET", `/20160918/taggingWorkRequests/${cascade.headers.get("opc-work-request-id")}`)).body;
    assert.equal(other["operationType"], "DELETE_TAG_DEFINITION");
  });

  test("request checks: OCI's MissingParameter, InvalidParameter and NotAuthorizedOrNotFound", async () => {
    const expect = async (answer: Promise<{ status: number; body: Record<string, unknown> }>, status: number, code: string, mentions?: string) => {
      const { status: got, body } = await answer;
      assert.equal(got, status, JSON.stringify(body));
      assert.deepEqual(Object.keys(body).sort(), ["code", "message"]);
      assert.equal(body["code"], code);
      if (mentions !== undefined) assert.match(String(body["message"]), new RegExp(mentions));
    };
    await expect(call("POST", "/20160918/vcns", { cidrBlock: "10.0.0.0/16" }), 400, "MissingParameter", "compartmentId");
    await expect(call("POST", "/20160918/vcns", { compartmentId: null }), 400, "MissingParameter", "compartmentId");
    await expect(call("POST", "/20160918/vcns", { compartmentId: 5 }), 400, "InvalidParameter", "compartmentId");
    await expect(call("POST", "/20160918/vcns", { compartmentId: "c", isIpv6Enabled: "yes" }), 400, "InvalidParameter", "isIpv6Enabled");
    await expect(call("POST", "/20160918/vcns", { compartmentId: "c", cidrBlocks: ["10.0.0.0/16", 7] }), 400, "InvalidParameter", "cidrBlocks\\[1\\]");
    await expect(call("POST", "/20160918/captureFilters", { compartmentId: "c", filterType: "BOGUS" }), 400, "InvalidParameter", "filterType.*VTAP");
    assert.equal((await call("POST", "/20160918/captureFilters", { compartmentId: "c", filterType: "VTAP" })).status, 200);
    await expect(call("POST", "/20160918/vcns", [1]), 400, "InvalidParameter", "request body");
        // A discriminated subtype is checked as the subtype its `type` names.
    await expect(
      call("POST", "/20160918/volumes", { compartmentId: "c", availabilityDomain: "AD-1", sourceDetails: { type: "volume" } }),
      400,
      "MissingParameter",
      "sourceDetails\\.id",
    );
    await expect(call("POST", "/20160918/vcns", ""), 400, "MissingParameter");
    await expect(call("GET", "/20160918/vcns"), 400, "MissingParameter", "compartmentId");
    await expect(call("GET", `/20160918/vcns?compartmentId=c&sortBy=COLOUR`), 400, "InvalidParameter", "sortBy");
    await expect(call("GET", `/20160918/vcns?compartmentId=c&limit=many`), 400, "InvalidParameter", "limit");
    await expect(call("GET", "/20160918/vcns/ocid1.vcn.oc1..unknown"), 404, "NotAuthorizedOrNotFound");
    await expect(call("PUT", "/20160918/vcns/ocid1.vcn.oc1..unknown", { displayName: "x" }), 404, "NotAuthorizedOrNotFound");
    await expect(call("DELETE", "/20160918/vcns/ocid1.vcn.oc1..unknown"), 404, "NotAuthorizedOrNotFound");
    await expect(call("POST", "/20160918/vcns/ocid1.vcn.oc1..unknown/actions/changeCompartment", { compartmentId: "c" }), 404, "NotAuthorizedOrNotFound");
    await expect(call("GET", "/20160918/nothingHere"), 404, "NotAuthorizedOrNotFound");
  });

  test("the built-in routes keep precedence", async () => {
    const listed = await call("GET", `/20160918/instances?compartmentId=${EMULATOR_COMPARTMENT_ID}&limit=100`);
    assert.equal(listed.body.length, 25, "the 25 seeded instances of the built-in ListInstances");
  });
});

describe("spec-driven options", () => {
  test("a seed makes the ids deterministic", async () => {
    const ids: string[] = [];
    for (const seed of [7, 7, 8]) {
      const emulator = await startEmulator({ specs: [join(SPECS_DIR, "vault-secretmgmt.swagger.yaml")], seed });
      try {
        const key = await emulator.createApiKey();
        const created = await signedFetch(`${emulator.url}/20180608/secrets`, {
          method: "POST",
          signer: new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem }),
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ compartmentId: EMULATOR_COMPARTMENT_ID, secretName: "s", vaultId: "ocid1.vault.oc1..v", keyId: "ocid1.key.oc1..k" }),
        });
        assert.equal(created.status, 200);
        ids.push(String(((await created.json()) as { id: string }).id));
      } finally {
        await emulator.stop();
      }
    }
    assert.match(ids[0]!, /^ocid1\.secret\.oc1\.\./);
    assert.equal(ids[0], ids[1]);
    assert.notEqual(ids[0], ids[2]);
  });

  test("without specs, nothing of the code generator is loaded", async () => {
    // What importing the emulator loads: its static imports (not `import()`, not `import type`).
    const seen = new Set<string>();
    const queue = [join(ROOT, "emulator", "index.ts")];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^;]*?from\s*["'](\.[^"']+)["']/g)) {
        queue.push(resolvePath(dirname(file), match[1]!.replace(/\.js$/, ".ts")));
      }
    }
    const loaded = [...seen].map((file) => file.slice(ROOT.length + 1));
    assert.ok(loaded.includes("emulator/server.ts"), "the walk follows static imports");
    assert.deepEqual(loaded.filter((file) => file.startsWith("codegen/") || file.startsWith("emulator/specs/")), []);
    const plain = await startEmulator();
    try {
      assert.equal(plain.specOperationCount, 0);
    } finally {
      await plain.stop();
    }
    await assert.rejects(startEmulator({ specs: [join(SPECS_DIR, "no-such.yaml")] }), /file not found/);
  });
});
