/**
 * The operations half of the model (model.ts): the normalised operations of one OpenAPI 3
 * document, with names chosen, parameters grouped by location and flags (pagination,
 * retries, binary bodies, unsigned bodies) decided. Pure: document in, model out.
 */
import { GenerateError, pointerOf, type GenerateWarning } from "./errors.js";
import { componentSchemas, isObject, resolvePointer, type Json, type JsonObject } from "./json.js";
import { camelCase, deriveOperationId, NameScope, pascalCase } from "./names.js";
import { simpleType } from "./simple-type.js";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;

/** How a parameter value goes on the wire. */
export type Serialisation =
  | "value" // as is (the runtime turns numbers, booleans and Dates into strings)
  | "multi" // repeated: a=1&a=2
  | "csv" // joined with ","
  | "ssv" // joined with " "
  | "pipes" // joined with "|"
  | "json" // JSON text (parameters with `content`, objects, and schemas with no simple type)
  | "headerCollection"; // an object whose entries become `<prefix><key>` headers

export interface ParamModel {
  /** Name on the wire, e.g. `opc-request-id`. */
  name: string;
  /** Property in the function's params object, e.g. `opcRequestId`. */
  key: string;
  in: "path" | "query" | "header";
  required: boolean;
  description: string | undefined;
  deprecated: boolean;
  schema: Json | undefined;
  serialisation: Serialisation;
  /** For header collections: the prefix of every header (`opc-meta-`). */
  headerPrefix?: string;
  /** Known values from Oracle's `x-obmcs-enumref` (a string parameter that takes a schema's enum). */
  enumValues?: string[];
  pointer: string;
}

export interface BodyModel {
  kind: "json" | "binary";
  required: boolean;
  mediaType: string;
  schema: Json | undefined;
  description: string | undefined;
  pointer: string;
}

export interface ResponseModel {
  kind: "json" | "binary" | "none";
  status: string;
  mediaType: string | undefined;
  schema: Json | undefined;
  /** Where the schema is in the document, as JSON-pointer segments (for warnings). */
  at: readonly string[];
}

export interface OperationModel {
  operationId: string;
  /** lowerCamel function name, e.g. `listUsers`. */
  functionName: string;
  /** e.g. `ListUsersParams`. */
  paramsTypeName: string;
  method: HttpMethod;
  path: string;
  pointer: string;
  summary: string | undefined;
  description: string | undefined;
  deprecated: boolean;
  params: ParamModel[];
  /** Generated functions take it as `params[BODY_KEY]`. */
  body: BodyModel | undefined;
  response: ResponseModel;
  /** How the operation pages (`paginate` follows it), or undefined when it does not. */
  paging: PagingModel | undefined;
  /** For a list-like operation that is not paginated: why not (said in its doc comment). */
  notPaginated: string | undefined;
  retryByDefault: boolean;
  excludeBodyFromSignature: boolean;
  acceptsRetryToken: boolean;
}

/**
 * How a paginated operation pages, read from its spec (`modelPaging`):
 * - "header": the `opc-next-page` response header goes back as the `page` query parameter
 *   (Oracle's standard); the body is the array of items, or an object with one (`items`).
 * - "body": a string property of the body, `next<Param>…`, goes back as the query parameter
 *   `<param>` (Object Storage's ListObjects: `nextStartWith` → `start`); the items are an array
 *   property of the body (`objects`).
 */
export interface PagingModel {
  style: "header" | "body";
  /** The query parameter that takes the token: its key in the params object is `param.key`. */
  param: ParamModel;
  next: { header: string } | { body: string };
  /** The body property that holds the items; undefined when the body is the array. */
  items: string | undefined;
}

/**
 * The property of an operation's params object that holds its body. Always this one: a
 * parameter that wants the name is renamed instead (`bodyQuery`), so the body's key never
 * depends on the spec.
 */
export const BODY_KEY = "body";

/** The operations of a document, and the names its component schemas go by. */
export interface OperationsModel {
  operations: OperationModel[];
  /** Component schema name → identifier used for it in generated code. */
  schemaNames: Map<string, string>;
  warnings: GenerateWarning[];
}

/**
 * Operations that must not have their body signed even when the spec does not say so
 * (oci-protocol.md: streamed uploads; the SDKs keep the same list).
 */
export const UNSIGNED_BODY_OPERATIONS: ReadonlySet<string> = new Set([
  "PutObject",
  "UploadPart",
  "PutMessages",
  "PutDataFile",
  "PutGenericArtifactContentByPath",
  "PutAwrHubObject",
  "UploadLogFile",
  "UploadLogEventsFile",
  "UploadDiscoveryData",
  "UploadOtlpLogs",
  "CreateModelArtifact",
  "CreateJobArtifact",
  "CreateStepArtifact",
]);

/** Names generated modules define or import themselves; specs' names must go around them. */
export const RESERVED_TOP_LEVEL = [
  "invoke",
  "service",
  "components",
  "operations",
  "paths",
  "Client",
  "CallOptions",
  "OciResponse",
  "Paged",
  "ResponseSchema",
  "BinaryBody",
  "prefixHeaders",
  "lazySchema",
  "ZodMiniBuilders",
  "z",
  "zod",
  "isObject",
  "isPlainObject",
  "isArrayOf",
  "isRecordOf",
  "everyOther",
];

/** Follows local `$ref`s (for parameters, bodies, responses, headers; schemas keep theirs). */
export function deref(doc: JsonObject, node: Json | undefined, file: string, pointer: string): Json | undefined {
  let current = node;
  for (let hops = 0; isObject(current) && typeof current["$ref"] === "string"; hops++) {
    const ref = current["$ref"];
    if (hops > 20 || !ref.startsWith("#")) throw new GenerateError(`cannot resolve $ref ${ref}.`, { file, pointer });
    current = resolvePointer(doc, ref.slice(1));
    if (current === undefined) throw new GenerateError(`$ref ${ref} points at nothing.`, { file, pointer });
  }
  return current;
}

function text(value: Json | undefined): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Is this schema (possibly a $ref) a binary string? */
function isBinarySchema(doc: JsonObject, schema: Json | undefined): boolean {
  const resolved = schema === undefined ? undefined : deref(doc, schema, "", "");
  return isObject(resolved) && resolved["type"] === "string" && (resolved["format"] === "binary" || resolved["contentMediaType"] !== undefined);
}

function isJsonMediaType(mediaType: string): boolean {
  return /^application\/(.+\+)?json(;|$)/i.test(mediaType);
}

/**
 * JSON unless the media type or the schema says bytes. `*\/*` is what the Swagger converter
 * writes when a spec declares no `produces`/`consumes`: JSON then, unless the schema is binary.
 */
function isJsonContent(doc: JsonObject, mediaType: string, schema: Json | undefined): boolean {
  if (isBinarySchema(doc, schema)) return false;
  return isJsonMediaType(mediaType) || (mediaType === "*/*" && schema !== undefined);
}

function pickMediaType(content: JsonObject): string | undefined {
  const types = Object.keys(content);
  return types.find(isJsonMediaType) ?? types[0];
}

/** Models every operation, in the document's order. Assigns derived operationIds into `doc`. */
export function modelOperations(doc: JsonObject, file: string): OperationsModel {
  const warnings: GenerateWarning[] = [];
  const paths = isObject(doc["paths"]) ? doc["paths"] : {};
  const scope = new NameScope(RESERVED_TOP_LEVEL);

  // Schema identifiers first: they are the names users see most.
  const schemaNames = new Map<string, string>();
  for (const name of Object.keys(componentSchemas(doc))) schemaNames.set(name, scope.claim(pascalCase(name), "Model"));

  const topLevelRetries = doc["x-obmcs-client-retries-enabled"] === true;
  const usedOperationIds = new Set<string>();
  const operations: OperationModel[] = [];

  for (const path of Object.keys(paths)) {
    const item = deref(doc, paths[path], file, pointerOf(["paths", path]));
    if (!isObject(item)) continue;
    const shared = Array.isArray(item["parameters"]) ? item["parameters"] : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const at = ["paths", path, method];
      let operationId = text(operation["operationId"]) ?? deriveOperationId(method, path);
      if (operationId !== operation["operationId"]) {
        warnings.push({ pointer: pointerOf(at), message: `no operationId; named it ${operationId}` });
      }
      if (usedOperationIds.has(operationId)) {
        let unique = operationId;
        for (let i = 2; usedOperationIds.has(unique); i++) unique = `${operationId}${i}`;
        warnings.push({ pointer: pointerOf([...at, "operationId"]), message: `operationId ${operationId} is used twice; named this one ${unique}` });
        operationId = unique;
      }
      usedOperationIds.add(operationId);
      operation["operationId"] = operationId; // openapi-typescript's `operations[…]` keys follow it

      const functionName = scope.claim(camelCase(operationId), "Operation");
      const paramsTypeName = scope.claim(pascalCase(functionName) + "Params", "Input");
      const own = Array.isArray(operation["parameters"]) ? operation["parameters"] : [];
      const params = modelParams(doc, file, path, schemaNames, [...shared.map((p, i) => [p, ["paths", path, "parameters", i]] as const), ...own.map((p, i) => [p, [...at, "parameters", i]] as const)], warnings);
      const body = modelBody(doc, file, operation, at, warnings);
      const response = modelResponse(doc, file, operation, at, warnings);

      // Keys: camelCase of the wire name; a clash (same name in two locations, or the body's key) gets the location.
      const keys = new NameScope(body ? [BODY_KEY] : [], { avoidKeywords: false });
      for (const param of params) param.key = keys.claim(param.key, pascalCase(param.in));

      const extension = operation["x-obmcs-client-retries-enabled"];
      operations.push({
        operationId,
        functionName,
        paramsTypeName,
        method: method.toUpperCase() as HttpMethod,
        path,
        pointer: pointerOf(at),
        summary: text(operation["summary"]),
        description: text(operation["description"]),
        deprecated: operation["deprecated"] === true,
        params,
        body,
        response,
        ...modelPaging(doc, operation, params, response),
        retryByDefault: typeof extension === "boolean" ? extension : topLevelRetries,
        excludeBodyFromSignature: operation["x-obmcs-signing-strategy"] === "exclude_body" || UNSIGNED_BODY_OPERATIONS.has(operationId),
        acceptsRetryToken: params.some((p) => p.in === "header" && p.name.toLowerCase() === "opc-retry-token"),
      });
    }
  }
  return { operations, schemaNames, warnings };
}

function modelParams(
  doc: JsonObject,
  file: string,
  path: string,
  schemaNames: ReadonlyMap<string, string>,
  list: ReadonlyArray<readonly [Json, ReadonlyArray<string | number>]>,
  warnings: GenerateWarning[],
): ParamModel[] {
  // Operation-level parameters override path-level ones with the same name and location; an
  // overridden one's warnings go with it.
  const byKey = new Map<string, { param: ParamModel; warnings: GenerateWarning[] }>();
  for (const [raw, at] of list) {
    const pointer = pointerOf(at);
    const param = deref(doc, raw, file, pointer);
    if (!isObject(param) || typeof param["name"] !== "string" || typeof param["in"] !== "string") {
      throw new GenerateError("a parameter needs a `name` and an `in`.", { file, pointer });
    }
    const name = param["name"];
    const location = param["in"];
    if (location === "cookie") {
      warnings.push({ pointer, message: `cookie parameter ${name} is not supported; left out` });
      continue;
    }
    if (location !== "path" && location !== "query" && location !== "header") {
      throw new GenerateError(`parameter ${name} has an unknown location \`in: ${location}\`.`, { file, pointer });
    }
    const own: GenerateWarning[] = [];
    const modelled = modelParam(doc, param, name, location, pointer, own);
    // Every object literal already has these members, so `{}` (and any params object without
    // the member) would not type-check against a params type that declares one as a string.
    if (modelled.key !== "__proto__" && modelled.key in Object.prototype) {
      throw new GenerateError(
        `parameter ${name} becomes the params property ${modelled.key}, which every JavaScript object already has (a function), so TypeScript cannot type it; rename the parameter in the spec.`,
        { file, pointer },
      );
    }
    byKey.set(`${location}:${name}`, { param: modelled, warnings: own });
  }
  for (const kept of byKey.values()) warnings.push(...kept.warnings);
  const params = [...byKey.values()].map((kept) => kept.param);
  // Every {name} in the path must be a path parameter: a spec without one is broken.
  for (const match of path.matchAll(/\{([^}]+)\}/g)) {
    if (!params.some((p) => p.in === "path" && p.name === match[1])) {
      throw new GenerateError(`path parameter {${match[1]}} is not declared.`, { file, pointer: pointerOf(["paths", path]) });
    }
  }
  const order = { path: 0, query: 1, header: 2 };
  params.sort((a, b) => order[a.in] - order[b.in]);
  // Decided only now, for the parameters that stayed.
  for (const param of params) {
    const why = whySentAsJson(doc, param, schemaNames);
    if (why !== undefined) {
      param.serialisation = "json";
      warnings.push({ pointer: param.pointer, message: `parameter ${param.name} ${why}` });
    }
  }
  return params;
}

/**
 * Why a parameter not yet sent as JSON must be, or undefined: its schema has no simple
 * TypeScript type (simple-type.ts), so its function takes `unknown`, and only JSON text can
 * carry any value; or it names a schema that is a composition of objects (an allOf subtype,
 * found by the mutated-spec property's tsc sample). Header collections and enumref strings
 * have types of their own.
 */
function whySentAsJson(doc: JsonObject, param: ParamModel, schemaNames: ReadonlyMap<string, string>): string | undefined {
  if (param.serialisation === "json" || param.serialisation === "headerCollection") return undefined;
  if (param.enumValues && param.serialisation === "value") return undefined;
  // Whether Dates are accepted changes a type's text, never whether there is one.
  const type = simpleType(param.schema, { schemaNames, acceptDates: false });
  if (type === undefined || type === "unknown") return "has a complex schema; typed as unknown and sent as JSON";
  const target = isObject(param.schema) && typeof param.schema["$ref"] === "string" ? deref(doc, param.schema, "", "") : undefined;
  if (param.serialisation === "value" && target !== undefined && !isScalarSchema(target)) return `is a ${type}, a composition of objects; it is sent as JSON text`;
  return undefined;
}

/** A schema whose values are strings, numbers or booleans (or not said: the runtime sends them as text). */
function isScalarSchema(schema: Json | undefined): boolean {
  if (!isObject(schema)) return true;
  const type = schema["type"];
  if (type === "array" || type === "object") return false;
  return type !== undefined || !["properties", "additionalProperties", "items", "allOf", "oneOf", "anyOf"].some((key) => key in schema);
}

function modelParam(
  doc: JsonObject,
  param: JsonObject,
  name: string,
  location: "path" | "query" | "header",
  pointer: string,
  warnings: GenerateWarning[],
): ParamModel {
  let schema: Json | undefined = param["schema"];
  let serialisation: Serialisation = "value";
  let headerPrefix: string | undefined;
  if (schema === undefined && isObject(param["content"])) {
    const mediaType = pickMediaType(param["content"]);
    const entry = mediaType === undefined ? undefined : param["content"][mediaType];
    schema = isObject(entry) ? entry["schema"] : undefined;
    serialisation = "json";
  } else {
    const resolved = deref(doc, schema, "", pointer);
    const type = isObject(resolved) ? resolved["type"] : undefined;
    if (location === "header" && (param["x-obmcs-header-collection"] === true || name.endsWith("*"))) {
      serialisation = "headerCollection";
      headerPrefix = typeof param["x-obmcs-prefix"] === "string" ? param["x-obmcs-prefix"] : name.replace(/\*$/, "");
    } else if (type === "array" && !isScalarSchema(deref(doc, (resolved as JsonObject)["items"], "", pointer))) {
      // A list of lists or objects has no form, csv or pipe spelling: JSON text, like an object.
      warnings.push({ pointer, message: `${location} parameter ${name} is a list of lists or objects; it is sent as JSON text` });
      serialisation = "json";
    } else if (type === "array") {
      const style = typeof param["style"] === "string" ? param["style"] : location === "query" ? "form" : "simple";
      const explode = typeof param["explode"] === "boolean" ? param["explode"] : style === "form";
      if (style === "form") serialisation = explode ? "multi" : "csv";
      else if (style === "spaceDelimited") serialisation = "ssv";
      else if (style === "pipeDelimited") serialisation = "pipes";
      else serialisation = "csv";
    } else if (type === "object") {
      warnings.push({ pointer, message: `object-valued ${location} parameter ${name} is sent as JSON text` });
      serialisation = "json";
    }
  }
  const key = serialisation === "headerCollection" ? camelCase(headerPrefix ?? name) : camelCase(name);
  const enumValues = enumRefValues(doc, param["x-obmcs-enumref"]);
  return {
    name,
    key,
    in: location,
    // Content-Length follows from the body (the HTTP client sets it), so callers need not pass it.
    required: location === "path" || (param["required"] === true && !(location === "header" && name.toLowerCase() === "content-length")),
    description: text(param["description"]),
    deprecated: param["deprecated"] === true,
    schema,
    serialisation,
    ...(headerPrefix === undefined ? {} : { headerPrefix }),
    ...(enumValues === undefined ? {} : { enumValues }),
    pointer,
  };
}

/**
 * Oracle's `x-obmcs-enumref: "#/definitions/User/lifecycleState"` names a property of a
 * schema (not a JSON pointer); its enum values type the parameter.
 */
function enumRefValues(doc: JsonObject, ref: Json | undefined): string[] | undefined {
  if (typeof ref !== "string") return undefined;
  const match = /^#\/(?:definitions|components\/schemas)\/([^/]+)\/([^/]+)$/.exec(ref);
  const schema = match ? deref(doc, componentSchemas(doc)[match[1]!], "", "") : undefined;
  if (!isObject(schema)) return undefined;
  const candidates = [schema, ...(Array.isArray(schema["allOf"]) ? schema["allOf"].map((m) => deref(doc, m, "", "")) : [])];
  for (const candidate of candidates) {
    const properties = isObject(candidate) && isObject(candidate["properties"]) ? candidate["properties"] : undefined;
    const property = properties ? deref(doc, properties[match![2]!], "", "") : undefined;
    if (isObject(property) && Array.isArray(property["enum"]) && property["enum"].every((v) => typeof v === "string")) {
      return property["enum"] as string[];
    }
  }
  return undefined;
}

function modelBody(doc: JsonObject, file: string, operation: JsonObject, at: string[], warnings: GenerateWarning[]): BodyModel | undefined {
  if (operation["requestBody"] === undefined) return undefined;
  const pointer = pointerOf([...at, "requestBody"]);
  const body = deref(doc, operation["requestBody"], file, pointer);
  if (!isObject(body) || !isObject(body["content"])) {
    throw new GenerateError("requestBody needs a `content` object.", { file, pointer });
  }
  const mediaType = pickMediaType(body["content"]);
  if (mediaType === undefined) return undefined;
  const entry = body["content"][mediaType];
  const schema = isObject(entry) ? entry["schema"] : undefined;
  let kind: BodyModel["kind"] = isJsonContent(doc, mediaType, schema) ? "json" : "binary";
  if (/^(multipart\/|application\/x-www-form-urlencoded)/i.test(mediaType)) {
    warnings.push({ pointer, message: `${mediaType} bodies are not supported; the body is sent as JSON` });
    kind = "json";
  }
  return {
    kind,
    required: body["required"] === true,
    mediaType,
    schema,
    description: text(body["description"]),
    pointer: pointerOf([...at, "requestBody", "content", mediaType, "schema"]),
  };
}

/** The first 2xx response: its body decides what the function returns. */
function modelResponse(doc: JsonObject, file: string, operation: JsonObject, at: string[], warnings: GenerateWarning[]): ResponseModel {
  const responses = isObject(operation["responses"]) ? operation["responses"] : {};
  const statuses = Object.keys(responses)
    .filter((s) => /^2(\d\d|XX)$/i.test(s))
    .sort();
  const status = statuses[0];
  if (status === undefined) {
    warnings.push({ pointer: pointerOf([...at, "responses"]), message: "no 2xx response; the function returns no data" });
    return { kind: "none", status: "200", mediaType: undefined, schema: undefined, at: [] };
  }
  const response = deref(doc, responses[status], file, pointerOf([...at, "responses", status]));
  const content = isObject(response) && isObject(response["content"]) ? response["content"] : undefined;
  const mediaType = content ? pickMediaType(content) : undefined;
  if (!content || mediaType === undefined) return { kind: "none", status, mediaType: undefined, schema: undefined, at: [] };
  const entry = content[mediaType];
  const schema = isObject(entry) ? entry["schema"] : undefined;
  const json = schema !== undefined && isJsonContent(doc, mediaType, schema);
  return {
    kind: json ? "json" : "binary",
    status,
    mediaType,
    schema: json ? schema : undefined,
    at: [...at, "responses", status, "content", mediaType, "schema"],
  };
}

function responseHasHeader(doc: JsonObject, operation: JsonObject, status: string, header: string): boolean {
  const responses = isObject(operation["responses"]) ? operation["responses"] : {};
  const response = deref(doc, responses[status], "", "");
  const headers = isObject(response) && isObject(response["headers"]) ? response["headers"] : {};
  return Object.keys(headers).some((h) => h.toLowerCase() === header);
}

/** The object schema's properties, its `allOf` members' included; `$ref`s followed. */
function propertiesOf(doc: JsonObject, schema: Json | undefined): { properties: Map<string, JsonObject>; required: Set<string> } | undefined {
  const resolved = schema === undefined ? undefined : deref(doc, schema, "", "");
  if (!isObject(resolved) || resolved["type"] === "array") return undefined;
  const properties = new Map<string, JsonObject>();
  const required = new Set<string>();
  const members = [resolved, ...(Array.isArray(resolved["allOf"]) ? resolved["allOf"] : [])];
  for (const member of members) {
    const m = member === resolved ? resolved : deref(doc, member, "", "");
    if (!isObject(m)) continue;
    if (isObject(m["properties"])) {
      for (const [name, property] of Object.entries(m["properties"])) {
        const p = deref(doc, property, "", "");
        if (isObject(p)) properties.set(name, p);
      }
    }
    if (Array.isArray(m["required"])) for (const name of m["required"]) if (typeof name === "string") required.add(name);
  }
  return properties.size > 0 ? { properties, required } : undefined;
}

function isArraySchema(schema: JsonObject): boolean {
  const type = schema["type"];
  return type === "array" || (Array.isArray(type) && type.includes("array"));
}

function isStringSchema(schema: JsonObject): boolean {
  const type = schema["type"];
  return type === "string" || (Array.isArray(type) && type.includes("string"));
}

/**
 * Which array property of an object body holds a page's items: `items` (Oracle's collections),
 * else the only array property, else the only required one (ListObjects: `objects`, beside
 * the optional `prefixes`). Undefined when none or several could be.
 */
function itemsProperty(body: { properties: Map<string, JsonObject>; required: Set<string> }): string | undefined {
  const arrays = [...body.properties].filter(([, schema]) => isArraySchema(schema)).map(([name]) => name);
  if (arrays.includes("items")) return "items";
  if (arrays.length === 1) return arrays[0];
  const required = arrays.filter((name) => body.required.has(name));
  return required.length === 1 ? required[0] : undefined;
}

/**
 * How an operation pages, from its spec alone (names of parameters, response headers and body
 * properties; never the operation's name). A list-like operation (its body is an array, or its
 * response has `opc-next-page`, or it takes `page`) that cannot be paged gets the reason.
 */
function modelPaging(
  doc: JsonObject,
  operation: JsonObject,
  params: readonly ParamModel[],
  response: ResponseModel,
): { paging: PagingModel | undefined; notPaginated: string | undefined } {
  // A token is a string, sent as is.
  const query = params.filter((p) => {
    const schema = p.schema === undefined ? undefined : deref(doc, p.schema, "", "");
    return p.in === "query" && p.serialisation === "value" && (schema === undefined || (isObject(schema) && isStringSchema(schema)));
  });
  const page = query.find((p) => p.name === "page");
  const nextPageHeader = responseHasHeader(doc, operation, response.status, "opc-next-page");
  const schema = response.kind === "json" && response.schema !== undefined ? deref(doc, response.schema, "", "") : undefined;
  const arrayBody = isObject(schema) && isArraySchema(schema);
  const object = arrayBody ? undefined : propertiesOf(doc, schema);
  const paged = (paging: Omit<PagingModel, "items">, items: string | undefined) => ({ paging: { ...paging, items }, notPaginated: undefined });
  const refused = (why: string) => ({ paging: undefined, notPaginated: why });

  if (nextPageHeader) {
    if (!page) return refused("its response has an `opc-next-page` header, but it has no (string) `page` query parameter to send it back");
    const paging = { style: "header" as const, param: page, next: { header: "opc-next-page" } };
    if (arrayBody) return paged(paging, undefined);
    const items = object && itemsProperty(object);
    if (items !== undefined) return paged(paging, items);
    return refused(`its response has an \`opc-next-page\` header, but ${object ? "its body has no single array of items" : "no JSON body of items"}`);
  }
  // A token in the body: a string property `next<Param>…` names the query parameter that takes
  // it, beside an array of items (without one, `nextMaintenanceRunId` is just a property).
  const bodyToken = object && bodyTokenOf(object, query);
  const bodyItems = object && itemsProperty(object);
  if (bodyToken && bodyItems !== undefined) {
    return paged({ style: "body", param: bodyToken.param, next: { body: bodyToken.property } }, bodyItems);
  }
  if (page) return refused("it takes a `page` parameter, but its response has no `opc-next-page` header to fill it");
  if (arrayBody) return refused("its spec names no next-page token (no `opc-next-page` header, no `next…` body property)");
  return { paging: undefined, notPaginated: undefined };
}

/**
 * `nextStartWith` → the query parameter `start`: a string property named `next` + a query
 * parameter's name (capitalised), then the end or a capital letter. The longest such name wins.
 */
function bodyTokenOf(
  body: { properties: Map<string, JsonObject> },
  query: readonly ParamModel[],
): { property: string; param: ParamModel } | undefined {
  let found: { property: string; param: ParamModel } | undefined;
  for (const [property, schema] of body.properties) {
    if (!/^next[A-Z]/.test(property) || !isStringSchema(schema)) continue;
    for (const param of query) {
      const stem = "next" + param.name.charAt(0).toUpperCase() + param.name.slice(1);
      const rest = property.slice(stem.length);
      if (!property.startsWith(stem) || !(rest === "" || /^[A-Z]/.test(rest))) continue;
      if (!found || param.name.length > found.param.name.length) found = { property, param };
    }
  }
  return found;
}
