/**
 * Mutated specs for test/properties-codegen.test.ts: three small valid base specs (OpenAPI
 * 3.0, 3.1, Swagger 2.0) and the mutations fast-check applies to them (`mutation`, `mutate`).
 */
import fc from "fast-check";

type J = null | boolean | number | string | J[] | { [key: string]: J };
type O = { [key: string]: J };

// ---------------------------------------------------------------------------------------------
// Base specs.

export interface Base {
  name: string;
  prefix: string;
  make: () => O;
  schemas: (doc: O) => O | undefined;
}

const ref3 = (name: string): O => ({ $ref: `#/components/schemas/${name}` });
const ref2 = (name: string): O => ({ $ref: `#/definitions/${name}` });

function openapi3(version: "3.0.3" | "3.1.0"): O {
  const ref = ref3;
  const nullableString: O = version === "3.0.3" ? { type: "string", nullable: true } : { type: ["string", "null"] };
  const json = (schema: J): O => ({ "application/json": { schema } });
  return {
    openapi: version,
    info: { title: "Pets", version: "20160918" },
    servers: [{ url: "https://pets.{region}.oci.example.com/20160918" }],
    paths: {
      "/pets/{petId}": {
        parameters: [{ name: "petId", in: "path", required: true, schema: { type: "string" } }],
        get: {
          operationId: "GetPet",
          parameters: [
            { name: "opc-request-id", in: "header", schema: { type: "string" } },
            { name: "fields", in: "query", style: "form", explode: false, schema: { type: "array", items: { type: "string", enum: ["name", "tags"] } } },
          ],
          responses: {
            "200": { description: "ok", headers: { etag: { schema: { type: "string" } } }, content: json(ref("Pet")) },
            default: { description: "error", content: json(ref("Error")) },
          },
        },
        put: {
          operationId: "UpdatePet",
          parameters: [{ name: "if-match", in: "header", schema: { type: "string" } }],
          requestBody: { required: true, content: json(ref("UpdatePetDetails")) },
          responses: { "200": { description: "ok", content: json(ref("Pet")) } },
        },
        delete: { operationId: "DeletePet", responses: { "204": { description: "gone" } } },
      },
      "/pets": {
        get: {
          operationId: "ListPets",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1 } },
            { name: "page", in: "query", schema: { type: "string" } },
            { name: "lifecycleState", in: "query", schema: { $ref: "#/components/schemas/LifecycleState" } },
          ],
          responses: {
            "200": {
              description: "ok",
              headers: { "opc-next-page": { schema: { type: "string" } } },
              content: json({ type: "array", items: ref("PetSummary") }),
            },
          },
        },
        post: {
          operationId: "CreatePet",
          requestBody: { content: json(ref("CreatePetDetails")) },
          responses: { "200": { description: "ok", content: json({ $ref: "#/components/schemas/Pet" }) } },
        },
      },
    },
    components: {
      schemas: {
        Pet: {
          type: "object",
          required: ["id", "kind"],
          discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" } },
          properties: {
            id: { type: "string" },
            kind: { type: "string" },
            tags: { type: "array", items: { type: "string" } },
            freeformTags: { type: "object", additionalProperties: { type: "string" } },
            definedTags: { type: "object", additionalProperties: { type: "object", additionalProperties: true } },
            lifecycleState: ref("LifecycleState"),
            parent: ref("PetSummary"),
            nickname: nullableString,
          },
        },
        Cat: { allOf: [ref("Pet"), { type: "object", properties: { lives: { type: "integer", format: "int32" } } }] },
        Dog: { allOf: [ref("Pet"), { type: "object", required: ["breed"], properties: { breed: { type: "string" } } }] },
        PetSummary: {
          type: "object",
          properties: { id: { type: "string" }, child: ref("PetSummary"), friends: { type: "array", items: ref("PetSummary") } },
        },
        LifecycleState: { type: "string", enum: ["ACTIVE", "DELETED"] },
        CreatePetDetails: { type: "object", required: ["kind"], properties: { kind: { type: "string" }, shape: ref("Shape") } },
        UpdatePetDetails: {
          type: "object",
          properties: { name: nullableString, shape: ref("Shape"), sizes: { type: "array", items: { type: "number" } }, extra: { type: "object", additionalProperties: true } },
        },
        Shape: { oneOf: [ref("Circle"), ref("Square")] },
        Circle: { type: "object", properties: { r: { type: "number" } } },
        Square: { type: "object", properties: { side: { type: "number" } } },
        Error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } },
      },
    },
  };
}

function swagger2(): O {
  const ref = ref2;
  return {
    swagger: "2.0",
    info: { title: "Pets", version: "20160918" },
    host: "pets.{region}.oci.example.com",
    basePath: "/20160918",
    consumes: ["application/json"],
    produces: ["application/json"],
    paths: {
      "/pets/{petId}": {
        get: {
          operationId: "GetPet",
          parameters: [
            { name: "petId", in: "path", required: true, type: "string" },
            { name: "opc-request-id", in: "header", type: "string" },
            { name: "fields", in: "query", type: "array", collectionFormat: "csv", items: { type: "string", enum: ["name", "tags"] } },
          ],
          responses: { "200": { description: "ok", headers: { etag: { type: "string" } }, schema: ref("Pet") }, default: { description: "error", schema: ref("Error") } },
        },
        put: {
          operationId: "UpdatePet",
          parameters: [
            { name: "petId", in: "path", required: true, type: "string" },
            { name: "UpdatePetDetails", in: "body", required: true, schema: ref("UpdatePetDetails") },
          ],
          responses: { "200": { description: "ok", schema: ref("Pet") } },
        },
      },
      "/pets": {
        get: {
          operationId: "ListPets",
          parameters: [
            { name: "limit", in: "query", type: "integer" },
            { name: "page", in: "query", type: "string" },
            { name: "sortOrder", in: "query", type: "string", enum: ["ASC", "DESC"] },
          ],
          responses: { "200": { description: "ok", headers: { "opc-next-page": { type: "string" } }, schema: { type: "array", items: ref("PetSummary") } } },
        },
      },
    },
    definitions: {
      Pet: {
        type: "object",
        required: ["id", "kind"],
        discriminator: "kind",
        properties: {
          id: { type: "string" },
          kind: { type: "string" },
          tags: { type: "array", items: { type: "string" } },
          freeformTags: { type: "object", additionalProperties: { type: "string" } },
          parent: ref("PetSummary"),
          lifecycleState: { type: "string", enum: ["ACTIVE", "DELETED"] },
        },
      },
      // Oracle writes the discriminator value in the subtype (polymorphism.ts).
      Cat: { allOf: [ref("Pet"), { type: "object", discriminator: "cat", properties: { lives: { type: "integer" } } }] },
      PetSummary: { type: "object", properties: { id: { type: "string" }, child: ref("PetSummary"), friends: { type: "array", items: ref("PetSummary") } } },
      UpdatePetDetails: { type: "object", properties: { name: { type: "string" }, extra: { type: "object", additionalProperties: true } } },
      Error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } },
    },
  };
}

export const BASES: readonly Base[] = [
  { name: "openapi-3.0", prefix: "#/components/schemas/", make: () => openapi3("3.0.3"), schemas: (d) => obj(obj(d["components"])?.["schemas"]) },
  { name: "openapi-3.1", prefix: "#/components/schemas/", make: () => openapi3("3.1.0"), schemas: (d) => obj(obj(d["components"])?.["schemas"]) },
  { name: "swagger-2.0", prefix: "#/definitions/", make: swagger2, schemas: (d) => obj(d["definitions"]) },
];

// ---------------------------------------------------------------------------------------------
// Mutations. Keys are defined, never assigned, so that "__proto__" stays a key.

function obj(value: J | undefined): O | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
}

function put(target: O, key: string, value: J): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every [container, key] below the root, in document order. */
function slots(root: J): Array<[O | J[], string | number]> {
  const out: Array<[O | J[], string | number]> = [];
  const visit = (node: J): void => {
    if (Array.isArray(node)) node.forEach((v, i) => (out.push([node, i]), visit(v)));
    else if (obj(node)) {
      const o = node as O;
      for (const key of Object.keys(o)) out.push([o, key]), visit(o[key]!);
    }
  };
  visit(root);
  return out;
}

function objectsIn(root: J): O[] {
  const out: O[] = [];
  const visit = (node: J): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (obj(node)) (out.push(node as O), Object.values(node as O).forEach(visit));
  };
  visit(root);
  return out;
}

function pick<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

/** The key order kept, `from` renamed `to` (a later key of the same name is dropped). */
function renameKey(target: O, from: string, to: string): void {
  const entries = Object.entries(target);
  for (const key of Object.keys(target)) delete target[key];
  for (const [key, value] of entries) {
    const name = key === from ? to : key;
    if (!Object.prototype.hasOwnProperty.call(target, name)) put(target, name, value);
  }
}

/** A schema name as a JSON pointer segment in a `$ref` (RFC 6901, then `%` for the URI fragment). */
function refSegment(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1").replace(/%/g, "%25");
}

const ODD_NAMES = [
  "__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__",
  "default", "delete", "class", "enum", "await", "yield", "function", "new", "null", "true", "undefined", "NaN", "Infinity",
  "Object", "Promise", "Array", "Record", "Partial", "Date", "Error", "z", "client", "params", "options", "body", "signal",
  "0", "1abc", "42", "", " ", "-", "_", "$", "a-b", "a_b", "a b", "a.b", "A-B", "a__b", "Pet", "pet", "PET", "pet-summary", "Pet_Summary",
  "é", "名前", "🐱", "Ωmega", "a/b", "a~b", "~1", "~0", "%", "%25", "%zz", "a%20b", "#", "$ref", "#/x",
  "\n", "*/", "${x}", "'", '"', "\\", "\u2028", "\u0000", "x".repeat(300),
];

const oddName: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_NAMES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_\-. ]{1,12}$/) },
);

const BROKEN_REFS = [
  "#/components/schemas/Nowhere", "#/definitions/Nowhere", "#/info", "#/info/title", "#/paths", "#", "#/", "",
  "missing.yaml", "missing.json#/components/schemas/Pet", "./missing.yaml#/definitions/Pet", "https://example.com/spec.json#/x",
  "#components/schemas/Pet", "#//components", "#/components/schemas/Pet/", "#/components/schemas/Pet/properties/id",
  "#/components/schemas/~", "#/components/schemas/~2", "#/components/schemas/~01", "#/components/schemas/a~1b",
  "#/components/schemas/%", "#/components/schemas/%zz", "#/components/schemas/%E0%A4%A", "#/definitions/%", "#/paths/~1pets/get",
  "#/components/schemas/Pet/properties/tags/items", "#/definitions/Pet/properties", "#/components", "#/servers/0",
];

export type Mutation =
  | { kind: "ref"; at: number; ref: string }
  | { kind: "refTo"; at: number; target: number }
  | { kind: "alias"; a: number; b: number }
  | { kind: "cycle"; a: number; at: number; via: "property" | "items" | "allOf" | "additionalProperties" }
  | { kind: "renameSchema"; a: number; name: string }
  | { kind: "renameProperty"; at: number; name: string }
  | { kind: "renameParameter"; at: number; name: string }
  | { kind: "operationId"; at: number; name: string }
  | { kind: "deep"; a: number; depth: number; via: "properties" | "items" | "allOf" | "additionalProperties" }
  | { kind: "wrongType"; at: number; value: J }
  | { kind: "delete"; at: number }
  | { kind: "deleteNamed"; key: "paths" | "responses" | "components" | "definitions" | "info" | "schema" | "content" | "parameters" | "properties" | "items" };

const at = fc.nat({ max: 10_000 });
const odd = fc.constantFrom<J>("text", "", null, [], [1, "a", null], 0, -1, true, {}, { $ref: 1 }, { type: 5 }, ["$ref"]);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("ref" as const), at, ref: fc.oneof(fc.constantFrom(...BROKEN_REFS), fc.string({ maxLength: 10 }).map((s) => "#/" + s), fc.string({ maxLength: 10 })) }),
  fc.record({ kind: fc.constant("refTo" as const), at, target: at }),
  fc.record({ kind: fc.constant("alias" as const), a: at, b: at }),
  fc.record({ kind: fc.constant("cycle" as const), a: at, at, via: fc.constantFrom("property" as const, "items" as const, "allOf" as const, "additionalProperties" as const) }),
  fc.record({ kind: fc.constant("renameSchema" as const), a: at, name: oddName }),
  fc.record({ kind: fc.constant("renameProperty" as const), at, name: oddName }),
  fc.record({ kind: fc.constant("renameParameter" as const), at, name: oddName }),
  fc.record({ kind: fc.constant("operationId" as const), at, name: oddName }),
  fc.record({
    kind: fc.constant("deep" as const),
    a: at,
    depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 100, max: 130 }), fc.integer({ min: 240, max: 270 }), fc.integer({ min: 300, max: 400 })),
    via: fc.constantFrom("properties" as const, "items" as const, "allOf" as const, "additionalProperties" as const),
  }),
  fc.record({ kind: fc.constant("wrongType" as const), at, value: odd }),
  fc.record({ kind: fc.constant("delete" as const), at }),
  fc.record({ kind: fc.constant("deleteNamed" as const), key: fc.constantFrom("paths" as const, "responses" as const, "components" as const, "definitions" as const, "info" as const, "schema" as const, "content" as const, "parameters" as const, "properties" as const, "items" as const) }),
);

function nested(depth: number, via: string): J {
  let schema: J = { type: "string" };
  for (let i = 0; i < depth; i++) {
    if (via === "properties") schema = { type: "object", properties: { n: schema } };
    else if (via === "items") schema = { type: "array", items: schema };
    else if (via === "allOf") schema = { allOf: [schema] };
    else schema = { type: "object", additionalProperties: schema };
  }
  return schema;
}

export function applyMutation(doc: O, base: Base, m: Mutation): void {
  const schemas = base.schemas(doc);
  const names = schemas ? Object.keys(schemas) : [];
  const ref = (name: string): J => ({ $ref: base.prefix + refSegment(name) });
  switch (m.kind) {
    case "ref":
    case "refTo": {
      // Anywhere a schema sits: component schemas and everything inside them, and `schema` values.
      const places = slots(doc).filter(([container, key]) => container === schemas || key === "schema" || key === "items" || typeof key === "number" || slotsParentIsProperties(container));
      const place = pick(places, m.at);
      if (!place) return;
      const value = m.kind === "ref" ? { $ref: m.ref } : ref(pick(names, m.target) ?? "Nowhere");
      setSlot(place, value);
      return;
    }
    case "alias": {
      const a = pick(names, m.a);
      const b = pick(names, m.b);
      if (!schemas || a === undefined || b === undefined) return;
      put(schemas, a, ref(b));
      if (a !== b) put(schemas, b, ref(a));
      return;
    }
    case "cycle": {
      const a = pick(names, m.a);
      if (!schemas || a === undefined) return;
      const inside = pick(objectsIn(schemas[a]!).filter((o) => !("$ref" in o)), m.at);
      if (!inside) return;
      if (m.via === "property") {
        const properties = obj(inside["properties"]) ?? {};
        put(properties, "self", ref(a));
        put(inside, "properties", properties);
      } else if (m.via === "items") {
        put(inside, "type", "array");
        put(inside, "items", ref(a));
      } else if (m.via === "allOf") {
        put(inside, "allOf", [ref(a)]);
      } else {
        put(inside, "additionalProperties", ref(a));
      }
      return;
    }
    case "renameSchema": {
      const a = pick(names, m.a);
      if (!schemas || a === undefined) return;
      const from = base.prefix + refSegment(a);
      const to = base.prefix + refSegment(m.name);
      renameKey(schemas, a, m.name);
      for (const o of objectsIn(doc)) {
        if (o["$ref"] === from) put(o, "$ref", to);
        const mapping = obj(obj(o["discriminator"])?.["mapping"]);
        if (mapping) for (const [k, v] of Object.entries(mapping)) if (v === from) put(mapping, k, to);
      }
      return;
    }
    case "renameProperty": {
      const holders = objectsIn(doc).filter((o) => obj(o["properties"]) && Object.keys(o["properties"] as O).length > 0);
      const holder = pick(holders, m.at);
      if (!holder) return;
      const properties = holder["properties"] as O;
      const from = pick(Object.keys(properties), Math.floor(m.at / 7))!;
      renameKey(properties, from, m.name);
      if (Array.isArray(holder["required"])) put(holder, "required", holder["required"].map((r) => (r === from ? m.name : r)));
      return;
    }
    case "renameParameter": {
      const param = pick(objectsIn(doc).filter((o) => typeof o["name"] === "string" && typeof o["in"] === "string"), m.at);
      if (!param) return;
      put(param, "name", m.name);
      return;
    }
    case "operationId": {
      const op = pick(objectsIn(doc).filter((o) => typeof o["operationId"] === "string"), m.at);
      if (!op) return;
      put(op, "operationId", m.name);
      return;
    }
    case "deep": {
      const a = pick(names, m.a);
      if (!schemas || a === undefined) return;
      put(schemas, a, nested(m.depth, m.via));
      return;
    }
    case "wrongType": {
      const place = pick(slots(doc), m.at);
      if (place) setSlot(place, structuredClone(m.value));
      return;
    }
    case "delete": {
      const place = pick(slots(doc), m.at);
      if (!place) return;
      const [container, key] = place;
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
      return;
    }
    case "deleteNamed": {
      for (const o of objectsIn(doc)) if (Object.prototype.hasOwnProperty.call(o, m.key)) delete o[m.key];
      return;
    }
  }
}

function slotsParentIsProperties(container: O | J[]): boolean {
  return !Array.isArray(container) && PROPERTIES_OBJECTS.has(container);
}
/** The `properties` objects of the document being mutated (set before each mutation). */
let PROPERTIES_OBJECTS = new Set<object>();

function setSlot([container, key]: [O | J[], string | number], value: J): void {
  if (Array.isArray(container)) container[key as number] = value;
  else put(container, key as string, value);
}

export function mutate(baseIndex: number, mutations: readonly Mutation[]): string {
  const base = BASES[baseIndex]!;
  const doc = base.make();
  for (const m of mutations) {
    PROPERTIES_OBJECTS = new Set(objectsIn(doc).flatMap((o) => (obj(o["properties"]) ? [o["properties"] as object] : [])));
    applyMutation(doc, base, m);
  }
  return JSON.stringify(doc);
}

