/**
 * Reading specs: YAML or JSON, OpenAPI 3.0 / 3.1 or Swagger 2.0, with cross-file `$ref`s
 * pulled into the one document and every local `$ref` checked (`readSpec`). normalize.ts then
 * makes it the OpenAPI 3 the model reads; `loadSpec` does both.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import YAML from "yaml";
import { GenerateError, isPercentEncoded, pointerOf, segmentsOf, type GenerateWarning } from "./errors.js";
import { isObject, MAX_NESTING, resolvePointer, tooDeeplyNested, walkObjects, type Json, type JsonObject, type SpecFormat } from "./json.js";
import { pascalCase } from "./names.js";
import { checkShape } from "./shape.js";
import { normalizeSpec } from "./normalize.js";

// Kept here for the callers that read specs through the loader.
export { componentSchemas, isObject, resolvePointer, walkObjects, type Json, type JsonObject, type SpecFormat } from "./json.js";

/** A spec as read: one document, bundled and checked, in its own format. */
export interface ReadSpec {
  /** The file as given. */
  file: string;
  /** The document as read: Swagger 2.0 until normalized. */
  doc: JsonObject;
  format: SpecFormat;
  /** Swagger's `host` or the first server's host, when the spec has one. */
  host: string | undefined;
  /** Swagger's `basePath` or the first server's path, without a trailing slash ("" for `/`). */
  basePath: string;
}

/** A spec read and normalized. */
export interface LoadedSpec extends ReadSpec {
  /** The OpenAPI 3 document (converted from Swagger 2.0 when needed). */
  doc: JsonObject;
  warnings: GenerateWarning[];
}

/** Reads and parses one file into plain JSON values. */
export function parseFile(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : "cannot read the file";
    throw new GenerateError(`${reason}. Check the path.`, { file, cause });
  }
  if (/\.json$/i.test(file)) {
    try {
      return JSON.parse(text) as Json;
    } catch (cause) {
      throw new GenerateError(`not valid JSON (${(cause as Error).message}).`, { file, cause });
    }
  }
  try {
    // Oracle's specs use thousands of YAML aliases; the default limit guards against
    // "billion laughs" documents, which a spec you chose to generate from is not.
    return YAML.parse(text, { maxAliasCount: -1, merge: true }) as Json;
  } catch (cause) {
    const line = (cause as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    const first = String((cause as Error).message).split("\n")[0];
    throw new GenerateError(`not valid YAML: ${first}`, { file, ...(line === undefined ? {} : { line }), cause });
  }
}

export function formatOf(doc: Json, file: string): SpecFormat {
  if (!isObject(doc)) throw new GenerateError("the document is not an object; expected an OpenAPI or Swagger spec.", { file });
  if (doc["swagger"] !== undefined) {
    if (String(doc["swagger"]) === "2.0") return "swagger-2.0";
    throw new GenerateError(`\`swagger\` says ${JSON.stringify(doc["swagger"])}; the versions read are Swagger "2.0" and OpenAPI 3.0 and 3.1.`, { file, pointer: "/swagger" });
  }
  if (typeof doc["openapi"] === "string") {
    if (/^3\.0(\.|$)/.test(doc["openapi"])) return "openapi-3.0";
    if (/^3\.1(\.|$)/.test(doc["openapi"])) return "openapi-3.1";
    throw new GenerateError(`OpenAPI ${doc["openapi"]} is not supported; use 3.0, 3.1 or Swagger 2.0.`, { file, pointer: "/openapi" });
  }
  throw new GenerateError("neither `openapi` nor `swagger` is set; is this an OpenAPI spec?", { file });
}



/**
 * Pulls `$ref`s to other files into the document: schemas become named schemas of the root
 * document (so recursion and names survive); anything else is copied in place.
 */
export function bundleExternalRefs(root: JsonObject, file: string, format: SpecFormat): void {
  const schemas = schemaContainer(root, format);
  const schemaPrefix = format === "swagger-2.0" ? "#/definitions/" : "#/components/schemas/";
  const files = new Map<string, Json>([[resolve(file), root]]);
  const hoisted = new Map<string, string>(); // "abs#pointer" → local ref

  const load = (abs: string, from: string, at: string): Json => {
    let doc = files.get(abs);
    if (doc === undefined) {
      try {
        doc = parseFile(abs);
      } catch (cause) {
        throw new GenerateError(`cannot load the $ref target ${relative(dirname(file), abs)}: ${(cause as Error).message}`, {
          file: from,
          pointer: at,
          cause,
        });
      }
      files.set(abs, doc);
    }
    return doc;
  };

  // Rewrites the $refs inside `node` (which lives in file `abs`), recursively.
  const rewrite = (node: Json, abs: string, path: string[], inSchema: boolean): Json => {
    if (Array.isArray(node)) return node.map((item, i) => rewrite(item, abs, [...path, String(i)], inSchema));
    if (!isObject(node)) return node;
    const ref = node["$ref"];
    if (typeof ref === "string" && (abs !== resolve(file) || !ref.startsWith("#"))) {
      return rewriteRef(ref, abs, path, inSchema);
    }
    const out: JsonObject = abs === resolve(file) ? node : {};
    for (const key of Object.keys(node)) {
      const childInSchema = inSchema || key === "schema" || key === "schemas" || key === "definitions";
      out[key] = rewrite(node[key]!, abs, [...path, key], childInSchema);
    }
    return out;
  };

  const rewriteRef = (ref: string, abs: string, path: string[], inSchema: boolean): Json => {
    const hash = ref.indexOf("#");
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? "" : ref.slice(hash + 1);
    const targetFile = filePart === "" ? abs : resolve(dirname(abs), filePart);
    if (targetFile === resolve(file)) return { $ref: "#" + pointer };
    if (/^[a-z]+:\/\//i.test(filePart)) {
      throw new GenerateError(`remote $ref ${ref} is not supported; download the file and refer to it by path.`, {
        file,
        pointer: pointerOf(path),
      });
    }
    const key = `${targetFile}#${pointer}`;
    const known = hoisted.get(key);
    if (known) return { $ref: known };
    const target = resolvePointer(load(targetFile, file, pointerOf(path)), pointer);
    if (target === undefined) {
      throw new GenerateError(`$ref ${ref} points at nothing in ${relative(dirname(file), targetFile)}.`, {
        file,
        pointer: pointerOf(path),
      });
    }
    const namedSchema = /^\/(definitions|components\/schemas)\/([^/]+)$/.exec(pointer);
    if (namedSchema || inSchema) {
      const wanted = pascalCase(namedSchema ? segmentsOf(pointer).at(-1)! : basename(targetFile).replace(/\.(ya?ml|json)$/i, ""));
      let name = wanted;
      for (let i = 2; schemas[name] !== undefined; i++) name = `${wanted}${i}`;
      const local = schemaPrefix + name.replace(/~/g, "~0").replace(/\//g, "~1");
      hoisted.set(key, local);
      schemas[name] = {}; // claim the name before recursing, so cycles find it
      schemas[name] = rewrite(target, targetFile, segmentsOf(pointer), true);
      return { $ref: local };
    }
    return rewrite(target, targetFile, segmentsOf(pointer), inSchema);
  };

  let external = false;
  walkObjects(root, (node) => {
    if (typeof node["$ref"] === "string" && !node["$ref"].startsWith("#")) external = true;
  });
  if (external) rewrite(root, resolve(file), [], false);
}

function schemaContainer(root: JsonObject, format: SpecFormat): JsonObject {
  if (format === "swagger-2.0") {
    if (!isObject(root["definitions"])) root["definitions"] = {};
    return root["definitions"] as JsonObject;
  }
  if (!isObject(root["components"])) root["components"] = {};
  const components = root["components"] as JsonObject;
  if (!isObject(components["schemas"])) components["schemas"] = {};
  return components["schemas"] as JsonObject;
}

/** Every local `$ref` must resolve; says where the first dangling one is. */
export function checkLocalRefs(doc: JsonObject, file: string): void {
  walkObjects(doc, (node, path) => {
    const ref = node["$ref"];
    if (ref === undefined) return;
    if (typeof ref !== "string") {
      throw new GenerateError("`$ref` must be a string.", { file, pointer: pointerOf([...path(), "$ref"]) });
    }
    if (ref.startsWith("#") && !isPercentEncoded(ref.slice(1))) {
      throw new GenerateError(`$ref ${ref} is not a valid JSON pointer: a "%" starts no percent escape; write a "%" in a name as %25.`, {
        file,
        pointer: pointerOf([...path(), "$ref"]),
      });
    }
    if (ref.startsWith("#") && resolvePointer(doc, ref.slice(1)) === undefined) {
      throw new GenerateError(`$ref ${ref} points at nothing in this document.`, { file, pointer: pointerOf(path()) });
    }
    const first = ref.startsWith("#") ? segmentsOf(ref.slice(1))[0] : undefined;
    if (first !== undefined && !REFERABLE.has(first)) {
      throw new GenerateError(`$ref ${ref} points at the spec's ${first}, which is no schema, parameter or response; point it at one (#/components/… or #/definitions/…).`, {
        file,
        pointer: pointerOf([...path(), "$ref"]),
      });
    }
    if (ref.startsWith("#") && containsItself(segmentsOf(ref.slice(1)), path())) {
      throw new GenerateError(`$ref ${ref} points at a part of the document that contains this $ref, not at a schema, so resolving it never ends; point it at a schema (#/components/schemas/… or #/definitions/…).`, {
        file,
        pointer: pointerOf([...path(), "$ref"]),
      });
    }
  });
}

/** Where a local `$ref` may point (OpenAPI 3, then Swagger 2.0): anywhere else (`#/info`) openapi-typescript writes a type that names nothing. */
const REFERABLE = new Set(["components", "paths", "webhooks", "definitions", "parameters", "responses"]);

/**
 * Whether a `$ref` at `at` points at one of its own containers that is no schema (`#`,
 * `#/components`, `#/paths/…`): openapi-typescript then follows it into itself until the stack
 * runs out (found by the mutated-spec property). A schema containing a `$ref` to itself is
 * recursion, and fine.
 */
function containsItself(target: readonly string[], at: readonly string[]): boolean {
  const schema = (target[0] === "components" && target[1] === "schemas" && target.length >= 3) || (target[0] === "definitions" && target.length >= 2);
  return !schema && target.length <= at.length && target.every((segment, i) => segment === at[i]);
}

/**
 * A `$ref` that leads back to itself through nothing but `$ref`s (`A: {$ref: A}`, or
 * `A: {$ref: B}` and `B: {$ref: A}`) defines nothing: says which. (A schema that refers to
 * itself through a property, `items` or `allOf` is a recursive type, and fine.)
 */
export function checkRefCycles(doc: JsonObject, file: string): void {
  const ends = new Set<object>(); // $ref objects whose chain is known to end
  walkObjects(doc, (node, path) => {
    const chain: object[] = []; // the $ref objects followed, in order
    const at: string[] = []; // where each of them is (a JSON pointer)
    let current: Json | undefined = node;
    let where = "";
    while (isObject(current) && typeof current["$ref"] === "string" && current["$ref"].startsWith("#") && !ends.has(current)) {
      const start = chain.indexOf(current);
      if (start !== -1) {
        const cycle = chain.slice(start).map((ref) => (ref as JsonObject)["$ref"] as string);
        throw new GenerateError(
          `$ref cycle: ${[...cycle, cycle[0]].join(" → ")} comes back to where it started through nothing but $refs, so it defines no schema; give one of them a type or properties instead of the $ref.`,
          { file, pointer: at[start]! },
        );
      }
      chain.push(current);
      at.push(chain.length === 1 ? pointerOf(path()) : where);
      where = current["$ref"].slice(1);
      current = resolvePointer(doc, where);
    }
    for (const ref of chain) ends.add(ref);
  });
}

function basePathOf(path: string | undefined): string {
  if (!path) return "";
  return path.replace(/\/+$/, "");
}

/** Reads, bundles and checks a spec; normalize it (normalize.ts) before modelling. */
export function readSpec(file: string): ReadSpec {
  const raw = parseFile(file);
  const format = formatOf(raw, file);
  const doc = raw as JsonObject;
  bundleExternalRefs(doc, file, format);
  const deep = tooDeeplyNested(doc);
  if (deep) {
    throw new GenerateError(`the spec nests more than ${MAX_NESTING} levels deep here; give the inner schemas names (components/schemas and $ref).`, {
      file,
      pointer: pointerOf(deep),
    });
  }
  checkShape(doc, format, file);
  checkLocalRefs(doc, file);
  checkRefCycles(doc, file);
  if (!isObject(doc["paths"]) && format !== "openapi-3.1") {
    throw new GenerateError("the spec has no `paths` object.", { file, pointer: "/paths" });
  }
  if (format === "swagger-2.0") {
    const host = typeof doc["host"] === "string" ? doc["host"] : undefined;
    return { file, doc, format, host, basePath: basePathOf(typeof doc["basePath"] === "string" ? doc["basePath"] : undefined) };
  }
  const servers = doc["servers"];
  const url = Array.isArray(servers) && isObject(servers[0]) && typeof servers[0]["url"] === "string" ? servers[0]["url"] : undefined;
  const parsed = url === undefined ? undefined : /^(?:[a-z]+:\/\/([^/]*))?(\/.*)?$/i.exec(url);
  return { file, doc, format, host: parsed?.[1] || undefined, basePath: basePathOf(parsed?.[2]) };
}

/** `readSpec` then `normalizeSpec`: the OpenAPI 3 document the model reads. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const read = readSpec(file);
  return { ...read, ...(await normalizeSpec(read.doc, read.format, file)) };
}
