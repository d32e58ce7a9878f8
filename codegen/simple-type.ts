/**
 * Readable TypeScript types for simple schemas (`string`, `User`, `Record<string, number>`),
 * written straight from the schema instead of through openapi-typescript's
 * `operations[…]` paths. Its own module because two places ask: the emitter prints these
 * types, and the model (model.ts) sends a parameter that has none as JSON text.
 */
import { componentName, isObject, type Json, type JsonObject } from "./json.js";
import { stringLiteralText } from "./syntax.js";

export interface SimpleTypeContext {
  /** Component schema name → identifier used for it in generated code. */
  schemaNames: ReadonlyMap<string, string>;
  /** A date-time string may be given as a Date (parameters only: the runtime sends ISO-8601). */
  acceptDates: boolean;
  /** Polymorphic bases: a use of one is the union of its subtypes, which only openapi-typescript's type spells. */
  polymorphic?: ReadonlySet<string> | undefined;
}

function parenthesise(type: string): string {
  return /[|&]/.test(type) ? `(${type})` : type;
}

/**
 * A readable TypeScript type for simple schemas (named schemas, primitives, enums, arrays,
 * maps); undefined when only openapi-typescript's own type will do.
 */
export function simpleType(schema: Json | undefined, ctx: SimpleTypeContext): string | undefined {
  if (!isObject(schema)) return schema === undefined || schema === true ? "unknown" : undefined;
  const nullable = schema["nullable"] === true || (Array.isArray(schema["type"]) && schema["type"].includes("null"));
  const type = nonNullType(schema, ctx);
  return type !== undefined && nullable ? `${type} | null` : type;
}

function nonNullType(schema: JsonObject, ctx: SimpleTypeContext): string | undefined {
  const ref = schema["$ref"];
  if (typeof ref === "string") {
    const name = componentName(ref);
    return name === undefined || ctx.polymorphic?.has(name) ? undefined : ctx.schemaNames.get(name);
  }
  if (schema["allOf"] !== undefined || schema["oneOf"] !== undefined || schema["anyOf"] !== undefined) return undefined;
  const types = Array.isArray(schema["type"]) ? schema["type"].filter((t) => t !== "null") : [schema["type"]];
  if (types.length !== 1) return undefined;
  if (Array.isArray(schema["enum"])) {
    const values = schema["enum"].filter((v) => v !== null);
    if (values.length && values.every((v) => typeof v === "string")) return [...values.map((v) => stringLiteralText(v)), "(string & {})"].join(" | ");
    if (values.length && values.every((v) => typeof v === "number")) return [...values.map((v) => JSON.stringify(v)), "(number & {})"].join(" | ");
    return undefined;
  }
  switch (types[0]) {
    case "string":
      if (schema["format"] === "binary") return undefined;
      return ctx.acceptDates && (schema["format"] === "date-time" || schema["format"] === "date") ? "string | Date" : "string";
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array": {
      const items = simpleType(schema["items"], { ...ctx, acceptDates: false });
      return items === undefined ? undefined : `${parenthesise(items)}[]`;
    }
    case "object": {
      if (schema["properties"] !== undefined) return undefined;
      const values = schema["additionalProperties"];
      const value = isObject(values) ? simpleType(values, { ...ctx, acceptDates: false }) : "unknown";
      return value === undefined ? undefined : `Record<string, ${value}>`;
    }
    default:
      return undefined;
  }
}
