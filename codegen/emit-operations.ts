/**
 * index.ts: the service description, a type alias per schema, one boring async function per
 * operation that builds an `OperationRequest` and hands it to the runtime's `invoke`, and the
 * response schemas and validators (emit-schemas.ts, emit-validators.ts). One file, so that it
 * runs as written under every build — tsc with an outDir copies no `.js` files, and type
 * stripping cannot map `./x.js` to `./x.ts` —; types.ts is imported for types only (erased).
 */
import { StructureKind, type StatementStructures, type WriterFunction } from "ts-morph";
import { schemaStatements } from "./emit-schemas.js";
import { typesImport, type TypesUsed } from "./emit-types.js";
import { validatorStatements } from "./emit-validators.js";
import { BODY_KEY, type OperationModel, type PagingModel, type ParamModel, type SchemaModel, type ServiceModel } from "./model.js";
import { NameScope, pascalCase, propertyKey } from "./names.js";
import { constStatement, docComment, printed, printFile, spaced } from "./print.js";
import { docText } from "./syntax.js";
import { responseType, topLevelNames } from "./schema-model.js";
import { simpleType, type SimpleTypeContext } from "./simple-type.js";

export interface ServiceDescription {
  name: string;
  endpointTemplate: string | undefined;
  /** Why there is no template: the service has per-resource endpoints, or none is known. */
  perResource: boolean;
  basePath: string;
}

interface TypeContext extends SimpleTypeContext {
  /** Set when a type falls back to openapi-typescript's `operations[…]` (so it is imported). */
  uses: TypesUsed;
  /** Top-level names, for the aliases of types only openapi-typescript can spell. */
  scope: NameScope;
  /** Aliases the current operation needs, written before its parameters. */
  aliases: string[];
}

/** `export type ListThingsResponse = operations[…]…;` so signatures stay readable. */
function alias(ctx: TypeContext, wanted: string, type: string, doc: string): string {
  const name = ctx.scope.claim(wanted, "Type");
  ctx.uses.operations = true;
  ctx.aliases.push(constLikeAlias(name, type, doc));
  return name;
}

function constLikeAlias(name: string, type: string, doc: string | undefined): string {
  return `${docComment(doc)}export type ${name} = ${type};`;
}

/** `params.x`, serialised the spec's way. */
function valueExpression(param: ParamModel): string {
  const access = `params.${param.key}`;
  const optional = param.required ? "" : "?";
  switch (param.serialisation) {
    case "csv":
      return `${access}${optional}.join(",")`;
    case "ssv":
      return `${access}${optional}.join(" ")`;
    case "pipes":
      return `${access}${optional}.join("|")`;
    case "json":
      return param.required ? `JSON.stringify(${access})` : `${access} === undefined ? undefined : JSON.stringify(${access})`;
    case "headerCollection":
      return `prefixHeaders(${JSON.stringify(param.headerPrefix ?? "")}, ${access})`;
    default:
      return access;
  }
}

function paramType(param: ParamModel, ctx: TypeContext): string {
  if (param.serialisation === "headerCollection") return "Record<string, string>";
  if (param.enumValues && param.serialisation === "value") return [...param.enumValues.map((v) => JSON.stringify(v)), "(string & {})"].join(" | ");
  // Query and header values may be Dates (the runtime sends ISO-8601); path segments are strings.
  // Without a simple type it is `unknown`: the model already made it JSON text (sentAsJson, model.ts).
  return simpleType(param.schema, { ...ctx, acceptDates: param.in !== "path" }) ?? "unknown";
}

/** `{ param: "start", next: { body: "nextStartWith" }, items: "objects" }`: data for the runtime's paginate. */
function pagingLiteral(paging: PagingModel): string {
  const next = "header" in paging.next ? `{ header: ${JSON.stringify(paging.next.header)} }` : `{ body: ${JSON.stringify(paging.next.body)} }`;
  const items = paging.items === undefined ? "" : `, items: ${JSON.stringify(paging.items)}`;
  return `{ param: ${JSON.stringify(paging.param.key)}, next: ${next}${items} }`;
}

function objectLiteral(entries: string[]): string {
  return entries.length === 0 ? "{}" : `{\n${entries.map((e) => `  ${e.replace(/\n/g, "\n  ")},`).join("\n")}\n}`;
}

function describe(op: OperationModel): string[] {
  const parts: string[] = [];
  if (op.summary && op.summary !== op.operationId) parts.push(op.summary.trim());
  if (op.description) parts.push(op.description.trim());
  if (parts.length === 0) parts.push(`${op.operationId}: ${op.method} ${op.path}`);
  let text = parts.join("\n\n");
  if (op.paging) text += "\n\nPaginated: iterate every item with `paginate(" + op.functionName + ", client, params)`.";
  else if (op.notPaginated) text += `\n\nNot paginated: ${op.notPaginated}.`;
  text += op.retryByDefault ? "\n\nRetried by default." : "\n\nNot retried by default; pass `options.retry` to retry it.";
  if (op.deprecated) text += "\n\n@deprecated";
  return [docText(text)];
}

function returnType(op: OperationModel, ctx: TypeContext): string {
  if (op.response.kind === "none") return "undefined";
  if (op.response.kind === "binary") return "Response";
  const simple = simpleType(op.response.schema, { ...ctx, acceptDates: false });
  if (simple !== undefined) return simple;
  return alias(ctx, pascalCase(op.functionName) + "Response", responseType(op), `The data {@link ${op.functionName}} resolves to.`);
}

function bodyType(op: OperationModel, ctx: TypeContext): string {
  const body = op.body!;
  if (body.kind === "binary") return "BinaryBody";
  const simple = simpleType(body.schema, { ...ctx, acceptDates: false });
  if (simple !== undefined) return simple;
  const type = `NonNullable<operations[${JSON.stringify(op.operationId)}]["requestBody"]>["content"][${JSON.stringify(body.mediaType)}]`;
  return alias(ctx, pascalCase(op.functionName) + "Body", type, `The body of {@link ${op.functionName}}.`);
}

function operationStatements(
  op: OperationModel,
  ctx: TypeContext,
  responseSchemas: SchemaModel["responseSchemas"],
): Array<StatementStructures | WriterFunction> {
  ctx.aliases = [];
  const properties = op.params.map((param) => {
    const type = paramType(param, ctx);
    const doc = (param.description ?? "").trim() + (param.deprecated ? "\n\n@deprecated" : "");
    return {
      name: propertyKey(param.key),
      type: param.required ? type : `${type} | undefined`,
      hasQuestionToken: !param.required,
      docs: doc ? [docText(doc)] : [],
    };
  });
  if (op.body) {
    const type = bodyType(op, ctx);
    properties.push({
      name: BODY_KEY,
      type: op.body.required ? type : `${type} | undefined`,
      hasQuestionToken: !op.body.required,
      docs: op.body.description ? [docText(op.body.description)] : [],
    });
  }
  const paramsOptional = properties.every((p) => p.hasQuestionToken);

  const entries = (location: ParamModel["in"]): string[] =>
    op.params
      .filter((p) => p.in === location)
      .map((p) => (p.serialisation === "headerCollection" ? `...${valueExpression(p)}` : `${propertyKey(p.name)}: ${valueExpression(p)}`));
  const request: string[] = ["service", `operationId: ${JSON.stringify(op.operationId)}`, `method: "${op.method}"`, `path: ${JSON.stringify(op.path)}`];
  const path = entries("path");
  const query = entries("query");
  const headers = entries("header");
  if (path.length) request.push(`pathParams: ${objectLiteral(path)}`);
  if (query.length) request.push(`query: ${objectLiteral(query)}`);
  if (headers.length) request.push(`headers: ${objectLiteral(headers)}`);
  if (op.body) {
    request.push(`body: params.${BODY_KEY}`);
    if (op.body.kind === "binary") request.push(`bodyKind: "binary"`);
  }
  if (op.response.kind === "json") {
    const entry = responseSchemas.get(op.operationId)!;
    request.push(`schema: ${entry.schema}`, `isValid: ${entry.guard}`);
  }
  else request.push(`responseKind: "${op.response.kind}"`);
  if (op.retryByDefault) request.push("retryByDefault: true");
  if (op.excludeBodyFromSignature) request.push("excludeBodyFromSignature: true");
  if (op.acceptsRetryToken) request.push("acceptsRetryToken: true");
  if (op.paging) request.push(`paging: ${pagingLiteral(op.paging)}`);

  // A paginated operation's response type says so, and where its items are: `OciResponse<T, Paged<"items">>`.
  const result = returnType(op, ctx) + (op.paging ? `, Paged${op.paging.items === undefined ? "" : `<${JSON.stringify(op.paging.items)}>`}` : "");
  // The type argument is given, not inferred from the request and the return type: the same
  // checks, and tsc spends about 9% less time on a large client (measured on core-iaas).
  const body: WriterFunction = (writer) => {
    writer.write(`return invoke<${result}>(client, `);
    writer.write(objectLiteral(request));
    writer.write(", options);");
  };
  return [
    ...ctx.aliases.map((text) => spaced(text)),
    {
      kind: StructureKind.Interface,
      name: op.paramsTypeName,
      isExported: true,
      docs: [`Parameters of {@link ${op.functionName}}.`],
      properties,
    },
    {
      kind: StructureKind.Function,
      name: op.functionName,
      isExported: true,
      isAsync: true,
      docs: describe(op),
      parameters: [
        { name: "client", type: "Client" },
        // Nothing to read from an empty params object: `_params`, so noUnusedParameters accepts it.
        paramsOptional ? { name: properties.length === 0 ? "_params" : "params", type: op.paramsTypeName, initializer: "{}" } : { name: "params", type: op.paramsTypeName },
        { name: "options", type: "CallOptions", hasQuestionToken: true },
      ],
      returnType: `Promise<OciResponse<${result}>>`,
      statements: [body],
    },
  ];
}

/** index.ts, printed from the model alone. */
export function emitOperations(model: ServiceModel, service: ServiceDescription, header: string): string {
  const schemaSet = model.schemas;
  const ctx: TypeContext = {
    schemaNames: model.schemaNames,
    acceptDates: false,
    polymorphic: new Set(schemaSet.bases.keys()),
    uses: { operations: false, components: model.schemaNames.size > 0 },
    // The aliases' names come after every name the model gave out.
    scope: new NameScope([...topLevelNames(model), ...schemaSet.entries.flatMap((entry) => [entry.schema, entry.guard])]),
    aliases: [],
  };

  const operationStructures = model.operations.flatMap((op) => operationStatements(op, ctx, schemaSet.responseSchemas));
  const schemas = schemaStatements(schemaSet);
  if (schemaSet.entries.some((entry) => entry.type.startsWith("operations["))) ctx.uses.operations = true;
  const usesBinary = model.operations.some((op) => op.body?.kind === "binary");
  const usesHeaderCollection = model.operations.some((op) => op.params.some((p) => p.serialisation === "headerCollection"));
  const usesSchemas = model.operations.some((op) => op.response.kind === "json");

  const statements: Array<StatementStructures | WriterFunction> = [
    {
      kind: StructureKind.ImportDeclaration,
      namedImports: [
        { name: "invoke" },
        ...(usesSchemas ? [{ name: "lazySchema" }] : []),
        ...["CallOptions", "Client", "OciResponse", ...(model.operations.some((op) => op.paging) ? ["Paged"] : []), ...(usesSchemas ? ["ResponseSchema"] : []), "ServiceInfo", ...(usesSchemas ? ["ZodMiniBuilders"] : [])].map((name) => ({ name, isTypeOnly: true })),
      ],
      moduleSpecifier: "oci-raw",
    },
    ...(usesSchemas ? [{ kind: StructureKind.ImportDeclaration as const, namespaceImport: "zod", moduleSpecifier: "zod/mini" }] : []),
    ...typesImport(ctx.uses),
    spaced(constStatement({
      name: "service",
      type: "ServiceInfo",
      docs:
        `${model.title ?? service.name}: where requests go.` +
        (service.endpointTemplate
          ? ""
          : service.perResource
            ? " Per-resource endpoints: create the client with `endpoint`."
            : " No endpoint is known for it: create the client with `endpoint`."),
      initializer: objectLiteral([
        `name: ${JSON.stringify(service.name)}`,
        `endpointTemplate: ${service.endpointTemplate === undefined ? "undefined" : JSON.stringify(service.endpointTemplate)}`,
        `basePath: ${JSON.stringify(service.basePath)}`,
      ]),
    })),
  ];
  // The named types users import: one block, each with the schema's description.
  const aliases: string[] = [];
  if (usesBinary) {
    aliases.push(constLikeAlias("BinaryBody", "string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>", "A request body sent as is (not JSON)."));
  }
  for (const [name, identifier] of model.schemaNames) {
    aliases.push(constLikeAlias(identifier, `components["schemas"][${JSON.stringify(name)}]`, model.schemaDescriptions.get(name)));
  }
  if (aliases.length) statements.push(spaced(aliases.join("\n")));
  statements.push(...operationStructures);
  if (usesHeaderCollection) {
    statements.push({
      kind: StructureKind.Function,
      name: "prefixHeaders",
      docs: ["`{ a: \"1\" }` → `{ \"opc-meta-a\": \"1\" }`: a header collection (`x-obmcs-header-collection`) as headers."],
      parameters: [
        { name: "prefix", type: "string" },
        { name: "values", type: "Readonly<Record<string, string>> | undefined" },
      ],
      returnType: "Record<string, string>",
      statements: [
        "const headers: Record<string, string> = {};",
        "for (const [name, value] of Object.entries(values ?? {})) headers[prefix + name] = value;",
        "return headers;",
      ],
    });
  }
  if (usesSchemas) {
    const builders = [...schemas.builders].sort().map((name) => `${name}: zod.${name}`);
    statements.push(
      spaced(
        constStatement({
          name: "z",
          exported: false,
          docs:
            "The zod/mini functions the schemas below use, typed opaquely: a compiler never infers zod's types from\n" +
            "this file (DECISIONS.md 4). Members, not the namespace, so that bundlers keep only what is used.",
          initializer: `${objectLiteral(builders)} as unknown as ZodMiniBuilders`,
        }),
      ),
      ...printed(schemas.statements),
      ...validatorStatements(schemaSet),
    );
  }
  return printFile("index.ts", { leadingTrivia: header, statements });
}
