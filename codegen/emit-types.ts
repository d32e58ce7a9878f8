/**
 * types.ts: openapi-typescript's output, with enums made forward compatible
 * (`"A" | "B" | (string & {})`: a value the service adds later still type-checks, and
 * editors still suggest the known ones). int64 stays `number`, date-time stays `string`.
 * An optional property of what responses carry admits null (`email?: string | null`), as
 * Oracle's services send null for unset fields and validation accepts it (DECISIONS.md 13);
 * request-only types keep `email?: string`.
 */
import openapiTS, { astToString, UNKNOWN } from "openapi-typescript";
import { StructureKind, type ImportDeclarationStructure } from "ts-morph";
import ts from "typescript";
import { GenerateError } from "./errors.js";
import { isFreeFormObject } from "./free-form.js";
import { isObject, type JsonObject } from "./load.js";
import { DISCRIMINATOR_VALUE } from "./polymorphism.js";

function open(keyword: ts.SyntaxKind.StringKeyword | ts.SyntaxKind.NumberKeyword): ts.TypeNode {
  return ts.factory.createParenthesizedType(
    ts.factory.createIntersectionTypeNode([ts.factory.createKeywordTypeNode(keyword), ts.factory.createTypeLiteralNode([])]),
  );
}
const OPEN_STRING = open(ts.SyntaxKind.StringKeyword);
const OPEN_NUMBER = open(ts.SyntaxKind.NumberKeyword);

/** openapi-typescript writes string literal types as identifiers whose text is the quoted string. */
function isStringLiteral(node: ts.TypeNode): boolean {
  if (ts.isLiteralTypeNode(node)) return ts.isStringLiteral(node.literal);
  return ts.isIdentifier(node as ts.Node) && (node as ts.Node as ts.Identifier).text.startsWith('"');
}

function isNumberLiteral(node: ts.TypeNode): boolean {
  return ts.isLiteralTypeNode(node) && (ts.isNumericLiteral(node.literal) || ts.isPrefixUnaryExpression(node.literal));
}

function isNull(node: ts.TypeNode): boolean {
  return ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.NullKeyword;
}

/** `"A" | "B"` → `"A" | "B" | (string & {})`; numeric enums likewise with `number & {}`. */
export function widenEnum(type: ts.TypeNode): ts.TypeNode | undefined {
  const members = ts.isUnionTypeNode(type) ? [...type.types] : [type];
  const values = members.filter((m) => !isNull(m));
  if (values.length === 0) return undefined;
  if (values.every(isStringLiteral)) return ts.factory.createUnionTypeNode([...members, OPEN_STRING]);
  if (values.every(isNumberLiteral)) return ts.factory.createUnionTypeNode([...members, OPEN_NUMBER]);
  return undefined;
}

/** Which of types.ts's two namespaces a generated file refers to. */
export interface TypesUsed {
  components: boolean;
  operations: boolean;
}

/**
 * The `import type { components, operations } from "./types.js"` line of the other generated
 * files, naming only what the file uses (nothing when it uses neither, as an unused import
 * would fail a user's `noUnusedLocals`). One builder, so every file imports types.ts alike.
 */
export function typesImport(uses: TypesUsed): ImportDeclarationStructure[] {
  if (!uses.components && !uses.operations) return [];
  return [
    {
      kind: StructureKind.ImportDeclaration,
      isTypeOnly: true,
      namedImports: [...(uses.components ? ["components"] : []), ...(uses.operations ? ["operations"] : [])],
      moduleSpecifier: "./types.js",
    },
  ];
}

/** `T` → `T | null`, unless it already admits null (or is `unknown`). */
function orNull(type: ts.TypeNode): ts.TypeNode {
  if (type.kind === ts.SyntaxKind.UnknownKeyword || type.kind === ts.SyntaxKind.AnyKeyword || isNull(type)) return type;
  if (ts.isUnionTypeNode(type)) return type.types.some(isNull) ? type : ts.factory.createUnionTypeNode([...type.types, NULL_TYPE]);
  return ts.factory.createUnionTypeNode([type, NULL_TYPE]);
}
const NULL_TYPE = ts.factory.createLiteralTypeNode(ts.factory.createNull());

const COMPONENT_POINTER = "#/components/schemas/";

/**
 * Whether the property at `pointer` (openapi-typescript's path: `#/components/schemas/User/email`,
 * `#/paths/~1users/get/responses/200/…`) belongs to what a response can carry: a schema in
 * `responseSchemas` or an operation's inline response.
 */
function inResponse(pointer: string | undefined, responseSchemas: ReadonlySet<string>): boolean {
  if (pointer === undefined) return false;
  if (pointer.startsWith(COMPONENT_POINTER)) {
    const name = pointer.slice(COMPONENT_POINTER.length).split("/")[0]!.replace(/~1/g, "/").replace(/~0/g, "~");
    return responseSchemas.has(name);
  }
  return pointer.startsWith("#/paths/") && pointer.includes("/responses/");
}

/** `responseSchemas`: the component schemas responses can carry (their optional properties admit null). */
export async function emitTypes(doc: JsonObject, file: string, responseSchemas: ReadonlySet<string> = new Set()): Promise<string> {
  let ast: ts.Node[];
  try {
    ast = await openapiTS(doc as never, {
      silent: true,
      // An object that says nothing of its values (`additionalProperties: false`) is
      // `Record<string, unknown>`, not `Record<string, never>`…
      emptyObjectsUnknown: true,
      // …but a bare `{ type: object }` is any value, as its schema says (free-form.ts).
      transform: (schema) => (isFreeFormObject(schema as never) ? UNKNOWN : undefined),
      // A property with a default may still be absent from a response: keep it optional.
      defaultNonNullable: false,
      // Every enum is widened here (openapi-typescript calls this for each schema it types)…
      postTransform: (type) => widenEnum(type),
      // …except a property fixed to a discriminator value or a `const`, put back to its literal.
      transformProperty(property, schema, options) {
        const fixed =
          isObject(schema) && schema[DISCRIMINATOR_VALUE] === true && Array.isArray(schema["enum"]) ? schema["enum"][0] : schema.const;
        if (typeof fixed !== "string" && typeof fixed !== "number") {
          if (property.questionToken === undefined || !inResponse(options.path, responseSchemas)) return undefined;
          return ts.factory.updatePropertySignature(property, property.modifiers, property.name, property.questionToken, orNull(property.type!));
        }
        const literal = typeof fixed === "string" ? ts.factory.createStringLiteral(fixed) : ts.factory.createNumericLiteral(fixed);
        return ts.factory.updatePropertySignature(
          property,
          property.modifiers,
          property.name,
          property.questionToken,
          ts.factory.createLiteralTypeNode(literal),
        );
      },
    });
  } catch (cause) {
    throw new GenerateError(`openapi-typescript could not type the spec: ${(cause as Error).message}`, { file, cause });
  }
  return astToString(ast);
}
