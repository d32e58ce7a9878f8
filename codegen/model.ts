/**
 * The model of one OpenAPI 3 document: everything the printers need, decided once — the
 * operations (operations.ts) and the schemas their responses reach, with their cycle groups
 * and identifiers (schema-model.ts). The printers take only the model, so they can be tested
 * from a model built by hand. Pure: document in, model out.
 */
import type { GenerateWarning } from "./errors.js";
import { componentSchemas, isObject, type JsonObject } from "./json.js";
import { modelOperations, type OperationsModel } from "./operations.js";
import { modelSchemas, type SchemaModel } from "./schema-model.js";

export {
  BODY_KEY,
  deref,
  RESERVED_TOP_LEVEL,
  UNSIGNED_BODY_OPERATIONS,
  type BodyModel,
  type HttpMethod,
  type OperationModel,
  type OperationsModel,
  type PagingModel,
  type ParamModel,
  type ResponseModel,
  type Serialisation,
} from "./operations.js";
export type { SchemaEntry, SchemaModel } from "./schema-model.js";

export interface ServiceModel extends OperationsModel {
  /** The document's `info.title`, if any. */
  title: string | undefined;
  /** Component schema name → its description, for the type aliases' doc comments. */
  schemaDescriptions: ReadonlyMap<string, string>;
  /** The schemas the responses need. */
  schemas: SchemaModel;
  /** What modelling the operations warned about (the schemas' warnings are `schemas.warnings`). */
  warnings: GenerateWarning[];
}

/** Models a document. Assigns derived operationIds into `doc` (openapi-typescript's keys follow them). */
export function buildModel(doc: JsonObject, file: string): ServiceModel {
  const operations = modelOperations(doc, file);
  const info = isObject(doc["info"]) ? doc["info"] : {};
  const schemaDescriptions = new Map<string, string>();
  for (const [name, schema] of Object.entries(componentSchemas(doc))) {
    if (isObject(schema) && typeof schema["description"] === "string") schemaDescriptions.set(name, schema["description"]);
  }
  return {
    ...operations,
    title: typeof info["title"] === "string" ? info["title"] : undefined,
    schemaDescriptions,
    schemas: modelSchemas(doc, operations),
  };
}
