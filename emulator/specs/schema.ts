/**
 * JSON-schema reading for the spec-driven emulator, over the OpenAPI 3 document the codegen's
 * loader produces: follow `$ref`s, merge `allOf` into one object shape, pick a discriminated
 * subtype, make a value of a schema (required properties filled, optional ones `null`, as OCI
 * writes them), and check a request body (OCI's `MissingParameter` / `InvalidParameter`).
 * Pure: no I/O, no clock (the caller passes `now`).
 */
import { isObject, resolvePointer, type Json, type JsonObject } from "../../codegen/json.js";

export { isObject };

/** Follows `$ref`s (`#/…` pointers into `doc`) to the schema object; undefined when there is none. */
export function resolve(doc: JsonObject, schema: Json | undefined): JsonObject | undefined {
  let current: Json | undefined = schema;
  for (let hops = 0; isObject(current) && typeof current["$ref"] === "string"; hops++) {
    if (hops > 20 || !current["$ref"].startsWith("#")) return undefined;
    current = resolvePointer(doc, current["$ref"].slice(1));
  }
  return isObject(current) ? current : undefined;
}

export type SchemaKind = "object" | "array" | "string" | "integer" | "number" | "boolean" | "any";

export interface Shape {
  readonly kind: SchemaKind;
  /** The merged schema (allOf members' keywords folded in). */
  readonly schema: JsonObject;
  readonly properties: ReadonlyMap<string, Json>;
  readonly required: ReadonlySet<string>;
  readonly discriminator: { readonly propertyName: string; readonly mapping: Readonly<Record<string, string>> } | undefined;
}

/** The object shape of a schema: its and its `allOf` members' properties and required names. */
export function shapeOf(doc: JsonObject, schema: Json | undefined): Shape {
  const root = resolve(doc, schema) ?? {};
  const properties = new Map<string, Json>();
  const required = new Set<string>();
  const merged: JsonObject = {};
  const seen = new Set<JsonObject>();
  const visit = (node: JsonObject): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const member of Array.isArray(node["allOf"]) ? node["allOf"] : []) {
      const resolved = resolve(doc, member);
      if (resolved) visit(resolved);
    }
    for (const [key, value] of Object.entries(node)) if (key !== "allOf" && key !== "discriminator") merged[key] = value;
    if (isObject(node["properties"])) for (const [name, property] of Object.entries(node["properties"])) properties.set(name, property);
    if (Array.isArray(node["required"])) for (const name of node["required"]) if (typeof name === "string") required.add(name);
  };
  visit(root);
  const raw = root["discriminator"];
  const discriminator =
    isObject(raw) && typeof raw["propertyName"] === "string" && isObject(raw["mapping"])
      ? {
          propertyName: raw["propertyName"],
          mapping: Object.fromEntries(Object.entries(raw["mapping"]).filter((entry): entry is [string, string] => typeof entry[1] === "string")),
        }
      : undefined;
  return { kind: kindOf(merged, properties.size > 0), schema: merged, properties, required, discriminator };
}

function kindOf(schema: JsonObject, hasProperties: boolean): SchemaKind {
  const type = Array.isArray(schema["type"]) ? schema["type"].find((t) => t !== "null") : schema["type"];
  if (type === "object" || type === "array" || type === "string" || type === "integer" || type === "number" || type === "boolean") return type;
  if (hasProperties || isObject(schema["additionalProperties"])) return "object";
  if (schema["items"] !== undefined) return "array";
  return "any";
}

/** A discriminated base's subtype for `value` (or the first one) and its discriminator value; else the shape itself. */
function concrete(doc: JsonObject, shape: Shape, value: unknown): { shape: Shape; tag: string | undefined } {
  if (!shape.discriminator) return { shape, tag: undefined };
  const given = isObject(value) ? value[shape.discriminator.propertyName] : undefined;
  const tag = typeof given === "string" && shape.discriminator.mapping[given] !== undefined ? given : Object.keys(shape.discriminator.mapping)[0];
  const target = tag === undefined ? undefined : shape.discriminator.mapping[tag];
  return target === undefined ? { shape, tag: undefined } : { shape: shapeOf(doc, { $ref: target }), tag };
}

// ---------------------------------------------------------------------------------------
// Values of a schema.

export interface GenerateContext {
  readonly doc: JsonObject;
  readonly now: Date;
  /** A fresh OCID for a property or parameter named like an id (`vcnId` → `ocid1.vcn.oc1..…`). */
  readonly ocid: (kind: string) => string;
}

const MAX_DEPTH = 6;

/** The OCID kind a name suggests: `vcnId` → `vcn`, `id` → `resource`. */
export function kindFromName(name: string): string {
  const stem = name.replace(/Ids?$/, "").toLowerCase();
  return stem === "" ? "resource" : stem;
}

/** A value of `schema`: required properties generated, optional ones `null`. */
export function generate(context: GenerateContext, schema: Json | undefined, name = "value", depth = 0): Json {
  const base = shapeOf(context.doc, schema);
  const { shape, tag } = concrete(context.doc, base, undefined);
  const s = shape.schema;
  if (Array.isArray(s["enum"]) && s["enum"].length > 0) return s["enum"][0]!;
  switch (shape.kind) {
    case "string":
      return generateString(context, s, name);
    case "integer":
    case "number":
      return typeof s["minimum"] === "number" ? Math.ceil(s["minimum"]) : typeof s["maximum"] === "number" && s["maximum"] < 0 ? s["maximum"] : 1;
    case "boolean":
      return false;
    case "array": {
      const min = typeof s["minItems"] === "number" ? s["minItems"] : 0;
      if (min === 0 || depth >= MAX_DEPTH) return [];
      return Array.from({ length: min }, () => generate(context, s["items"], singular(name), depth + 1));
    }
    case "object": {
      const out: JsonObject = {};
      if (depth >= MAX_DEPTH) return out;
      for (const [property, propertySchema] of shape.properties) {
        out[property] = shape.required.has(property) ? generate(context, propertySchema, property, depth + 1) : null;
      }
      // Oracle's specs sometimes require a name they never declare (identity's passwordReset).
      for (const property of shape.required) if (!(property in out)) out[property] = {};
      if (base.discriminator && tag !== undefined) out[base.discriminator.propertyName] = tag;
      return out;
    }
    default:
      return {};
  }
}

function singular(name: string): string {
  return name.endsWith("ies") ? name.slice(0, -3) + "y" : name.endsWith("s") ? name.slice(0, -1) : name;
}

function generateString(context: GenerateContext, s: JsonObject, name: string): string {
  const format = s["format"];
  if (format === "date-time") return context.now.toISOString();
  if (format === "date") return context.now.toISOString().slice(0, 10);
  if (format === "byte") return "";
  if (format === "uri" || format === "url") return "https://example.invalid/";
  if (name === "id" || /Id$/.test(name)) return context.ocid(kindFromName(name));
  if (/cidr/i.test(name)) return "10.0.0.0/16";
  const min = typeof s["minLength"] === "number" ? s["minLength"] : 0;
  const max = typeof s["maxLength"] === "number" ? s["maxLength"] : 64;
  let text = name.length > 0 ? name : "value";
  while (text.length < min) text += "x";
  return text.slice(0, Math.max(max, min));
}

/**
 * `schema`'s object shape filled: each property from the first source that has it (request
 * body, path and query parameters, a stored resource), else generated when required, else
 * `null`. Only the schema's own properties are written, so a summary stays a summary.
 */
export function fill(context: GenerateContext, schema: Json | undefined, sources: ReadonlyArray<Readonly<Record<string, unknown>>>): JsonObject {
  const base = shapeOf(context.doc, schema);
  const name = base.discriminator?.propertyName;
  const given = name === undefined ? undefined : sources.map((source) => source[name]).find((v) => typeof v === "string");
  const { shape, tag } = concrete(context.doc, base, name === undefined ? undefined : { [name]: given });
  const out: JsonObject = {};
  for (const [property, propertySchema] of shape.properties) {
    const found = sources.find((source) => source[property] !== undefined && source[property] !== null);
    if (found !== undefined && fits(context.doc, propertySchema, found[property])) out[property] = found[property] as Json;
    else out[property] = shape.required.has(property) ? generate(context, propertySchema, property) : null;
  }
  for (const property of shape.required) {
    if (!(property in out)) out[property] = (sources.find((source) => source[property] !== undefined && source[property] !== null)?.[property] as Json | undefined) ?? {};
  }
  if (name !== undefined && tag !== undefined) out[name] = tag;
  return out;
}

/** Whether a value is acceptable for a schema (no problem found by `check`). */
export function fits(doc: JsonObject, schema: Json | undefined, value: unknown): boolean {
  return check(doc, schema, value, "value") === undefined;
}

// ---------------------------------------------------------------------------------------
// Checking request bodies.

export interface Problem {
  readonly code: "MissingParameter" | "InvalidParameter";
  readonly message: string;
}

/**
 * The first problem with `value` against `schema`, or undefined: a required property missing
 * or `null` is MissingParameter; a wrong type or a value outside an enum is InvalidParameter.
 * Unknown properties are accepted (OCI ignores what it does not know), and so are `null`
 * optional ones.
 */
export function check(doc: JsonObject, schema: Json | undefined, value: unknown, path: string, depth = 0): Problem | undefined {
  if (depth > 32) return undefined;
  const { shape } = concrete(doc, shapeOf(doc, schema), value);
  const s = shape.schema;
  const invalid = (what: string): Problem => ({
    code: "InvalidParameter",
    message: path === "" ? `The request body ${what}.` : `Invalid value for '${path}': ${what}.`,
  });
  if (value === null || value === undefined) return undefined; // required-ness is the parent's call
  if (Array.isArray(s["enum"]) && s["enum"].length > 0 && typeof value === "string" && shape.kind === "string") {
    if (!s["enum"].includes(value)) return invalid(`must be one of ${s["enum"].join(", ")}`);
  }
  switch (shape.kind) {
    case "string":
      if (typeof value !== "string") return invalid("must be a string");
      if (s["format"] === "date-time" && Number.isNaN(Date.parse(value))) return invalid("must be an RFC 3339 date-time");
      return undefined;
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? undefined : invalid("must be an integer");
    case "number":
      return typeof value === "number" ? undefined : invalid("must be a number");
    case "boolean":
      return typeof value === "boolean" ? undefined : invalid("must be a boolean");
    case "array": {
      if (!Array.isArray(value)) return invalid("must be an array");
      for (const [i, item] of value.entries()) {
        const problem = check(doc, s["items"], item, `${path}[${i}]`, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    case "object": {
      if (!isObject(value)) return invalid("must be an object");
      for (const name of shape.required) {
        if (value[name] === undefined || value[name] === null) {
          return { code: "MissingParameter", message: `Missing required parameter '${path === "" ? name : `${path}.${name}`}'.` };
        }
      }
      for (const [name, propertySchema] of shape.properties) {
        const problem = check(doc, propertySchema, value[name], path === "" ? name : `${path}.${name}`, depth + 1);
        if (problem) return problem;
      }
      const extra = s["additionalProperties"];
      if (isObject(extra) && shape.properties.size === 0) {
        for (const [name, item] of Object.entries(value)) {
          const problem = check(doc, extra, item, `${path}.${name}`, depth + 1);
          if (problem) return problem;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
