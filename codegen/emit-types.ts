/**
 * types.ts: openapi-typescript's output, with enums made forward compatible
 * (`"A" | "B" | (string & {})`: a value the service adds later still type-checks, and
 * editors still suggest the known ones). int64 stays `number`, date-time stays `string`.
 * An optional property of what responses carry admits null (`email?: string | null`), as
 * Oracle's services send null for unset fields and validation accepts it (DECISIONS.md 13);
 * request-only types keep `email?: string`.
 * A use of a polymorphic base (polymorphism.ts) is the union of its subtypes and the base with
 * any other discriminator value — `Image | BootVolume | (Source & { imageId?: undefined })` —
 * in responses and request bodies alike, so that comparing the discriminator with a value
 * reaches that subtype's fields (see `polymorphicType`).
 */
import openapiTS, { astToString, UNKNOWN } from "openapi-typescript";
import { StructureKind, type ImportDeclarationStructure } from "ts-morph";
import ts from "typescript";
import { decodePercent, GenerateError, isPercentEncoded, pointerOf } from "./errors.js";
import { isFreeFormObject } from "./free-form.js";
import { componentName, componentSchemas, isObject, walkObjects, type JsonObject } from "./json.js";
import { hideNames } from "./stand-ins.js";
import { DISCRIMINATOR_VALUE, type DiscriminatedBase } from "./polymorphism.js";

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
  return (pointer.startsWith("#/paths/") && pointer.includes("/responses/")) || pointer.startsWith("#/components/responses/");
}

/** `components["schemas"]["name"]`, as openapi-typescript writes references. */
function componentType(name: string): ts.TypeNode {
  const schemas = ts.factory.createIndexedAccessTypeNode(
    ts.factory.createTypeReferenceNode("components"),
    ts.factory.createLiteralTypeNode(ts.factory.createStringLiteral("schemas")),
  );
  return ts.factory.createIndexedAccessTypeNode(schemas, ts.factory.createLiteralTypeNode(ts.factory.createStringLiteral(name)));
}

/** The component a type node refers to, if it is `components["schemas"]["name"]`. */
function referencedComponent(type: ts.TypeNode): string | undefined {
  if (!ts.isIndexedAccessTypeNode(type) || !ts.isIndexedAccessTypeNode(type.objectType)) return undefined;
  const outer = type.objectType;
  const literal = (node: ts.TypeNode) => (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal) ? node.literal.text : undefined);
  const root = outer.objectType;
  if (!ts.isTypeReferenceNode(root) || !ts.isIdentifier(root.typeName) || root.typeName.text !== "components") return undefined;
  return literal(outer.indexType) === "schemas" ? literal(type.indexType) : undefined;
}

/**
 * The type of a use of polymorphic `base`: each known subtype, or the base with another
 * discriminator value (a subtype newer than the spec):
 * `Image | BootVolume | (Omit<Source, "sourceType"> & { sourceType: string; imageId?: undefined })`.
 * The open member's discriminator is a plain `string`: the base's widened enum
 * (`"image" | (string & {})`) would stop TypeScript from narrowing on it at all. TypeScript
 * cannot exclude the known values from that `string`, so comparing the discriminator with
 * `"image"` leaves the open member in the union; it declares the subtypes' own fields as
 * absent (`imageId?: undefined`), so that after the comparison `imageId` can be read (typed
 * `string | undefined`, as the open member has none).
 */
function polymorphicType(name: string, base: DiscriminatedBase): ts.TypeNode {
  const property = (key: string, type: ts.TypeNode, optional: boolean) =>
    ts.factory.createPropertySignature(
      undefined,
      /^[A-Za-z_$][\w$]*$/.test(key) ? key : ts.factory.createStringLiteral(key),
      optional ? ts.factory.createToken(ts.SyntaxKind.QuestionToken) : undefined,
      type,
    );
  const own = ts.factory.createTypeLiteralNode([
    // A discriminator the base leaves optional may be null too, as any optional property.
    property(base.property, base.required ? ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword) : orNull(ts.factory.createKeywordTypeNode(ts.SyntaxKind.StringKeyword)), !base.required),
    ...base.subtypeOnly.map((key) => property(key, ts.factory.createKeywordTypeNode(ts.SyntaxKind.UndefinedKeyword), true)),
  ]);
  const omitted = ts.factory.createTypeReferenceNode("Omit", [componentType(name), ts.factory.createLiteralTypeNode(ts.factory.createStringLiteral(base.property))]);
  const open = ts.factory.createIntersectionTypeNode([omitted, own]);
  return ts.factory.createUnionTypeNode([...[...base.subtypes.values()].map(componentType), open]);
}

/** Whether openapi-typescript is typing `descendant`'s own `allOf` (path `#/components/schemas/<descendant>`): a reference to its base there is inheritance. */
function inheritsAt(pointer: string | undefined, base: DiscriminatedBase): boolean {
  if (pointer === undefined || !pointer.startsWith(COMPONENT_POINTER)) return false;
  const rest = pointer.slice(COMPONENT_POINTER.length);
  return !rest.includes("/") && base.descendants.has(rest.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export interface TypesOptions {
  /** The component schemas responses can carry: their optional properties admit null. */
  responseSchemas?: ReadonlySet<string> | undefined;
  /** The polymorphic bases (polymorphism.ts). */
  bases?: ReadonlyMap<string, DiscriminatedBase> | undefined;
}

export async function emitTypes(doc: JsonObject, file: string, options: TypesOptions = {}): Promise<string> {
  // openapi-typescript percent-decodes a schema's name once more in the paths it gives for the
  // schema's properties (`%25` comes as `%`): either form counts, unless another schema has
  // the decoded name (found by the mutated-spec property).
  const names = new Set(Object.keys(componentSchemas(doc)));
  const responseSchemas = new Set(
    [...(options.responseSchemas ?? [])].flatMap((name) => (names.has(decodePercent(name)) ? [name] : [name, decodePercent(name)])),
  );
  const bases = options.bases ?? new Map<string, DiscriminatedBase>();
  const polymorphicRef = (schema: unknown): ts.TypeNode | undefined => {
    const ref = isObject(schema) ? schema["$ref"] : undefined;
    const name = typeof ref === "string" ? componentName(ref) : undefined;
    const base = name === undefined ? undefined : bases.get(name);
    return name !== undefined && base ? polymorphicType(name, base) : undefined;
  };
  let ast: ts.Node[];
  const standIns = hideNames(doc);
  try {
    ast = await openapiTS(doc as never, {
      silent: true,
      // An object that says nothing of its values (`additionalProperties: false`) is
      // `Record<string, unknown>`, not `Record<string, never>`…
      emptyObjectsUnknown: true,
      // …but a bare `{ type: object }` is any value, as its schema says (free-form.ts); a
      // property typed by a polymorphic base is the union of its subtypes.
      transform: (schema) => (isFreeFormObject(schema as never) ? UNKNOWN : polymorphicRef(schema)),
      // A property with a default may still be absent from a response: keep it optional.
      defaultNonNullable: false,
      // Every enum is widened here (openapi-typescript calls this for each schema it types)…
      // A polymorphic base used anywhere else (array items, bodies, responses) is the union too,
      // except as a subtype's own `allOf` member.
      postTransform: (type, { path }) => {
        const name = referencedComponent(type);
        const base = name === undefined ? undefined : bases.get(name);
        if (name !== undefined && base && !inheritsAt(path, base)) return polymorphicType(name, base);
        return widenEnum(type);
      },
      // …except a property fixed to a discriminator value or a `const`, put back to its literal.
      transformProperty(property, schema, options) {
        const fixed =
          isObject(schema) && schema[DISCRIMINATOR_VALUE] === true && Array.isArray(schema["enum"]) ? schema["enum"][0] : schema.const;
        if (typeof fixed !== "string" && typeof fixed !== "number") {
          if (property.questionToken === undefined || !inResponse(options.path, responseSchemas)) return undefined;
          return ts.factory.updatePropertySignature(property, property.modifiers, property.name, property.questionToken, orNull(property.type!));
        }
        const literal = ts.factory.createLiteralTypeNode(typeof fixed === "string" ? ts.factory.createStringLiteral(fixed) : ts.factory.createNumericLiteral(fixed));
        // An optional `const` of a response may be null like any optional property.
        const type = property.questionToken !== undefined && inResponse(options.path, responseSchemas) ? orNull(literal) : literal;
        return ts.factory.updatePropertySignature(property, property.modifiers, property.name, property.questionToken, type);
      },
    });
  } catch (cause) {
    // openapi-typescript's resolver (Redocly) reads component names through plain objects, so a
    // name like a member of every object (valueOf, hasOwnProperty…) breaks it (property names
    // get stand-ins: stand-ins.ts), and it percent-decodes component names (a lone "%"
    // throws). Name them: the message it gives says nothing of where.
    const shadowing = Object.keys(componentSchemas(doc)).filter((name) => name in Object.prototype);
    const hint =
      shadowing.length > 0
        ? ` The schema${shadowing.length > 1 ? "s" : ""} ${shadowing.join(", ")} (components/schemas) ${shadowing.length > 1 ? "are" : "is"} named like a property every JavaScript object has, which openapi-typescript cannot handle; rename ${shadowing.length > 1 ? "them" : "it"} in the spec (and the $refs).`
        : "";
    const other = shadowing.length > 0 ? undefined : unhandledName(doc);
    throw new GenerateError(`openapi-typescript could not type the spec: ${standIns.showInText(String((cause as Error).message))}.${hint}${other ? ` ${other.message}` : ""}`, {
      file,
      ...(shadowing.length > 0 ? { pointer: `/components/schemas/${shadowing[0]}` } : other ? { pointer: other.pointer } : {}),
      cause,
    });
  } finally {
    standIns.show(doc);
  }
  return standIns.showInText(astToString(ast));
}

/** The first name openapi-typescript is known to fail on: a schema or operationId with a "%" that starts no escape. */
function unhandledName(doc: JsonObject): { pointer: string; message: string } | undefined {
  const percent = Object.keys(componentSchemas(doc)).find((name) => !isPercentEncoded(name));
  if (percent !== undefined) {
    return {
      pointer: pointerOf(["components", "schemas", percent]),
      message: `The schema name ${JSON.stringify(percent)} has a "%" that starts no percent escape, which openapi-typescript cannot read; rename it in the spec (and the $refs).`,
    };
  }
  let found: { pointer: string; message: string } | undefined;
  walkObjects(doc, (node, path) => {
    const id = node["operationId"];
    if (!found && typeof id === "string" && !isPercentEncoded(id) && path().length === 3 && path()[0] === "paths") {
      found = {
        pointer: pointerOf([...path(), "operationId"]),
        message: `The operationId ${JSON.stringify(id)} has a "%" that starts no percent escape, which openapi-typescript cannot read; rename it in the spec.`,
      };
    }
  });
  return found;
}
