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
      const counts = { ok: 0, error: 0, failed: 0, statuses: new Map<number, number>() };
      for (const op of ordered) {
        const segments = op.path.replace(/\/+$/, "").split("/");
        const path =
          service.basePath +
          op.path.replace(/\{([^}]+)\}/g, (whole, name: string) => {
            const index = segments.indexOf(whole);
            const resource = index === -1 ? undefined : ids.get(normalTemplate(segments.slice(0, index + 1).join("/")));
            const known = resource?.[/Name$/.test(name) ? "name" : "id"] ?? resource?.["id"] ?? resource?.["name"];
            const value = known ?? (name === "namespaceName" ? EMULATOR_NAMESPACE : /Id$/.test(name) ? `ocid1.${name.toLowerCase()}.oc1..aaaaaaaaunknown` : `unknown-${name}`);
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
      tally.push(`${service.file.split("/").at(-1)}: ${service.operations.length} operations, ${counts.ok} 2xx, ${counts.error} errors, ${counts.failed} failed (${statuses})`);
    }
    for (const line of tally) t.diagnostic(line);
    t.diagnostic(`walk took ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(failures.slice(0, 30), [], `${failures.length} operations answered wrongly`);
  });
});
