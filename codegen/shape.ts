/**
 * The shape of a spec, checked before anything reads it: every field the generator, the
 * Swagger converter or openapi-typescript walks into (paths, operations, parameters,
 * responses, content, schemas and their properties, items, allOf…, required, enum,
 * discriminator) has the JSON type the specification gives it. A field of the wrong type
 * (a string where an object goes, an object where a list goes, null) is a GenerateError
 * naming it — not a TypeError deep inside one of them ("… is not iterable").
 * Fields the generator does not read are left alone; a `$ref` object is checked where it points.
 */
import { GenerateError, isPercentEncoded, pointerOf } from "./errors.js";
import { isObject, type Json, type JsonObject, type SpecFormat } from "./json.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

function describe(value: Json | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return `${typeof value === "number" ? "the number" : "the value"} ${String(value)}`;
}

/** Checks `doc` (as read, in its own format); throws a GenerateError at the first field of the wrong type. */
export function checkShape(doc: JsonObject, format: SpecFormat, file: string): void {
  const seen = new Set<object>(); // YAML aliases share objects: check each once
  const fail = (path: ReadonlyArray<string | number>, expected: string, value: Json | undefined): never => {
    const field = String(path.at(-1) ?? "the document");
    throw new GenerateError(`\`${field}\` must be ${expected}, not ${describe(value)}; correct it in the spec.`, { file, pointer: pointerOf(path) });
  };
  const has = (node: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(node, key);
  const object = (node: JsonObject, key: string, path: ReadonlyArray<string | number>): JsonObject | undefined => {
    if (!has(node, key)) return undefined;
    const value = node[key];
    if (!isObject(value)) return fail([...path, key], "an object", value);
    return value;
  };
  const list = (node: JsonObject, key: string, path: ReadonlyArray<string | number>): Json[] | undefined => {
    if (!has(node, key)) return undefined;
    const value = node[key];
    if (!Array.isArray(value)) return fail([...path, key], "a list", value);
    return value;
  };
  const string = (node: JsonObject, key: string, path: ReadonlyArray<string | number>): void => {
    if (has(node, key) && typeof node[key] !== "string") fail([...path, key], "a string", node[key]);
  };
  const isRef = (node: JsonObject): boolean => has(node, "$ref");

  const schema = (value: Json | undefined, path: ReadonlyArray<string | number>): void => {
    if (format === "openapi-3.1" && typeof value === "boolean") return;
    if (!isObject(value)) return fail(path, format === "openapi-3.1" ? "a schema (an object or a boolean)" : "a schema (an object)", value);
    if (seen.has(value) || isRef(value)) return;
    seen.add(value);
    // Oracle writes `properties: null` for none (normalize.ts drops it).
    const properties = value["properties"] === null ? undefined : object(value, "properties", path);
    if (properties) for (const key of Object.keys(properties)) schema(properties[key], [...path, "properties", key]);
    if (has(value, "items")) {
      const items = value["items"];
      if (Array.isArray(items) && format !== "openapi-3.1") fail([...path, "items"], "one schema (an object), not a list (tuples are not supported)", items);
      schema(items, [...path, "items"]);
    }
    if (has(value, "additionalProperties") && typeof value["additionalProperties"] !== "boolean") {
      schema(value["additionalProperties"], [...path, "additionalProperties"]);
    }
    for (const key of ["allOf", "oneOf", "anyOf"]) list(value, key, path)?.forEach((member, i) => schema(member, [...path, key, i]));
    if (has(value, "not")) schema(value["not"], [...path, "not"]);
    list(value, "required", path)?.forEach((name, i) => {
      if (typeof name !== "string") fail([...path, "required", i], "a property name (a string)", name);
    });
    const values = list(value, "enum", path);
    const nullable = value["nullable"] === true || value["x-nullable"] === true || (Array.isArray(value["type"]) && value["type"].includes("null"));
    const nullAt = values?.indexOf(null) ?? -1;
    if (nullAt !== -1 && !nullable) fail([...path, "enum", nullAt], "a value of the schema's type (null only in a nullable schema)", null);
    // Enums become literal types; an object or list value (often a misplaced $ref) has none.
    values?.forEach((member, i) => {
      if (member !== null && typeof member === "object") fail([...path, "enum", i], "a string, number or boolean (enum values are literals)", member);
    });
    if (has(value, "type")) {
      const type = value["type"];
      const ok = typeof type === "string" || (format === "openapi-3.1" && Array.isArray(type) && type.every((t) => typeof t === "string"));
      if (!ok) fail([...path, "type"], format === "openapi-3.1" ? "a type name or a list of them" : "a type name (a string)", type);
    }
    for (const key of ["format", "pattern", "title", "description"]) string(value, key, path);
    if (has(value, "discriminator")) {
      const d = value["discriminator"];
      if (format === "swagger-2.0" || typeof d === "string") {
        if (typeof d !== "string") fail([...path, "discriminator"], "a property name (a string)", d);
      } else {
        const discriminator = object(value, "discriminator", path)!;
        if (typeof discriminator["propertyName"] !== "string") fail([...path, "discriminator", "propertyName"], "a property name (a string)", discriminator["propertyName"]);
        const mapping = object(discriminator, "mapping", [...path, "discriminator"]);
        if (mapping) for (const key of Object.keys(mapping)) string(mapping, key, [...path, "discriminator", "mapping"]);
      }
    }
  };

  const schemaMap = (node: JsonObject, key: string, path: ReadonlyArray<string | number>): void => {
    const map = object(node, key, path);
    if (!map) return;
    for (const name of Object.keys(map)) {
      // openapi-typescript never finishes on a schema named "" (its $ref is the schemas object itself).
      if (name in Object.prototype && format === "swagger-2.0") {
        throw new GenerateError(`a definition is named ${name}, like a property every JavaScript object has, which the Swagger 2.0 converter cannot handle; rename it (and its $refs).`, {
          file,
          pointer: pointerOf([...path, key, name]),
        });
      }
      if (name === "") throw new GenerateError("a schema is named \"\" (the empty string); give it a name (and its $refs).", { file, pointer: pointerOf([...path, key, name]) });
      // A "%" that starts no escape: openapi-typescript percent-decodes schema names ("URI malformed").
      if (!isPercentEncoded(name)) {
        throw new GenerateError(`the schema name ${JSON.stringify(name)} has a "%" that starts no percent escape, which openapi-typescript cannot read; rename it (and its $refs).`, {
          file,
          pointer: pointerOf([...path, key, name]),
        });
      }
      schema(map[name], [...path, key, name]);
    }
  };

  const content = (node: JsonObject, path: ReadonlyArray<string | number>): void => {
    const media = object(node, "content", path);
    if (!media) return;
    for (const type of Object.keys(media)) {
      const entry = media[type];
      if (!isObject(entry)) fail([...path, "content", type], "a media type object", entry);
      if (has(entry as JsonObject, "schema")) schema((entry as JsonObject)["schema"], [...path, "content", type, "schema"]);
    }
  };

  const parameter = (value: Json | undefined, path: ReadonlyArray<string | number>): void => {
    if (!isObject(value)) return fail(path, "a parameter (an object)", value);
    if (isRef(value)) return;
    string(value, "name", path);
    string(value, "in", path);
    if (has(value, "schema")) schema(value["schema"], [...path, "schema"]);
    if (format === "swagger-2.0" && has(value, "items")) schema(value["items"], [...path, "items"]);
    // A Swagger 2.0 parameter other than the body carries its schema's fields itself: checked as
    // one (its own `required` is a flag, not a list, so it stays out).
    if (format === "swagger-2.0" && !has(value, "schema")) {
      const fields = ["type", "enum", "format", "pattern", "x-nullable"].filter((key) => has(value, key));
      if (fields.length > 0) schema(Object.fromEntries(fields.map((key) => [key, value[key]!])), path);
    }
    content(value, path);
  };

  const headers = (node: JsonObject, path: ReadonlyArray<string | number>): void => {
    const map = object(node, "headers", path);
    if (!map) return;
    for (const name of Object.keys(map)) {
      const header = map[name];
      if (!isObject(header)) fail([...path, "headers", name], "a header (an object)", header);
      if (has(header as JsonObject, "schema")) schema((header as JsonObject)["schema"], [...path, "headers", name, "schema"]);
    }
  };

  const response = (value: Json | undefined, path: ReadonlyArray<string | number>): void => {
    if (!isObject(value)) return fail(path, "a response (an object)", value);
    if (isRef(value)) return;
    string(value, "description", path);
    headers(value, path);
    if (format === "swagger-2.0") {
      if (has(value, "schema")) schema(value["schema"], [...path, "schema"]);
    } else content(value, path);
  };

  const requestBody = (value: Json | undefined, path: ReadonlyArray<string | number>): void => {
    if (!isObject(value)) return fail(path, "a request body (an object)", value);
    if (isRef(value)) return;
    content(value, path);
  };

  const operation = (value: Json | undefined, path: ReadonlyArray<string | number>): void => {
    if (!isObject(value)) return fail(path, "an operation (an object)", value);
    string(value, "operationId", path);
    string(value, "summary", path);
    string(value, "description", path);
    list(value, "parameters", path)?.forEach((p, i) => parameter(p, [...path, "parameters", i]));
    const responses = object(value, "responses", path);
    if (responses) for (const status of Object.keys(responses)) response(responses[status], [...path, "responses", status]);
    if (has(value, "requestBody")) requestBody(value["requestBody"], [...path, "requestBody"]);
    for (const key of ["consumes", "produces", "tags"]) list(value, key, path);
  };

  const paths = object(doc, "paths", []);
  if (paths) {
    for (const route of Object.keys(paths)) {
      const item = paths[route];
      const at = ["paths", route];
      if (!isObject(item)) fail(at, "a path item (an object)", item);
      const pathItem = item as JsonObject;
      if (isRef(pathItem)) continue;
      list(pathItem, "parameters", at)?.forEach((p, i) => parameter(p, [...at, "parameters", i]));
      for (const method of METHODS) if (has(pathItem, method)) operation(pathItem[method], [...at, method]);
    }
  }
  object(doc, "info", []);
  for (const key of ["servers", "consumes", "produces", "tags", "security"]) list(doc, key, []);
  if (format === "swagger-2.0") {
    string(doc, "host", []);
    string(doc, "basePath", []);
    schemaMap(doc, "definitions", []);
    const parameters = object(doc, "parameters", []);
    if (parameters) for (const name of Object.keys(parameters)) parameter(parameters[name], ["parameters", name]);
    const responses = object(doc, "responses", []);
    if (responses) for (const name of Object.keys(responses)) response(responses[name], ["responses", name]);
  } else {
    const components = object(doc, "components", []);
    if (components) {
      schemaMap(components, "schemas", ["components"]);
      const at = ["components"];
      const parameters = object(components, "parameters", at);
      if (parameters) for (const name of Object.keys(parameters)) parameter(parameters[name], [...at, "parameters", name]);
      const responses = object(components, "responses", at);
      if (responses) for (const name of Object.keys(responses)) response(responses[name], [...at, "responses", name]);
      const bodies = object(components, "requestBodies", at);
      if (bodies) for (const name of Object.keys(bodies)) requestBody(bodies[name], [...at, "requestBodies", name]);
      const headerMap = object(components, "headers", at);
      if (headerMap) for (const name of Object.keys(headerMap)) if (!isObject(headerMap[name])) fail([...at, "headers", name], "a header (an object)", headerMap[name]);
    }
  }
}

/**
 * Component schemas that contain themselves where TypeScript cannot follow: at their top
 * (not inside an object's properties), through `items`, `allOf`, `oneOf` or `anyOf` —
 * `A: { type: array, items: { $ref: A } }`, `A: { allOf: [{ $ref: B }] }` with B the same
 * back. openapi-typescript writes them as types that refer to themselves (TS2502), so the
 * output would not compile: a GenerateError naming the schema and the way round. Recursion
 * through a property or `additionalProperties` is an object type, and fine.
 */
export function checkTypeCycles(doc: JsonObject, format: SpecFormat, file: string): void {
  const schemas = isObject(doc["components"]) && isObject(doc["components"]["schemas"]) ? doc["components"]["schemas"] : {};
  const prefix = "#/components/schemas/";
  // Component → the components its top refers to, and how.
  const edges = new Map<string, Array<{ to: string; via: string }>>();
  for (const name of Object.keys(schemas)) {
    const out: Array<{ to: string; via: string }> = [];
    const seen = new Set<object>();
    const visit = (node: Json | undefined, via: string): void => {
      if (!isObject(node) || seen.has(node)) return;
      seen.add(node);
      const ref = node["$ref"];
      if (typeof ref === "string") {
        if (ref.startsWith(prefix)) {
          const to = ref.slice(prefix.length).replace(/~1/g, "/").replace(/~0/g, "~");
          if (Object.prototype.hasOwnProperty.call(schemas, to)) out.push({ to, via });
        }
        return;
      }
      if (node["type"] !== "object" || !isObject(node["properties"])) visit(node["items"], "items");
      for (const key of ["allOf", "oneOf", "anyOf"]) {
        const members = node[key];
        if (Array.isArray(members)) for (const member of members) visit(member, key);
      }
    };
    visit(schemas[name], "");
    edges.set(name, out);
  }
  const state = new Map<string, "open" | "done">();
  const trail: Array<{ name: string; via: string }> = [];
  const walk = (name: string, via: string): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "open") {
      const start = trail.findIndex((step) => step.name === name);
      const loop = [...trail.slice(start), { name, via }];
      const text = loop.map((step, i) => (i === 0 ? step.name : `${step.name} (${step.via})`)).join(" → ");
      const where = format === "swagger-2.0" ? ["definitions", name] : ["components", "schemas", name];
      throw new GenerateError(
        `schema ${name} contains itself outside any object property: ${text}. TypeScript cannot write that type; put the recursion inside an object property (e.g. { type: object, properties: { items: … } }).`,
        { file, pointer: pointerOf(where) },
      );
    }
    state.set(name, "open");
    trail.push({ name, via });
    for (const edge of edges.get(name) ?? []) walk(edge.to, edge.via);
    trail.pop();
    state.set(name, "done");
  };
  for (const name of edges.keys()) walk(name, "");
}
