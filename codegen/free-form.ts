/**
 * `{ type: object }` with nothing else said about its contents. Oracle's specs write it for
 * values that are not objects at all — a defined tag's value is typed
 * `additionalProperties: { type: object }` while the service sends strings
 * (`{"Operations": {"CostCenter": "42"}}`). So such a node means "any value": `z.unknown()` in
 * the schemas and `unknown` in types.ts, the two kept in step (schemas.check.ts proves it).
 */
import { isObject, type Json } from "./json.js";

const SAYS_WHAT_IS_INSIDE = ["additionalProperties", "patternProperties", "allOf", "oneOf", "anyOf", "enum", "const", "items", "discriminator"];

/** A schema whose only structural word is `type: object` (an empty `properties` says nothing either). */
export function isFreeFormObject(schema: Json | undefined): boolean {
  if (!isObject(schema) || schema["type"] !== "object") return false;
  const properties = schema["properties"];
  if (properties !== undefined && properties !== null && !(isObject(properties) && Object.keys(properties).length === 0)) return false;
  return SAYS_WHAT_IS_INSIDE.every((key) => schema[key] === undefined);
}
