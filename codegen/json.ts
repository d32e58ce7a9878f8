/**
 * Plain JSON documents and the few ways the generator reads them: JSON pointers, `$ref`s to
 * component schemas, `components.schemas`, and a walk over every object. Every stage (load,
 * normalize, model, the printers) reads specs through these; this module imports no other of
 * the generator's except errors.ts, so none of them has to import another for them.
 */
import { decodePercent, segmentsOf } from "./errors.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** What kind of document a spec is, as read (normalize.ts converts Swagger 2.0 to OpenAPI 3). */
export type SpecFormat = "swagger-2.0" | "openapi-3.0" | "openapi-3.1";

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An OpenAPI 3 document's `components.schemas`, or an empty object when it has none. Read
 * only: the empty object belongs to no document (load.ts's `schemaContainer` creates the real one).
 */
export function componentSchemas(doc: JsonObject): JsonObject {
  const components = doc["components"];
  return isObject(components) && isObject(components["schemas"]) ? components["schemas"] : {};
}

const COMPONENT_PREFIX = "#/components/schemas/";

/** The component schema a local `$ref` names (`#/components/schemas/A~1B` → `A/B`), or undefined for any other target. */
export function componentName(ref: string): string | undefined {
  return ref.startsWith(COMPONENT_PREFIX) ? decodePercent(ref.slice(COMPONENT_PREFIX.length).replace(/~1/g, "/").replace(/~0/g, "~")) : undefined;
}

/** The `$ref` naming a component schema (the inverse of `componentName`). */
export function componentRef(name: string): string {
  return COMPONENT_PREFIX + name.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** The value at a JSON pointer, or undefined. */
export function resolvePointer(doc: Json, pointer: string): Json | undefined {
  let node: Json | undefined = doc;
  for (const segment of segmentsOf(pointer)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
    else return undefined;
  }
  return node;
}

/** A place in an iterative walk: its value, and the frame and key it was reached through. */
interface Frame {
  node: Json;
  parent: Frame | undefined;
  key: string;
}

/** The keys from the root to `frame`. */
function pathOf(frame: Frame): string[] {
  const segments: string[] = [];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) segments.push(f.key);
  return segments.reverse();
}

/** Visits every object in the document once (YAML aliases share objects); `path()` builds its location on demand. */
export function walkObjects(root: Json, visit: (node: JsonObject, path: () => string[]) => void): void {
  const seen = new Set<object>();
  const stack: Frame[] = [{ node: root, parent: undefined, key: "" }];
  while (stack.length) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i]!, parent: frame, key: String(i) });
    } else {
      visit(node, () => pathOf(frame));
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ node: node[keys[i]!]!, parent: frame, key: keys[i]! });
    }
  }
}

/**
 * How deeply a spec may nest objects and arrays. Oracle's specs nest 9 levels; the generator's
 * recursive stages (normalizing, modelling, printing) run out of stack somewhere past 400, a
 * schema nested ~250 levels deep. 256 leaves a schema over 100 levels, which no real API has.
 */
export const MAX_NESTING = 256;

/** The path to the first value nested deeper than `limit`, or undefined. Iterative: any depth is safe to measure. */
export function tooDeeplyNested(root: Json, limit = MAX_NESTING): string[] | undefined {
  const seen = new Set<object>();
  const stack: Array<Frame & { depth: number }> = [{ node: root, parent: undefined, key: "", depth: 0 }];
  while (stack.length) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    if (frame.depth >= limit) return pathOf(frame);
    const entries: Array<[string, Json]> = Array.isArray(node) ? node.map((v, i) => [String(i), v]) : Object.entries(node);
    for (const [key, value] of entries) stack.push({ node: value, parent: frame, key, depth: frame.depth + 1 });
  }
  return undefined;
}
