/**
 * The spec-driven emulator: every operation of Oracle's specs (Swagger 2.0 or OpenAPI 3, read
 * with the code generator's loader and model) served from memory. Operations are recognised
 * by path and method shape:
 *
 *   POST   …/things             create   (a collection: it has a create and a get by id)
 *   GET    …/things             list     (paged with `limit`, `page` / `opc-next-page`)
 *   GET    …/things/{thingId}   get      (404 NotAuthorizedOrNotFound when unknown)
 *   PUT    …/things/{thingId}   update   (merges the body)
 *   DELETE …/things/{thingId}   delete   (TERMINATING, then TERMINATED, then gone)
 *
 * Anything else answers a value of its response schema, filled from the request (body, path
 * and query parameters, the resource its path names), after checking that every resource
 * its path names exists. Request bodies and required query parameters are checked against
 * the spec. Lifecycle states move on the emulator clock, computed when read: no timers.
 *
 * Imported lazily by startEmulator({ specs }), so the emulator without specs never loads the
 * code generator.
 */
import { createHash, randomBytes } from "node:crypto";
import type { JsonObject } from "../../codegen/json.js";
import { loadSpec } from "../../codegen/load.js";
import { modelOperations, type OperationModel, type ParamModel } from "../../codegen/operations.js";
import { EmulatorHttpError, notFound } from "../errors.js";
import { bytes, empty, json } from "../routes.js";
import type { EmulatorRequest, EmulatorResponse, Router } from "../routes.js";
import { etagOf, paginate } from "../services/common.js";
import { check, fill, generate, isObject, resolve, shapeOf, type GenerateContext } from "./schema.js";

export interface SpecService {
  readonly file: string;
  /** The OpenAPI 3 document (converted from Swagger 2.0 when needed). */
  readonly doc: JsonObject;
  /** The spec's base path, e.g. "/20160918" ("" for "/"). */
  readonly basePath: string;
  readonly operations: readonly OperationModel[];
}

/** Reads and models each spec with the code generator's loader. */
export async function loadSpecServices(files: readonly string[]): Promise<SpecService[]> {
  const services: SpecService[] = [];
  for (const file of files) {
    const spec = await loadSpec(file);
    services.push({ file, doc: spec.doc, basePath: spec.basePath, operations: modelOperations(spec.doc, file).operations });
  }
  return services;
}

export interface MountSpecsOptions {
  /** How long a new resource stays PROVISIONING-like, and a deleted one TERMINATING-like (ms). */
  readonly lifecycleDelayMs: number;
  /** Ids are derived from it, so runs with the same seed and requests get the same ids. */
  readonly seed: string | number | undefined;  /**
   * Whether a route served before the specs' (built-in or custom) answers this method and
   * path. A collection whose create is answered there is not the specs' to keep: its get,
   * list, update and delete answer generically, and paths under it are not checked.
   */
  readonly shadowed?: (method: string, path: string) => boolean;
}

export type OperationRole = "create" | "list" | "get" | "update" | "delete" | "generic";

/** `/20160918/vcns/{vcnId}/` → `/20160918/vcns/{}`: the shape routing and resources compare. */
export function normalTemplate(template: string): string {
  return template.replace(/\/+$/, "").replace(/\{[^}]+\}/g, "{}");
}

/**
 * Each operation's role and, for resource operations, its collection's template: a
 * collection is a path with a POST (create) whose path + `/{id}` has a GET.
 */
export function classifyOperations(operations: readonly OperationModel[]): Map<OperationModel, { role: OperationRole; collection: string | undefined }> {
  const byShape = new Set(operations.map((op) => `${op.method} ${normalTemplate(op.path)}`));
  const isCollection = (template: string): boolean =>
    !template.endsWith("{}") && byShape.has(`POST ${template}`) && byShape.has(`GET ${template}/{}`);
  const roles = new Map<OperationModel, { role: OperationRole; collection: string | undefined }>();
  for (const op of operations) {
    const template = normalTemplate(op.path);
    const parent = template.endsWith("/{}") ? template.slice(0, -3) : undefined;
    let role: OperationRole = "generic";
    let collection: string | undefined;
    if (isCollection(template) && (op.method === "POST" || op.method === "GET")) {
      role = op.method === "POST" ? "create" : "list";
      collection = template;
    } else if (parent !== undefined && isCollection(parent)) {
      const item = { GET: "get", PUT: "update", PATCH: "update", DELETE: "delete" } as const;
      const found = item[op.method as keyof typeof item];
      if (found !== undefined) {
        role = found;
        collection = parent;
      }
    }
    roles.set(op, { role, collection });
  }
  return roles;
}

/** `securityLists` → `securitylist`, `policies` → `policy`: the kind in a resource's OCID. */
export function kindOfCollection(collection: string): string {
  const last = collection.split("/").filter((s) => s !== "" && s !== "{}").at(-1) ?? "resource";
  const singular = last.endsWith("ies") ? `${last.slice(0, -3)}y` : last.endsWith("sses") ? last.slice(0, -2) : last.endsWith("s") ? last.slice(0, -1) : last;
  return singular.toLowerCase().replace(/[^a-z0-9]/g, "") || "resource";
}

const STARTING = ["PROVISIONING", "CREATING", "STARTING", "PENDING", "CREATE_PENDING"];
const RUNNING = ["ACTIVE", "RUNNING", "AVAILABLE", "SUCCEEDED", "ENABLED"];
const STOPPING = ["TERMINATING", "DELETING", "DELETE_PENDING"];
const STOPPED = ["TERMINATED", "DELETED"];

interface Lifecycle {
  readonly property: string;
  readonly starting: string | undefined;
  readonly running: string | undefined;
  readonly stopping: string | undefined;
  readonly stopped: string | undefined;
}

function pick(values: readonly unknown[], wanted: readonly string[]): string | undefined {
  return wanted.find((value) => values.includes(value));
}

interface Stored {
  readonly key: string;
  /** Values of the collection path's own parameters (`/users/{userId}/apiKeys` → the user). */
  readonly parent: string;
  data: JsonObject;
  readonly createdAt: number;
  deletedAt: number | undefined;
}

interface Collection {
  readonly template: string;
  readonly kind: string;
  /** The get operation's response schema: what a resource looks like. */
  readonly schema: JsonObject | undefined;
  /** The resource property the item path's parameter names: `id`, or `name` for `{bucketName}`. */
  readonly keyProperty: string;
  readonly lifecycle: Lifecycle | undefined;
  readonly items: Map<string, Stored>;
  /** Created by a route served before the specs' (a built-in service). */
  readonly external: boolean;
  /** Properties with a string, number or boolean type: a list's query parameter of that name filters by it. */
  readonly filterable: ReadonlySet<string>;
}

interface WorkRequest {
  readonly id: string;
  readonly operationType: string;
  readonly compartmentId: unknown;
  readonly createdAt: number;
  /** What it works on, as OCI lists it (`resources`): how a 202 create tells its new id. */
  readonly resources: Array<{ entityType: string; actionType: string; identifier: string; entityUri: string }>;
}

/** What an operation did, for the work request it may answer with. */
interface Effects {
  compartmentId: unknown;
  readonly resources: WorkRequest["resources"];
}

export interface MountedSpecs {
  /** How many operations the specs add. */
  readonly operationCount: number;
}

/** Adds a route per operation of `services` to `router`. */
export function mountSpecs(router: Router, services: readonly SpecService[], options: MountSpecsOptions): MountedSpecs {
  let counter = 0;
  const ocid = (kind: string): string => {
    const source = options.seed === undefined ? randomBytes(52) : createHash("sha512").update(`${String(options.seed)}\n${counter++}`).digest();
    let text = "";
    for (const byte of source) text += "abcdefghijklmnopqrstuvwxyz234567"[byte & 31];
    return `ocid1.${kind}.oc1..aaaaaaaa${text.slice(0, 52)}`;
  };
  const delay = options.lifecycleDelayMs;
  const workRequests = new Map<string, WorkRequest>();
  let count = 0;

  for (const service of services) {
    const { doc } = service;
    const context = (now: Date): GenerateContext => ({ doc, now, ocid });
    const roles = classifyOperations(service.operations);
    const collections = new Map<string, Collection>();
    for (const op of service.operations) {
      const { role, collection } = roles.get(op)!;
      if (role !== "get" || collection === undefined || collections.has(collection)) continue;
      const schema = op.response.kind === "json" && isObject(op.response.schema) ? op.response.schema : undefined;
      const shape = shapeOf(doc, schema);
      const param = op.path.replace(/\/+$/, "").match(/\{([^}]+)\}$/)?.[1] ?? "id";
      const keyProperty =
        /Id$/.test(param) || param === "id" || !shape.properties.size
          ? "id"
          : /Name$/.test(param) && shape.properties.has("name")
            ? "name"
            : shape.properties.has(param)
              ? param
              : "id";
      const states = shapeOf(doc, shape.properties.get("lifecycleState")).schema["enum"];
      const lifecycle = Array.isArray(states)
        ? { property: "lifecycleState", starting: pick(states, STARTING), running: pick(states, RUNNING), stopping: pick(states, STOPPING), stopped: pick(states, STOPPED) }
        : undefined;
      const external = options.shadowed?.("POST", service.basePath + collection.replace(/\{\}/g, "x")) === true;
      const filterable = new Set(
        [...shape.properties].filter(([, property]) => ["string", "integer", "number", "boolean"].includes(shapeOf(doc, property).kind)).map(([name]) => name),
      );
      collections.set(collection, { template: collection, kind: kindOfCollection(collection), schema, keyProperty, lifecycle, items: new Map(), external, filterable });
    }

    /** The resource as it reads at `now`, or undefined when gone. */
    const view = (collection: Collection, stored: Stored, now: number): JsonObject | undefined => {
      const lifecycle = collection.lifecycle;
      if (stored.deletedAt !== undefined) {
        const since = now - stored.deletedAt;
        let state: string | undefined;
        if (lifecycle?.stopping !== undefined && since < delay) state = lifecycle.stopping;
        else if (lifecycle?.stopped !== undefined && since < 2 * delay) state = lifecycle.stopped;
        if (state === undefined) {
          collection.items.delete(stored.key);
          return undefined;
        }
        return { ...stored.data, [lifecycle!.property]: state };
      }
      if (lifecycle === undefined) return stored.data;
      const state = now - stored.createdAt < delay ? lifecycle.starting ?? lifecycle.running : lifecycle.running;
      return state === undefined ? stored.data : { ...stored.data, [lifecycle.property]: state };
    };

    const found = (collection: Collection, key: string | undefined, now: number): { stored: Stored; data: JsonObject } => {
      const stored = key === undefined ? undefined : collection.items.get(key);
      const data = stored === undefined ? undefined : view(collection, stored, now);
      if (stored === undefined || data === undefined) throw notFound(`The ${collection.kind} ${key ?? ""}`);
      return { stored, data };
    };

    /** Every resource the path names must exist: `/vcns/{vcnId}/…` needs the VCN. */
    const ancestors = (op: OperationModel, params: Record<string, string>, now: number): JsonObject[] => {
      const segments = op.path.replace(/\/+$/, "").split("/");
      const out: JsonObject[] = [];
      for (let i = 1; i < segments.length; i++) {
        const name = /^\{(.+)\}$/.exec(segments[i]!)?.[1];
        if (name === undefined) continue;
        const collection = collections.get(normalTemplate(segments.slice(0, i).join("/")));
        if (collection !== undefined && !collection.external) out.unshift(found(collection, params[name], now).data);
      }
      return out;
    };

    for (const op of sortForRouting(service.operations)) {
      const { role, collection: template } = roles.get(op)!;
      const collection = template === undefined ? undefined : collections.get(template);
      const names: string[] = [];
      const pattern = service.basePath + op.path.replace(/\{([^}]+)\}/g, (_, name: string) => `{p${names.push(name) - 1}}`);
      const documented = responseHeaders(doc, op);
      const workRequestHeader = documented.has("opc-work-request-id");
      const handler = (request: EmulatorRequest): EmulatorResponse => {
        const effects: Effects = { compartmentId: null, resources: [] };
        const response = answerOperation(request, effects);
        const extra: Record<string, string> = {};
        // An etag wherever the spec documents one, body or not (ChangeVcnCompartment: 204 + etag).
        if (documented.has("etag") && response.headers?.["etag"] === undefined) {
          extra["etag"] = etagOf(`${request.method} ${request.url.pathname} ${request.now.getTime()}`);
        }
        // A work request only for an operation that succeeded.
        if (workRequestHeader) {
          const id = ocid("workrequest");
          // DeleteCompartment → DELETE_COMPARTMENT, the form of Oracle's operationType enums.
          const operationType = op.operationId.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
          workRequests.set(id, { id, operationType, compartmentId: effects.compartmentId, createdAt: request.now.getTime(), resources: effects.resources });
          extra["opc-work-request-id"] = id;
        }
        return { ...response, headers: { ...response.headers, ...extra } };
      };
      const answerOperation = (request: EmulatorRequest, effects: Effects): EmulatorResponse => {
        const params: Record<string, string> = {};
        names.forEach((name, i) => {
          const value = request.params[`p${i}`];
          if (value !== undefined) params[name] = value;
        });
        const now = request.now.getTime();
        const ctx = context(request.now);
        checkQuery(doc, op, request.url);
        const body = readBody(doc, op, request);
        const query = Object.fromEntries(request.url.searchParams);
        const headers: Record<string, string> = {};
        effects.compartmentId = body?.["compartmentId"] ?? query["compartmentId"] ?? null;
        const answer = (sources: ReadonlyArray<Readonly<Record<string, unknown>>>): EmulatorResponse =>
          respond(ctx, op, sources, headers);

        if (role === "generic" || collection === undefined || collection.external) {
          const parents = ancestors(op, params, now);
          const readWorkRequest = workRequestOf(op, params, now);
          if (readWorkRequest !== undefined) return answer([readWorkRequest, ...parents]);
          // GET /tenancies/{tenancyId}: the path's last id is the answer's `id`.
          const last = /\{([^}]+Id)\}\/?$/.exec(op.path)?.[1];
          const named = last === undefined || params[last] === undefined ? {} : { id: params[last] };
          return answer([body ?? {}, named, params, query, ...parents]);
        }
        const parentKey = parentOf(op, params, role);
        const worksOn = (key: string, actionType: string) =>
          effects.resources.push({ entityType: collection.kind, actionType, identifier: key, entityUri: role === "create" ? `${request.url.pathname.replace(/\/+$/, "")}/${key}` : request.url.pathname });
        if (role === "create") {
          ancestors(op, params, now);
          const overrides: JsonObject = { id: ocid(collection.kind), timeCreated: request.now.toISOString() };
          const data = fill(ctx, collection.schema, [overrides, body ?? {}, params, query]);
          const key = String(data[collection.keyProperty] ?? overrides["id"]);
          const existing = collection.items.get(key);
          if (existing !== undefined && view(collection, existing, now) !== undefined) {
            throw new EmulatorHttpError(409, "NotAuthorizedOrResourceAlreadyExists", `A ${collection.kind} named '${key}' already exists.`);
          }
          const stored: Stored = { key, parent: parentKey, data, createdAt: now, deletedAt: undefined };
          collection.items.set(key, stored);
          worksOn(key, "CREATED");
          headers["etag"] = etagOf(stored.data);
          return answer([view(collection, stored, now)!]);
        }
        if (role === "list") {
          ancestors(op, params, now);
          // Query parameters named like a simple property of the resource filter by it (compartmentId, displayName, lifecycleState…).
          const filters = Object.entries(query).filter(([name]) => collection.filterable.has(name));
          const items = [...collection.items.values()]
            .filter((stored) => stored.parent === parentKey)
            .map((stored) => view(collection, stored, now))
            .filter((data): data is JsonObject => data !== undefined)
            .filter((data) => filters.every(([name, value]) => isPrimitive(data[name]) && String(data[name]) === value));
          // The page token's scope: this listing (common.ts keeps it inside the token).
          const scope = createHash("sha256").update(JSON.stringify([template, parentKey, filters])).digest("base64url").slice(0, 16);
          const page = paginate(request.url, scope, items, maxLimit(doc, op));
          return respondList(ctx, op, page.page, { ...headers, ...page.headers });
        }
        const key = params[names.at(-1) ?? ""];
        const { stored, data } = found(collection, key, now);
        ancestors(op, params, now);
        const ifMatch = request.headers["if-match"];
        if (typeof ifMatch === "string" && ifMatch !== "*" && ifMatch !== etagOf(stored.data)) {
          throw new EmulatorHttpError(412, "NoEtagMatch", "The resource's etag does not match the if-match header.");
        }
        if (role === "update") {
          const merged: JsonObject = { ...stored.data };
          for (const [name, value] of Object.entries(body ?? {})) if (value !== undefined && name !== "id") merged[name] = value;
          stored.data = fill(ctx, collection.schema, [merged]);
          worksOn(stored.key, "UPDATED");
          headers["etag"] = etagOf(stored.data);
          return answer([view(collection, stored, now)!]);
        }
        if (role === "delete") {
          stored.deletedAt = now;
          worksOn(stored.key, "DELETED");
          view(collection, stored, now); // gone at once when the resource has no deleting states
          return answer([]);
        }
        headers["etag"] = etagOf(stored.data);
        return answer([data]);
      };
      router.add(op.method, pattern, handler);
      count++;
    }

    function workRequestOf(op: OperationModel, params: Record<string, string>, now: number): JsonObject | undefined {
      const match = /\/(?:[a-z]+W|w)orkRequests\/\{([^}]+)\}\/?$/.exec(op.path);
      if (match === null || op.method !== "GET") return undefined;
      const request = workRequests.get(params[match[1]!] ?? "");
      if (request === undefined) throw notFound(`The work request ${params[match[1]!] ?? ""}`);
      const schema = op.response.kind === "json" ? shapeOf(doc, op.response.schema) : undefined;
      const statuses = shapeOf(doc, schema?.properties.get("status")).schema["enum"];
      const values = Array.isArray(statuses) ? statuses : [];
      const since = now - request.createdAt;
      const at = new Date(request.createdAt).toISOString();
      const stage = since < delay ? 0 : since < 2 * delay ? 1 : 2;
      const status = [pick(values, ["ACCEPTED"]), pick(values, ["IN_PROGRESS"]), pick(values, ["SUCCEEDED"])][stage] ?? values[0] ?? "SUCCEEDED";
      return {
        id: request.id,
        operationType: request.operationType,
        status,
        compartmentId: request.compartmentId as JsonObject[string],
        percentComplete: [0, 50, 100][stage]!,
        timeAccepted: at,
        timeStarted: stage > 0 ? new Date(request.createdAt + delay).toISOString() : null,
        timeFinished: stage > 1 ? new Date(request.createdAt + 2 * delay).toISOString() : null,
        resources: request.resources,
      };
    }
  }
  return { operationCount: count };
}

/** The values of a collection's own path parameters, joined: which parent a resource lives under. */
function parentOf(op: OperationModel, params: Record<string, string>, role: OperationRole): string {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const own = role === "create" || role === "list" ? names : names.slice(0, -1);
  return own.map((name) => params[name] ?? "").join("\n");
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function statusOf(op: OperationModel): number {
  return /^\d{3}$/.test(op.response.status) ? Number(op.response.status) : 200;
}

/** The operation's success answer: its JSON body filled from `sources`, bytes, or nothing. */
function respond(
  ctx: GenerateContext,
  op: OperationModel,
  sources: ReadonlyArray<Readonly<Record<string, unknown>>>,
  headers: Record<string, string>,
): EmulatorResponse {
  const status = statusOf(op);
  if (op.response.kind === "none" || status === 204) return empty(status, headers);
  if (op.response.kind === "binary") return bytes(status, "", { "content-type": op.response.mediaType ?? "application/octet-stream", ...headers });
  const shape = shapeOf(ctx.doc, op.response.schema);
  const body = shape.kind === "object" ? fill(ctx, op.response.schema, sources) : shape.kind === "array" ? [] : generate(ctx, op.response.schema);
  return json(status, body, { etag: etagOf(body), ...headers });
}

/** A list's page: the body is the array of items, or an object holding it (`items`). */
function respondList(ctx: GenerateContext, op: OperationModel, page: readonly JsonObject[], headers: Record<string, string>): EmulatorResponse {
  const status = statusOf(op);
  if (op.response.kind !== "json") return empty(status, headers);
  const shape = shapeOf(ctx.doc, op.response.schema);
  if (shape.kind === "array") return json(status, page.map((item) => fill(ctx, shape.schema["items"], [item])), headers);
  const itemsName = op.paging?.items ?? (shape.properties.has("items") ? "items" : undefined);
  const body = fill(ctx, op.response.schema, []);
  if (itemsName !== undefined) {
    const itemSchema = shapeOf(ctx.doc, shape.properties.get(itemsName)).schema["items"];
    body[itemsName] = page.map((item) => fill(ctx, itemSchema, [item]));
  }
  return json(status, body, headers);
}

/** Lower-case names of the headers the operation's success response documents. */
function responseHeaders(doc: JsonObject, op: OperationModel): Set<string> {
  const path = (doc["paths"] as JsonObject | undefined)?.[op.path];
  const operation = isObject(path) ? path[op.method.toLowerCase()] : undefined;
  const responses = isObject(operation) && isObject(operation["responses"]) ? operation["responses"] : {};
  const response = resolve(doc, responses[op.response.status]);
  return new Set(Object.keys(isObject(response?.["headers"]) ? response["headers"] : {}).map((h) => h.toLowerCase()));
}


function maxLimit(doc: JsonObject, op: OperationModel): number {
  const limit = op.params.find((p) => p.in === "query" && p.name === "limit");
  const maximum = limit === undefined ? undefined : shapeOf(doc, limit.schema).schema["maximum"];
  return typeof maximum === "number" && maximum >= 1 ? maximum : 1000;
}

/** Required query parameters present; typed ones (integers, booleans, enums) well-formed. */
function checkQuery(doc: JsonObject, op: OperationModel, url: URL): void {
  for (const param of op.params) {
    if (param.in !== "query") continue;
    const raw = url.searchParams.get(param.name);
    if (raw === null || raw === "") {
      if (param.required) throw new EmulatorHttpError(400, "MissingParameter", `Missing required parameter '${param.name}'.`);
      continue;
    }
    const problem = check(doc, param.schema, queryValue(doc, param, raw), param.name);
    if (problem !== undefined) throw new EmulatorHttpError(400, problem.code, problem.message);
  }
}

function queryValue(doc: JsonObject, param: ParamModel, raw: string): unknown {
  if (param.serialisation !== "value") return undefined;
  const kind = shapeOf(doc, param.schema).kind;
  if (kind === "integer" || kind === "number") return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (kind === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return kind === "string" ? raw : undefined;
}

/** The JSON body checked against the operation's body schema; undefined when it takes none. */
function readBody(doc: JsonObject, op: OperationModel, request: EmulatorRequest): JsonObject | undefined {
  if (op.body === undefined || op.body.kind !== "json") return undefined;
  if (request.body.byteLength === 0) {
    if (op.body.required) throw new EmulatorHttpError(400, "MissingParameter", "The request body is required.");
    return undefined;
  }
  const value = request.json();
  const problem = check(doc, op.body.schema, value, "");
  if (problem !== undefined) throw new EmulatorHttpError(400, problem.code, problem.message);
  return isObject(value) ? value : undefined;
}

/** Literal segments before parameters, so `/instances/actions` wins over `/instances/{id}`. */
function sortForRouting(operations: readonly OperationModel[]): OperationModel[] {
  const rank = (op: OperationModel) => op.path.replace(/\/+$/, "").split("/").map((s) => (s.startsWith("{") ? "1" : "0")).join("");
  return [...operations].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
