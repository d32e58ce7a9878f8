/**
 * Oracle-style polymorphism → standard OpenAPI discriminators (DECISIONS.md 12).
 *
 * Oracle's specs put the discriminator *value* in each subtype:
 *   Base:    { discriminator: type, properties: { type: … } }
 *   Subtype: { allOf: [ { $ref: Base }, { discriminator: AMD_MILAN_BM_GPU, properties: … } ] }
 * Converters read the subtype's `discriminator` as a property name, and typings then require
 * a property `AMD_MILAN_BM_GPU` that no payload has. We rewrite before conversion: the
 * subtype loses its bogus discriminator and fixes the base's property to its value; the base
 * later gets `discriminator: { propertyName, mapping: { VALUE: Subtype } }`.
 */
import { decodePercent, GenerateError, pointerOf, type GenerateWarning } from "./errors.js";
import { componentName, componentRef, componentSchemas, isObject, type Json, type JsonObject, type SpecFormat } from "./json.js";

/** base schema name → (discriminator value → subtype schema name) */
export type DiscriminatorMappings = Map<string, { propertyName: string; mapping: Map<string, string> }>;

/** Marks a property whose type is fixed to one discriminator value (never widened). */
export const DISCRIMINATOR_VALUE = "x-oci-raw-discriminator-value";

function schemasOf(doc: JsonObject, format: SpecFormat): { schemas: JsonObject | undefined; prefix: string; at: string[] } {
  if (format === "swagger-2.0") {
    return { schemas: isObject(doc["definitions"]) ? doc["definitions"] : undefined, prefix: "#/definitions/", at: ["definitions"] };
  }
  return { schemas: componentSchemas(doc), prefix: "#/components/schemas/", at: ["components", "schemas"] };
}

/** The discriminator property a schema declares itself (not a value inside an allOf member). */
function ownDiscriminatorProperty(schema: JsonObject): string | undefined {
  const d = schema["discriminator"];
  if (typeof d === "string") return d;
  if (isObject(d) && typeof d["propertyName"] === "string") return d["propertyName"];
  return undefined;
}

/**
 * Rewrites subtypes in place and returns the mappings to put on the bases (after any
 * Swagger → OpenAPI conversion, with `applyDiscriminatorMappings`).
 */
export function rewriteOraclePolymorphism(doc: JsonObject, format: SpecFormat, warnings: GenerateWarning[]): DiscriminatorMappings {
  const mappings: DiscriminatorMappings = new Map();
  const { schemas, prefix, at } = schemasOf(doc, format);
  if (!schemas) return mappings;

  // Finds the base (possibly several allOf levels up) that declares the discriminator property.
  const findBase = (name: string, depth = 0): { name: string; property: string } | undefined => {
    const schema = schemas[name];
    if (!isObject(schema) || depth > 10) return undefined;
    const property = ownDiscriminatorProperty(schema);
    if (property !== undefined) return { name, property };
    const allOf = schema["allOf"];
    if (!Array.isArray(allOf)) return undefined;
    for (const member of allOf) {
      const ref = isObject(member) ? member["$ref"] : undefined;
      if (typeof ref === "string" && ref.startsWith(prefix)) {
        const found = findBase(decodePercent(ref.slice(prefix.length)), depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };

  for (const name of Object.keys(schemas)) {
    const schema = schemas[name];
    if (!isObject(schema) || !Array.isArray(schema["allOf"])) continue;
    const allOf = schema["allOf"];
    const valueMember = allOf.find((m): m is JsonObject => isObject(m) && typeof m["discriminator"] === "string");
    if (!valueMember) continue;
    const value = valueMember["discriminator"] as string;
    delete valueMember["discriminator"];

    let base: { name: string; property: string } | undefined;
    for (const member of allOf) {
      const ref = isObject(member) ? member["$ref"] : undefined;
      if (typeof ref === "string" && ref.startsWith(prefix)) base ??= findBase(decodePercent(ref.slice(prefix.length)));
    }
    if (!base) {
      warnings.push({
        pointer: pointerOf([...at, name, "allOf"]),
        message: `discriminator value ${value} has no base schema with a discriminator; ignored`,
      });
      continue;
    }
    const properties = isObject(valueMember["properties"]) ? valueMember["properties"] : {};
    properties[base.property] = { type: "string", enum: [value], [DISCRIMINATOR_VALUE]: true };
    valueMember["properties"] = properties;
    const required = Array.isArray(valueMember["required"]) ? valueMember["required"] : [];
    if (!required.includes(base.property)) required.push(base.property);
    valueMember["required"] = required;
    if (valueMember["type"] === undefined) valueMember["type"] = "object";

    let entry = mappings.get(base.name);
    if (!entry) mappings.set(base.name, (entry = { propertyName: base.property, mapping: new Map() }));
    if (entry.mapping.has(value)) {
      warnings.push({
        pointer: pointerOf([...at, name]),
        message: `discriminator value ${value} is used by both ${entry.mapping.get(value)} and ${name}; kept the first`,
      });
    } else entry.mapping.set(value, name);
  }
  return mappings;
}

/** Puts `discriminator: { propertyName, mapping }` on each base of an OpenAPI 3 document. */
export function applyDiscriminatorMappings(doc: JsonObject, mappings: DiscriminatorMappings): void {
  if (mappings.size === 0) return;
  const { schemas } = schemasOf(doc, "openapi-3.0");
  if (!schemas) return;
  for (const [baseName, { propertyName, mapping }] of mappings) {
    const base = schemas[baseName];
    if (!isObject(base)) continue;
    const existing = isObject(base["discriminator"]) && isObject(base["discriminator"]["mapping"]) ? base["discriminator"]["mapping"] : {};
    const merged: JsonObject = { ...existing };
    for (const [value, subtype] of mapping) merged[value] ??= componentRef(subtype);
    base["discriminator"] = { propertyName, mapping: merged };
  }
}

/** A base schema whose subtypes a discriminator property tells apart (after the rewrite above). */
export interface DiscriminatedBase {
  /** The discriminator property, e.g. `sourceType`. */
  readonly property: string;
  /** Whether the base requires it. */
  readonly required: boolean;
  /** Discriminator value → subtype schema name, in the spec's order. */
  readonly subtypes: ReadonlyMap<string, string>;
  /** Schemas built on the base through `allOf`, at any depth: their `$ref` to it is inheritance, not a use. */
  readonly descendants: ReadonlySet<string>;
  /** Properties some subtype declares and the base does not (but every object has, like `valueOf`, which no type can declare absent). */
  readonly subtypeOnly: readonly string[];
}

/** The component an `allOf` member refers to, if it is a reference. */
function referenced(member: Json): string | undefined {
  return isObject(member) && typeof member["$ref"] === "string" ? componentName(member["$ref"]) : undefined;
}

/**
 * The polymorphic bases of an OpenAPI 3 document: schemas with a `discriminator` and at least
 * one known subtype that extends it (`allOf`) — from its `mapping`, or, without one, the
 * schemas that extend it directly (standard OpenAPI: the value is the schema's name). A property typed by such a base is, in
 * types and validation, one of its subtypes or the base with a value no subtype has.
 */
export function discriminatedBases(doc: JsonObject): Map<string, DiscriminatedBase> {
  const schemas = componentSchemas(doc);
  const bases = new Map<string, DiscriminatedBase>();
  // Who extends whom, through allOf references.
  const parents = new Map<string, string[]>();
  for (const [name, schema] of Object.entries(schemas)) {
    const allOf = isObject(schema) && Array.isArray(schema["allOf"]) ? schema["allOf"] : [];
    parents.set(name, allOf.flatMap((member) => referenced(member) ?? []));
  }
  const extendsBase = (name: string, base: string, depth = 0): boolean =>
    depth < 20 && (parents.get(name) ?? []).some((parent) => parent === base || extendsBase(parent, base, depth + 1));
  // Property names a schema declares itself and through its allOf members (not past `stop`).
  const propertiesOf = (name: string, stop: string, into: Set<string>, depth = 0): Set<string> => {
    const schema = schemas[name];
    if (!isObject(schema) || name === stop || depth > 20) return into;
    const own = (s: JsonObject) => {
      if (isObject(s["properties"])) for (const key of Object.keys(s["properties"])) into.add(key);
    };
    own(schema);
    for (const member of Array.isArray(schema["allOf"]) ? schema["allOf"] : []) {
      const target = referenced(member);
      if (target !== undefined) propertiesOf(target, stop, into, depth + 1);
      else if (isObject(member)) own(member);
    }
    return into;
  };

  for (const [name, schema] of Object.entries(schemas)) {
    if (!isObject(schema) || !isObject(schema["discriminator"])) continue;
    const property = schema["discriminator"]["propertyName"];
    if (typeof property !== "string") continue;
    const mapping = isObject(schema["discriminator"]["mapping"]) ? schema["discriminator"]["mapping"] : undefined;
    const subtypes = new Map<string, string>();
    if (mapping) {
      for (const [value, ref] of Object.entries(mapping)) {
        const target = typeof ref === "string" ? (componentName(ref) ?? (ref in schemas ? ref : undefined)) : undefined;
        if (target !== undefined && target !== name && target in schemas) subtypes.set(value, target);
      }
    } else {
      for (const [other, ofOther] of parents) if (ofOther.includes(name)) subtypes.set(other, other);
    }
    const descendants = new Set(Object.keys(schemas).filter((other) => extendsBase(other, name)));
    // Only inheritance is open to newer subtypes: a base that is itself a `oneOf` of its
    // subtypes (a discriminator that only speeds up the choice) stays as the spec closes it.
    for (const [value, subtype] of subtypes) if (!descendants.has(subtype)) subtypes.delete(value);
    if (subtypes.size === 0) continue;
    const inBase = propertiesOf(name, "", new Set());
    const inSubtypes = new Set<string>();
    for (const subtype of subtypes.values()) propertiesOf(subtype, name, inSubtypes);
    const required = Array.isArray(schema["required"]) && schema["required"].includes(property);
    bases.set(name, { property, required, subtypes, descendants, subtypeOnly: [...inSubtypes].filter((key) => key !== property && !inBase.has(key) && !(key in Object.prototype)) });
  }
  return bases;
}

/**
 * The discriminator property a schema must carry because openapi-typescript's types require it
 * — they add it to every schema a discriminator's `mapping` names and to every schema that
 * extends a discriminated one through `allOf` — when the schema does not already require it
 * (a base whose discriminator is optional or undeclared). Validation requires it too, so that
 * types and validators agree. `name`: the schema's component name, if it is one.
 */
export function requiredDiscriminator(schema: JsonObject, name: string | undefined, schemas: JsonObject, mapped: ReadonlyMap<string, string>): string | undefined {
  if (schema["discriminator"] !== undefined) return undefined;
  const allOf = Array.isArray(schema["allOf"]) ? schema["allOf"] : [];
  let property: string | undefined;
  for (const member of allOf) {
    const parent = referenced(member);
    property ??= parent === undefined ? undefined : discriminatorOf(schemas[parent], schemas, new Set([parent]));
  }
  if (property === undefined && name !== undefined) property = mapped.get(name);
  return property === undefined || requires(schema, property, schemas, new Set()) ? undefined : property;
}

/**
 * Component name → the discriminator property of a schema whose `mapping` names it (the first
 * such schema): read once per document, for `requiredDiscriminator`.
 */
export function mappedSubtypes(schemas: JsonObject): Map<string, string> {
  const mapped = new Map<string, string>();
  for (const schema of Object.values(schemas)) {
    const discriminator = isObject(schema) ? schema["discriminator"] : undefined;
    if (!isObject(discriminator) || typeof discriminator["propertyName"] !== "string" || !isObject(discriminator["mapping"])) continue;
    for (const ref of Object.values(discriminator["mapping"])) {
      const target = typeof ref === "string" ? componentName(ref) : undefined;
      if (target !== undefined && !mapped.has(target)) mapped.set(target, discriminator["propertyName"]);
    }
  }
  return mapped;
}

/** The discriminator property of a schema, its own or one it inherits through `allOf`. */
function discriminatorOf(schema: Json | undefined, schemas: JsonObject, seen: Set<string>): string | undefined {
  if (!isObject(schema)) return undefined;
  const own = isObject(schema["discriminator"]) ? schema["discriminator"]["propertyName"] : undefined;
  if (typeof own === "string") return own;
  for (const member of Array.isArray(schema["allOf"]) ? schema["allOf"] : []) {
    const parent = referenced(member);
    if (parent === undefined || seen.has(parent)) continue;
    seen.add(parent);
    const found = discriminatorOf(schemas[parent], schemas, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether a schema requires `property` and declares it (itself, through `$ref`, or an `allOf` member). */
function requires(schema: Json | undefined, property: string, schemas: JsonObject, seen: Set<string>): boolean {
  if (!isObject(schema)) return false;
  const target = referenced(schema);
  if (target !== undefined) {
    if (seen.has(target)) return false;
    seen.add(target);
    return requires(schemas[target], property, schemas, seen);
  }
  const required = Array.isArray(schema["required"]) && schema["required"].includes(property);
  const declares = (s: Json | undefined): boolean => isObject(s) && isObject(s["properties"]) && Object.prototype.hasOwnProperty.call(s["properties"], property);
  if (required && declares(schema)) return true;
  const allOf = Array.isArray(schema["allOf"]) ? schema["allOf"] : [];
  // `required` beside `allOf` applies to the members' properties (schema-node.ts).
  if (required && allOf.some((member) => declares(member))) return true;
  return allOf.some((member) => requires(member, property, schemas, seen));
}

/**
 * A discriminator property holds a string (the value that names the subtype): one a base
 * declares as an object, array, number… is a GenerateError at it, as its subtypes' types (a
 * string value) and its own would contradict each other (found by the mutated-spec property).
 */
export function checkDiscriminatorTypes(doc: JsonObject, file: string): void {
  const schemas = componentSchemas(doc);
  for (const [name, schema] of Object.entries(schemas)) {
    const property = isObject(schema) && isObject(schema["discriminator"]) ? schema["discriminator"]["propertyName"] : undefined;
    const properties = isObject(schema) && isObject(schema["properties"]) ? schema["properties"] : undefined;
    if (typeof property !== "string" || !properties || !Object.prototype.hasOwnProperty.call(properties, property)) continue;
    let declared: Json | undefined = properties[property];
    for (let hops = 0; hops < 20 && isObject(declared) && referenced(declared) !== undefined; hops++) declared = schemas[referenced(declared)!];
    if (!isObject(declared)) continue;
    const type = declared["type"];
    const types = Array.isArray(type) ? type.filter((t) => t !== "null") : type === undefined ? [] : [type];
    const shaped = ["properties", "items", "allOf", "oneOf", "anyOf"].some((key) => declared[key] !== undefined);
    if (shaped || types.some((t) => t !== "string")) {
      throw new GenerateError(`the discriminator ${property} of ${name} is declared as ${shaped ? "a composed or object schema" : `type ${types.join(" or ")}`}; a discriminator holds a string (the value that names the subtype).`, {
        file,
        pointer: pointerOf(["components", "schemas", name, "properties", property]),
      });
    }
  }
}
