/**
 * index.ts: the service description, a type alias per schema, one boring async function per
 * operation that builds an `OperationRequest` and hands it to the runtime's `invoke`, and the
 * response schemas and validators (emit-schemas.ts, emit-validators.ts). One file, so that it
 * runs as written under every build — tsc with an outDir copies no `.js` files, and type
 * stripping cannot map `./x.js` to `./x.ts` —; types.ts is imported for types only (erased).
 */
import { StructureKind, type OptionalKind, type PropertySignatureStructure, type StatementStructures, type WriterFunction } from "ts-morph";
import ts from "typescript";
import { schemaStatements } from "./emit-schemas.js";
import { typesImport, type TypesUsed } from "./emit-types.js";
import { validatorStatements } from "./emit-validators.js";
import { BODY_KEY, type OperationModel, type PagingModel, type ParamModel, type SchemaModel, type ServiceModel } from "./model.js";
import { NameScope, pascalCase } from "./names.js";
import { nodePrinter, printed, printedBlock, printFile } from "./print.js";
import { responseType, topLevelNames } from "./schema-model.js";
import { simpleType, type SimpleTypeContext } from "./simple-type.js";
import { call, constDeclaration, docText, dotted, modelType, objectLiteral, property, propertyName, stringLiteral, withDoc } from "./syntax.js";

const f = ts.factory;

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
  aliases: ts.Statement[];
  /** Prints a type or a name where ts-morph structures take text. */
  print: (node: ts.Node) => string;
}

/** `export type ListThingsResponse = operations[…]…;` so signatures stay readable. */
function alias(ctx: TypeContext, wanted: string, type: ts.TypeNode, doc: string): string {
  const name = ctx.scope.claim(wanted, "Type");
  ctx.uses.operations = true;
  ctx.aliases.push(typeAlias(name, type, doc));
  return name;
}

function typeAlias(name: string, type: ts.TypeNode, doc: string | undefined): ts.Statement {
  return withDoc(f.createTypeAliasDeclaration([f.createModifier(ts.SyntaxKind.ExportKeyword)], name, undefined, type), doc);
}

/** `T["a"]["b"]…` */
function indexed(type: ts.TypeNode, ...keys: string[]): ts.TypeNode {
  return keys.reduce((object, key) => f.createIndexedAccessTypeNode(object, f.createLiteralTypeNode(stringLiteral(key))), type);
}

/** `params.key` */
function paramsMember(key: string): ts.Expression {
  return f.createPropertyAccessExpression(f.createIdentifier("params"), key);
}

/** `value.join(separator)`, or `value?.join(separator)` when the value may be absent. */
function joined(value: ts.Expression, separator: string, optional: boolean): ts.Expression {
  const join = optional ? f.createPropertyAccessChain(value, f.createToken(ts.SyntaxKind.QuestionDotToken), "join") : f.createPropertyAccessExpression(value, "join");
  return optional ? f.createCallChain(join, undefined, undefined, [stringLiteral(separator)]) : call(join, [stringLiteral(separator)]);
}

const SEPARATORS: Partial<Record<ParamModel["serialisation"], string>> = { csv: ",", ssv: " ", pipes: "|" };

/** `params.x`, serialised the spec's way. */
function valueExpression(param: ParamModel): ts.Expression {
  const access = paramsMember(param.key);
  const separator = SEPARATORS[param.serialisation];
  if (separator !== undefined) return joined(access, separator, !param.required);
  switch (param.serialisation) {
    case "json": {
      const json = call("JSON.stringify", [access]);
      if (param.required) return json;
      const absent = f.createStrictEquality(access, f.createIdentifier("undefined"));
      return f.createConditionalExpression(absent, f.createToken(ts.SyntaxKind.QuestionToken), f.createIdentifier("undefined"), f.createToken(ts.SyntaxKind.ColonToken), json);
    }
    case "headerCollection":
      return call("prefixHeaders", [stringLiteral(param.headerPrefix ?? ""), access]);
    default:
      return access;
  }
}

/** An enum parameter's values, still open to new ones: `"a" | "b" | (string & {})`. */
function openEnum(values: readonly string[]): ts.TypeNode {
  const open = f.createParenthesizedType(f.createIntersectionTypeNode([f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), f.createTypeLiteralNode([])]));
  return f.createUnionTypeNode([...values.map((v) => f.createLiteralTypeNode(stringLiteral(v))), open]);
}

function paramType(param: ParamModel, ctx: TypeContext): string {
  if (param.serialisation === "headerCollection") return "Record<string, string>";
  if (param.enumValues && param.serialisation === "value") return ctx.print(openEnum(param.enumValues));
  // Query and header values may be Dates (the runtime sends ISO-8601); path segments are strings.
  // Without a simple type it is `unknown`: the model already made it JSON text (sentAsJson, model.ts).
  return simpleType(param.schema, { ...ctx, acceptDates: param.in !== "path" }) ?? "unknown";
}

/** `{ param: "start", next: { body: "nextStartWith" }, items: "objects" }`: data for the runtime's paginate. */
function pagingLiteral(paging: PagingModel): ts.Expression {
  const next = "header" in paging.next ? property("header", stringLiteral(paging.next.header)) : property("body", stringLiteral(paging.next.body));
  return f.createObjectLiteralExpression([
    property("param", stringLiteral(paging.param.key)),
    property("next", f.createObjectLiteralExpression([next])),
    ...(paging.items === undefined ? [] : [property("items", stringLiteral(paging.items))]),
  ]);
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

function returnType(op: OperationModel, ctx: TypeContext): ts.TypeNode {
  if (op.response.kind === "none") return f.createKeywordTypeNode(ts.SyntaxKind.UndefinedKeyword);
  if (op.response.kind === "binary") return f.createTypeReferenceNode("Response");
  const simple = simpleType(op.response.schema, { ...ctx, acceptDates: false });
  if (simple !== undefined) return modelType(simple);
  const name = alias(ctx, pascalCase(op.functionName) + "Response", modelType(responseType(op)), `The data {@link ${op.functionName}} resolves to.`);
  return f.createTypeReferenceNode(name);
}

function bodyType(op: OperationModel, ctx: TypeContext): string {
  const body = op.body!;
  if (body.kind === "binary") return "BinaryBody";
  const simple = simpleType(body.schema, { ...ctx, acceptDates: false });
  if (simple !== undefined) return simple;
  const requestBody = f.createTypeReferenceNode("NonNullable", [indexed(f.createTypeReferenceNode("operations"), op.operationId, "requestBody")]);
  return alias(ctx, pascalCase(op.functionName) + "Body", indexed(requestBody, "content", body.mediaType), `The body of {@link ${op.functionName}}.`);
}

/** The `OperationRequest` literal handed to `invoke`. */
function requestLiteral(op: OperationModel, responseSchemas: SchemaModel["responseSchemas"]): ts.Expression {
  const entries = (location: ParamModel["in"]): ts.ObjectLiteralElementLike[] =>
    op.params
      .filter((p) => p.in === location)
      .map((p) => (p.serialisation === "headerCollection" ? f.createSpreadAssignment(valueExpression(p)) : property(p.name, valueExpression(p))));
  const request: ts.ObjectLiteralElementLike[] = [
    f.createShorthandPropertyAssignment("service"),
    property("operationId", stringLiteral(op.operationId)),
    property("method", stringLiteral(op.method)),
    property("path", stringLiteral(op.path)),
  ];
  for (const [key, location] of [["pathParams", "path"], ["query", "query"], ["headers", "header"]] as const) {
    const members = entries(location);
    if (members.length) request.push(property(key, objectLiteral(members)));
  }
  if (op.body) {
    request.push(property("body", paramsMember(BODY_KEY)));
    if (op.body.kind === "binary") request.push(property("bodyKind", stringLiteral("binary")));
  }
  if (op.response.kind === "json") {
    const entry = responseSchemas.get(op.operationId)!;
    request.push(property("schema", f.createIdentifier(entry.schema)), property("isValid", f.createIdentifier(entry.guard)));
  } else request.push(property("responseKind", stringLiteral(op.response.kind)));
  if (op.retryByDefault) request.push(property("retryByDefault", f.createTrue()));
  if (op.excludeBodyFromSignature) request.push(property("excludeBodyFromSignature", f.createTrue()));
  if (op.acceptsRetryToken) request.push(property("acceptsRetryToken", f.createTrue()));
  if (op.paging) request.push(property("paging", pagingLiteral(op.paging)));
  return objectLiteral(request);
}

function operationStatements(
  op: OperationModel,
  ctx: TypeContext,
  responseSchemas: SchemaModel["responseSchemas"],
): Array<StatementStructures | WriterFunction> {
  ctx.aliases = [];
  const properties: Array<OptionalKind<PropertySignatureStructure>> = op.params.map((param) => {
    const type = paramType(param, ctx);
    const doc = (param.description ?? "").trim() + (param.deprecated ? "\n\n@deprecated" : "");
    return {
      name: ctx.print(propertyName(param.key)),
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

  // A paginated operation's response type says so, and where its items are: `OciResponse<T, Paged<"items">>`.
  const paged = op.paging && f.createTypeReferenceNode("Paged", op.paging.items === undefined ? undefined : [f.createLiteralTypeNode(stringLiteral(op.paging.items))]);
  const result = [returnType(op, ctx), ...(paged ? [paged] : [])];
  // The type argument is given, not inferred from the request and the return type: the same
  // checks, and tsc spends about 9% less time on a large client (measured on core-iaas).
  const invoke = f.createCallExpression(f.createIdentifier("invoke"), result, [f.createIdentifier("client"), requestLiteral(op, responseSchemas), f.createIdentifier("options")]);
  return [
    ...printed(ctx.aliases, ctx.print),
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
      returnType: ctx.print(f.createTypeReferenceNode("Promise", [f.createTypeReferenceNode("OciResponse", result)])),
      statements: [ctx.print(f.createReturnStatement(invoke))],
    },
  ];
}

/** `service`: the name, endpoint and base path the runtime sends requests with. */
function serviceStatement(model: ServiceModel, service: ServiceDescription): ts.Statement {
  const where = service.endpointTemplate
    ? ""
    : service.perResource
      ? " Per-resource endpoints: create the client with `endpoint`."
      : " No endpoint is known for it: create the client with `endpoint`.";
  const initializer = objectLiteral([
    property("name", stringLiteral(service.name)),
    property("endpointTemplate", service.endpointTemplate === undefined ? f.createIdentifier("undefined") : stringLiteral(service.endpointTemplate)),
    property("basePath", stringLiteral(service.basePath)),
  ]);
  const statement = constDeclaration({ name: "service", type: f.createTypeReferenceNode("ServiceInfo"), initializer });
  return withDoc(statement, `${model.title ?? service.name}: where requests go.${where}`);
}

/** `const z = { array: zod.array, … } as unknown as ZodMiniBuilders;`: the zod/mini functions `builders`. */
function zodStatement(builders: ReadonlySet<string>): ts.Statement {
  const members = objectLiteral([...builders].sort().map((name) => property(name, dotted(`zod.${name}`))));
  const opaque = f.createAsExpression(f.createAsExpression(members, f.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword)), f.createTypeReferenceNode("ZodMiniBuilders"));
  return withDoc(
    constDeclaration({ name: "z", exported: false, initializer: opaque }),
    "The zod/mini functions the schemas below use, typed opaquely: a compiler never infers zod's types from\n" +
      "this file (DECISIONS.md 4). Members, not the namespace, so that bundlers keep only what is used.",
  );
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
    print: nodePrinter(),
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
    ...printed([serviceStatement(model, service)], ctx.print),
  ];
  // The named types users import: one block, each with the schema's description.
  const aliases: ts.Statement[] = [];
  if (usesBinary) {
    const chunks = f.createTypeReferenceNode("ReadableStream", [f.createTypeReferenceNode("Uint8Array")]);
    const binary = f.createUnionTypeNode([f.createKeywordTypeNode(ts.SyntaxKind.StringKeyword), f.createTypeReferenceNode("Uint8Array"), f.createTypeReferenceNode("ArrayBuffer"), chunks]);
    aliases.push(typeAlias("BinaryBody", binary, "A request body sent as is (not JSON)."));
  }
  for (const [name, identifier] of model.schemaNames) {
    aliases.push(typeAlias(identifier, indexed(f.createTypeReferenceNode("components"), "schemas", name), model.schemaDescriptions.get(name)));
  }
  if (aliases.length) statements.push(printedBlock(aliases, ctx.print));
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
    statements.push(
      ...printed([zodStatement(schemas.builders), ...schemas.statements], ctx.print),
      ...validatorStatements(schemaSet),
    );
  }
  return printFile("index.ts", { leadingTrivia: header, statements });
}
