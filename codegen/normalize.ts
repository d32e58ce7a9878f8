/**
 * The normalize step, between loading and modelling: makes a loaded document the OpenAPI 3
 * every later stage reads. Oracle writes `properties: null` (read as none) and puts
 * discriminator values in its subtypes (rewritten before conversion, polymorphism.ts);
 * Swagger 2.0 becomes OpenAPI 3 with swagger2openapi; then the bases get their mappings.
 */
import { GenerateError, pointerOf, type GenerateWarning } from "./errors.js";
import { walkObjects, type JsonObject, type SpecFormat } from "./json.js";
import { hideNames } from "./stand-ins.js";
import { applyDiscriminatorMappings, checkDiscriminatorTypes, rewriteOraclePolymorphism } from "./polymorphism.js";

export interface NormalizedSpec {
  /** The OpenAPI 3 document (converted from Swagger 2.0 when needed). */
  doc: JsonObject;
  warnings: GenerateWarning[];
}

/**
 * Normalizes `doc` (read from `file` as `format`). Rewrites it in place; a Swagger 2.0
 * document is converted into a new one.
 */
export async function normalizeSpec(doc: JsonObject, format: SpecFormat, file: string): Promise<NormalizedSpec> {
  const warnings: GenerateWarning[] = [];
  dropNullProperties(doc, warnings);
  // Before conversion: the converter would mangle Oracle's discriminator values.
  const mappings = rewriteOraclePolymorphism(doc, format, warnings);
  const openapi = format === "swagger-2.0" ? await convertSwagger(doc, file) : doc;
  applyDiscriminatorMappings(openapi, mappings);
  checkDiscriminatorTypes(openapi, file);
  return { doc: openapi, warnings };
}

/** Oracle writes `properties: null` in some subtypes (core, database): treat as no properties. */
function dropNullProperties(doc: JsonObject, warnings: GenerateWarning[]): void {
  walkObjects(doc, (node, path) => {
    if (node["properties"] === null && Object.prototype.hasOwnProperty.call(node, "properties")) {
      const where = path();
      if (where.at(-1) === "properties") return; // a property named "properties"
      delete node["properties"];
      warnings.push({ pointer: pointerOf([...where, "properties"]), message: "`properties: null` read as no properties" });
    }
  });
}

async function convertSwagger(doc: JsonObject, file: string): Promise<JsonObject> {
  const { default: swagger2openapi } = await import("swagger2openapi");
  const standIns = hideNames(doc);
  try {
    const result = await swagger2openapi.convertObj(doc, {
      patch: true,
      warnOnly: true,
      // YAML aliases make shared objects; the converter must accept them.
      anchors: true,
      resolveInternal: false,
      // Without `text` the converter re-serialises the whole spec to YAML (seconds on core-iaas)
      // only to keep it beside the result; we never read it.
      text: "-",
    });
    standIns.show(result.openapi as JsonObject);
    return result.openapi as JsonObject;
  } catch (cause) {
    // The converter's error carries the whole document in `options`; keep only its message.
    const raw = String((cause as Error).message ?? cause);
    const at = /at (#\/\S*)/.exec(raw)?.[1];
    throw new GenerateError(`Swagger 2.0 → OpenAPI 3 conversion failed: ${standIns.showInText(raw)}`, {
      file,
      ...(at ? { pointer: standIns.showInPointer(at).slice(1) } : {}),
    });
  } finally {
    // The converter works on a copy: the caller's document gets its names back too.
    standIns.show(doc);
  }
}
