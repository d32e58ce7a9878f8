/**
 * A response schema reduced to what validation checks: one small node per schema kind, read
 * once from the OpenAPI schema. Both printers start from it — the zod/mini schemas
 * (emit-schemas.ts) and the plain validators (emit-validators.ts) — so they cannot disagree
 * about what a schema means.
 * Forward compatible: unknown properties pass and enums accept any value of their type.
 * Polymorphic: a reference to a base with a discriminator (polymorphism.ts) is one of its
 * subtypes, each checked in full, or the base with a discriminator value no subtype has (a
 * subtype newer than the spec passes as its base).
 * As OCI sends it: an optional property may be `null` (Oracle's services write unset fields as
 * null; DECISIONS.md 13), while a required one must be present and of its type.
 */
import { pointerOf, segmentsOf, type GenerateWarning } from "./errors.js";
import { isFreeFormObject } from "./free-form.js";
import { componentName, isObject, resolvePointer, type Json, type JsonObject } from "./json.js";
import { DISCRIMINATOR_VALUE, mappedSubtypes, requiredDiscriminator, type DiscriminatedBase } from "./polymorphism.js";

export type SchemaNode =
  | { readonly kind: "unknown" | "never" | "string" | "number" | "boolean" | "null" }
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  /** A string other than these (the discriminator of a subtype the spec does not know). */
  | { readonly kind: "otherString"; readonly values: readonly string[] }
  | { readonly kind: "nullable"; readonly inner: SchemaNode }
  /** A component schema, by its name in the spec. */
  | { readonly kind: "ref"; readonly name: string }
  | { readonly kind: "union"; readonly options: readonly SchemaNode[] }
  | { readonly kind: "intersection"; readonly left: SchemaNode; readonly right: SchemaNode }
  | { readonly kind: "array"; readonly items: SchemaNode }
  /** String keys, every value checked. */
  | { readonly kind: "record"; readonly values: SchemaNode }
  /** Declared properties; other keys pass (`rest` undefined) or are checked against `rest`. */
  | { readonly kind: "object"; readonly properties: readonly PropertyNode[]; readonly rest?: SchemaNode | undefined };

export interface PropertyNode {
  readonly key: string;
  readonly node: SchemaNode;
  readonly required: boolean;
}

const UNKNOWN: SchemaNode = { kind: "unknown" };

/**
 * The node for `schema` at JSON pointer `at`. `components` are the names a `$ref` may point
 * to; what cannot be expressed becomes `unknown`, with a warning. `bases`: the polymorphic
 * bases (polymorphism.ts `discriminatedBases`); `mapped`: the schemas a discriminator's mapping
 * names (`mappedSubtypes`), read once for the document by the caller.
 */
export function schemaNode(
  schema: Json | undefined,
  components: ReadonlySet<string>,
  warnings: GenerateWarning[],
  at: ReadonlyArray<string>,
  bases: ReadonlyMap<string, DiscriminatedBase> = new Map(),
  schemas: JsonObject = {},
  mapped: ReadonlyMap<string, string> = mappedSubtypes(schemas),
): SchemaNode {
  const warn = (where: ReadonlyArray<string>, message: string): void => void warnings.push({ pointer: pointerOf(where), message });
  /** The pointers inside components being followed (one that leads back to itself is unknown). */
  const following = new Set<string>();

  const node = (schema: Json | undefined, at: ReadonlyArray<string>): SchemaNode => {
    if (schema === undefined || schema === true) return UNKNOWN;
    if (schema === false) return { kind: "never" };
    if (!isObject(schema)) {
      warn(at, "schema is not an object; typed as unknown");
      return UNKNOWN;
    }
    const nullable = schema["nullable"] === true || (Array.isArray(schema["type"]) && schema["type"].includes("null"));
    const inner = nonNull(schema, at);
    return nullable && inner.kind !== "null" && inner.kind !== "unknown" ? { kind: "nullable", inner } : inner;
  };

  const nonNull = (schema: JsonObject, at: ReadonlyArray<string>): SchemaNode => {
    const shape = shapeOf(schema, at);
    // A subtype requires its discriminator even where its base leaves it optional, as its type does.
    const component = at.length === 3 && at[0] === "components" && at[1] === "schemas" ? at[2] : undefined;
    const property = schema[FIXED_BELOW] === undefined && schema["$ref"] === undefined ? requiredDiscriminator(schema, component, schemas, mapped) : undefined;
    if (property === undefined) return shape;
    return { kind: "intersection", left: shape, right: { kind: "object", properties: [{ key: property, node: { kind: "string" }, required: true }] } };
  };

  const shapeOf = (schema: JsonObject, at: ReadonlyArray<string>): SchemaNode => {
    const ref = schema["$ref"];
    if (typeof ref === "string") {
      const name = componentName(ref);
      if (name === undefined || !components.has(name)) {
        // A pointer inside a component (`…/schemas/Pet/properties/id`): typed, by openapi-typescript
        // too, as the schema it points to.
        const inside = ref.startsWith("#/components/schemas/") && !following.has(ref) ? resolvePointer({ components: { schemas } }, ref.slice(1)) : undefined;
        if (isObject(inside)) {
          following.add(ref);
          try {
            return node(inside, segmentsOf(ref.slice(1)));
          } finally {
            following.delete(ref);
          }
        }
        warn(at, `$ref ${ref} is not a component schema; typed as unknown`);
        return UNKNOWN;
      }
      const base = bases.get(name);
      // A subtype's own `allOf: [$ref: Base, …]` is inheritance: the base's fields, not a choice of subtype.
      const inherits = at.length === 5 && at[0] === "components" && at[1] === "schemas" && at[3] === "allOf" && base?.descendants.has(at[2]!);
      return base && !inherits ? polymorphic(name, base) : { kind: "ref", name };
    }
    const constant = schema["const"];
    if (typeof constant === "string" || typeof constant === "number" || typeof constant === "boolean") return { kind: "literal", value: constant };
    if (Array.isArray(schema["enum"])) {
      const values = schema["enum"].filter((v) => v !== null);
      if (schema[DISCRIMINATOR_VALUE] === true && typeof values[0] === "string") return { kind: "literal", value: values[0] };
      // Forward compatible: a value the service adds later must not fail validation.
      for (const kind of ["string", "number", "boolean"] as const) if (values.every((v) => typeof v === kind)) return { kind };
    }
    for (const keyword of ["oneOf", "anyOf"] as const) {
      const members = schema[keyword];
      if (Array.isArray(members) && members.length > 0) {
        const options = members.map((m, i) => node(m, [...at, keyword, String(i)]));
        const own = ownObject(schema, at);
        const union: SchemaNode = options.length === 1 ? options[0]! : { kind: "union", options };
        return own ? { kind: "intersection", left: own, right: union } : union;
      }
    }
    const allOf = schema["allOf"];
    if (Array.isArray(allOf) && allOf.length > 0) {
      // `required` beside `allOf` applies to the members' properties (as openapi-typescript
      // types it): Oracle writes `{ allOf: [$ref: Base, { properties: { values } }], required: [values] }`.
      const outer = Array.isArray(schema["required"]) ? schema["required"] : [];
      // The discriminator properties this schema fixes, itself or as the subtype being built.
      const fixing = [...fixedProperties(allOf), ...(Array.isArray(schema[FIXED_BELOW]) ? schema[FIXED_BELOW].filter((k) => typeof k === "string") : [])];
      const parts = allOf.map((m, i) => {
        const inline = outer.length > 0 && isObject(m) && m["$ref"] === undefined && isObject(m["properties"]);
        const parent = isObject(m) && typeof m["$ref"] === "string" ? componentName(m["$ref"]) : undefined;
        // A subtype of a subtype (ImageFromUrl extends Image, at any depth) takes its parent's
        // fields, not the value its parent fixes for the same property: it fixes its own.
        const unfixed = parent === undefined || fixing.length === 0 ? undefined : withoutFixed(schemas[parent], fixing);
        if (unfixed !== undefined) return node(unfixed, ["components", "schemas", parent!]);
        return node(inline ? { ...m, required: [...(Array.isArray(m["required"]) ? m["required"] : []), ...outer] } : m, [...at, "allOf", String(i)]);
      });
      const own = ownObject(schema, at);
      if (own) parts.push(own);
      return parts.reduce((left, right) => ({ kind: "intersection", left, right }));
    }
    const types = Array.isArray(schema["type"]) ? schema["type"].filter((t) => t !== "null") : [schema["type"]];
    if (types.length > 1) return { kind: "union", options: types.map((type) => typed({ ...schema, type: type as Json }, at)) };
    return typed({ ...schema, type: types[0] ?? null }, at);
  };

  const typed = (schema: JsonObject, at: ReadonlyArray<string>): SchemaNode => {
    switch (schema["type"]) {
      case "string":
      case "boolean":
      case "null":
        return { kind: schema["type"] };
      case "integer":
      case "number":
        return { kind: "number" };
      case "array":
        return { kind: "array", items: node(schema["items"], [...at, "items"]) };
      case "object":
      case null:
      case undefined: {
        const own = ownObject(schema, at);
        if (own) return own;
        // Any value at all (see free-form.ts): not a record, which would reject Oracle's tag values.
        if (isFreeFormObject(schema)) return UNKNOWN;
        if (schema["type"] === "object" || schema["additionalProperties"] !== undefined) {
          const values = isObject(schema["additionalProperties"]) ? schema["additionalProperties"] : undefined;
          return { kind: "record", values: node(values, [...at, "additionalProperties"]) };
        }
        if (schema["not"] !== undefined) warn(at, "`not` is not supported; typed as unknown");
        return UNKNOWN;
      }
      default:
        warn(at, `unknown type ${String(schema["type"])}; typed as unknown`);
        return UNKNOWN;
    }
  };

  /** The object of a schema's own properties, or undefined when it declares none. */
  const ownObject = (schema: JsonObject, at: ReadonlyArray<string>): SchemaNode | undefined => {
    const properties = isObject(schema["properties"]) ? schema["properties"] : undefined;
    if (!properties || Object.keys(properties).length === 0) return undefined;
    const required = new Set(Array.isArray(schema["required"]) ? schema["required"] : []);
    const entries = Object.keys(properties).map((key) => {
      const value = node(properties[key], [...at, "properties", key]);
      return { key, node: required.has(key) ? value : orNull(value), required: required.has(key) };
    });
    const additional = schema["additionalProperties"];
    const rest = isObject(additional) && Object.keys(additional).length > 0 ? node(additional, [...at, "additionalProperties"]) : undefined;
    return { kind: "object", properties: entries, rest };
  };

  const polymorphic = (name: string, base: DiscriminatedBase): SchemaNode => {
    const subtypes = [...base.subtypes.values()].filter((subtype) => components.has(subtype));
    const other: SchemaNode = { kind: "otherString", values: [...base.subtypes.keys()] };
    const open: SchemaNode = {
      kind: "intersection",
      left: { kind: "ref", name },
      right: { kind: "object", properties: [{ key: base.property, node: base.required ? other : orNull(other), required: base.required }] },
    };
    return { kind: "union", options: [...subtypes.map((subtype): SchemaNode => ({ kind: "ref", name: subtype })), open] };
  };

  return node(schema, at);
}

/** Marks a copy of a subtype's parent taken without the values below it fixes (the property names). */
const FIXED_BELOW = "x-oci-raw-fixed-below";

/** The properties an `allOf`'s inline members fix to a discriminator value (polymorphism.ts). */
function fixedProperties(allOf: readonly Json[]): string[] {
  return allOf.flatMap((member) => {
    const properties = isObject(member) ? member["properties"] : undefined;
    if (!isObject(properties)) return [];
    return Object.keys(properties).filter((key) => {
      const property = properties[key];
      return isObject(property) && property[DISCRIMINATOR_VALUE] === true;
    });
  });
}

/**
 * A subtype's `parent` without the values it fixes for `properties`, marked so that its own
 * parents are taken the same way; undefined when it fixes none of them.
 */
function withoutFixed(parent: Json | undefined, properties: readonly string[]): JsonObject | undefined {
  if (!isObject(parent) || !Array.isArray(parent["allOf"])) return undefined;
  const fixed = fixedProperties(parent["allOf"]).filter((key) => properties.includes(key));
  if (fixed.length === 0) return undefined;
  const allOf = parent["allOf"].map((member): Json => {
    const own = isObject(member) ? member["properties"] : undefined;
    if (!isObject(member) || !isObject(own) || !fixed.some((key) => key in own)) return member;
    const kept: JsonObject = Object.fromEntries(Object.entries(own).filter(([key]) => !fixed.includes(key)));
    const required = Array.isArray(member["required"]) ? member["required"].filter((key) => typeof key !== "string" || !fixed.includes(key)) : undefined;
    return { ...member, properties: kept, ...(required === undefined ? {} : { required }) };
  });
  return { ...parent, allOf, [FIXED_BELOW]: [...properties] };
}

/** `node`, or null: what an optional property of a response may be. */
function orNull(node: SchemaNode): SchemaNode {
  return node.kind === "unknown" || node.kind === "null" || node.kind === "nullable" ? node : { kind: "nullable", inner: node };
}

/** Every component schema `node` refers to, anywhere inside it. */
export function refsOf(node: SchemaNode, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case "ref":
      into.add(node.name);
      break;
    case "nullable":
      refsOf(node.inner, into);
      break;
    case "union":
      for (const option of node.options) refsOf(option, into);
      break;
    case "intersection":
      refsOf(node.left, into);
      refsOf(node.right, into);
      break;
    case "array":
      refsOf(node.items, into);
      break;
    case "record":
      refsOf(node.values, into);
      break;
    case "object":
      for (const property of node.properties) refsOf(property.node, into);
      if (node.rest) refsOf(node.rest, into);
      break;
  }
  return into;
}
