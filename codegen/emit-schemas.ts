/**
 * Response schemas (zod/mini), printed from the nodes of schema-node.ts into the service's
 * index.ts, next to the validators printed from the same nodes (emit-validators.ts):
 * - `export const UserSchema: () => ResponseSchema<User> = lazySchema(() => z.looseObject({…}))`,
 *   built on first use and kept, so importing one operation constructs only what it uses
 *   (DECISIONS.md 3, 4). `z` is zod/mini seen through the runtime's `ZodMiniBuilders` type,
 *   and every export carries its type, so a user's compiler never infers zod's types
 *   (DECISIONS.md 4) and the file is plain TypeScript for every build: tsc with an outDir,
 *   declaration emit, bundlers, type stripping;
 * - schemas.check.ts (only with `checks`): the same expressions typed by zod itself, each
 *   assigned to its declared type — type-checking it proves the declarations tell the truth;
 *   nothing imports it. This project's own output has it; users opt in (`--checks`).
 * Forward compatible: unknown properties pass, enums accept any value of their type, nothing
 * can throw at import (no discriminatedUnion), recursion goes through getters. Only recursion:
 * a property that cannot lead back to its own schema refers to the other schema directly, so
 * that zod's ahead-of-time compiler (`zod/compile`, which takes any getter for a cycle) can
 * compile every schema that is not recursive.
 */
import { StructureKind, type StatementStructures, type WriterFunction } from "ts-morph";
import ts from "typescript";
import { typesImport } from "./emit-types.js";
import type { SchemaEntry, SchemaModel, ServiceModel } from "./model.js";
import { printed, printFile } from "./print.js";
import { leadsBack } from "./schema-model.js";
import type { SchemaNode } from "./schema-node.js";
import { arrow, call, constDeclaration, literal, modelType, objectLiteral, property, propertyName, withDoc } from "./syntax.js";

const f = ts.factory;

interface Printing {
  /** Component name → its schema's identifier. */
  identifiers: ReadonlyMap<string, string>;
  /** The zod/mini functions written, collected as they are. */
  builders?: Set<string> | undefined;
  /** Refs that must go through z.lazy (a direct cycle). */
  lazyRefs: ReadonlySet<string>;
  /** Each component's group of mutually recursive schemas. */
  cycles: ReadonlyMap<string, number>;
  /** The component schema being written, if any. */
  current?: string | undefined;
}

/** `z.name(…args)`, noting that the file uses `name`. */
function zf(p: Printing, name: string, args: readonly ts.Expression[] = []): ts.CallExpression {
  p.builders?.add(name);
  return call(`z.${name}`, args);
}

/** The zod/mini expression for a node. */
function zodOf(node: SchemaNode, p: Printing, inGetter = false): ts.Expression {
  switch (node.kind) {
    case "unknown":
    case "never":
    case "string":
    case "number":
    case "boolean":
    case "null":
      return zf(p, node.kind);
    case "literal":
      return zf(p, "literal", [literal(node.value)]);
    case "otherString": {
      // `abort`: a failed check ends the option, as a wrong type does, so that a union reports
      // every option (runtime/validation.ts then names the closest) instead of this one alone.
      const value = f.createIdentifier("value");
      const differs = node.values.map((v) => f.createStrictInequality(value, literal(v)));
      const test = differs.reduce((all, next) => f.createLogicalAnd(all, next));
      const refine = zf(p, "refine", [arrow(["value"], test), f.createObjectLiteralExpression([property("abort", f.createTrue())])]);
      return call(f.createPropertyAccessExpression(zf(p, "string"), "check"), [refine]);
    }
    case "nullable":
      return zf(p, "nullable", [zodOf(node.inner, p, inGetter)]);
    case "ref": {
      const schema = call(p.identifiers.get(node.name)!);
      return p.lazyRefs.has(node.name) && !inGetter ? zf(p, "lazy", [arrow([], schema)]) : schema;
    }
    case "union":
      return zf(p, "union", [f.createArrayLiteralExpression(node.options.map((o) => zodOf(o, p, inGetter)))]);
    case "intersection":
      return zf(p, "intersection", [zodOf(node.left, p, inGetter), zodOf(node.right, p, inGetter)]);
    case "array":
      return zf(p, "array", [zodOf(node.items, p, inGetter)]);
    case "record":
      return zf(p, "record", [zf(p, "string"), zodOf(node.values, p, inGetter)]);
    case "object": {
      const members = node.properties.map(({ key, node: value, required }): ts.ObjectLiteralElementLike => {
        // A property that can lead back to this schema is a getter, read once the schemas
        // exist; any other reference is a plain call.
        const getter = leadsBack(value, p.current, p.cycles);
        let expression = zodOf(value, p, getter || inGetter);
        if (!required) expression = zf(p, "exactOptional", [expression]);
        if (!getter) return property(key, expression);
        return f.createGetAccessorDeclaration(undefined, propertyName(key), [], undefined, f.createBlock([f.createReturnStatement(expression)], true));
      });
      const shape = objectLiteral(members);
      const object = node.rest ? zf(p, "catchall", [zf(p, "object", [shape]), zodOf(node.rest, p, inGetter)]) : zf(p, "looseObject", [shape]);
      // zod reads a declared key as `value[key]`: for a name every object has (toString…) that
      // is the inherited member where the property is absent. It checks a copy holding only
      // the value's own properties.
      return node.properties.some(({ key }) => key in Object.prototype) ? zf(p, "pipe", [zf(p, "transform", [ownPropertiesOnly()]), object]) : object;
    }
  }
}

/** `(value) => isObject(value) ? Object.assign(Object.create(null), value) : value`, written out. */
function ownPropertiesOnly(): ts.ArrowFunction {
  const value = f.createIdentifier("value");
  const isObject = [
    f.createStrictEquality(f.createTypeOfExpression(value), literal("object")),
    f.createStrictInequality(value, f.createNull()),
    f.createLogicalNot(call("Array.isArray", [value])),
  ].reduce((all, next) => f.createLogicalAnd(all, next));
  const copy = call("Object.assign", [call("Object.create", [f.createNull()]), value]);
  return arrow(["value"], f.createConditionalExpression(isObject, undefined, copy, undefined, value));
}

/** `() => T` for the schema type `T`. */
function schemaFunctionType(type: ts.TypeNode): ts.TypeNode {
  return f.createFunctionTypeNode(undefined, [], type);
}

/** The type-only import of types.ts that declarations of `entries` need, if any. */
function typesImportFor(entries: readonly SchemaEntry[]): StatementStructures[] {
  return typesImport({
    components: entries.some((e) => e.type.startsWith("components[")),
    operations: entries.some((e) => e.type.startsWith("operations[")),
  });
}

/** The module-level statements that give index.ts its schemas, with what they need from zod/mini. */
export function schemaStatements(set: SchemaModel): { statements: ts.Statement[]; builders: Set<string> } {
  const builders = new Set<string>();
  const statements = set.entries.map((entry) => {
    const p: Printing = { identifiers: set.identifiers, builders, lazyRefs: set.lazyRefs, cycles: set.cycles, current: entry.component };
    const build = ts.addSyntheticLeadingComment(call("lazySchema", [arrow([], zodOf(entry.node, p))]), ts.SyntaxKind.MultiLineCommentTrivia, " @__PURE__ ");
    const type = schemaFunctionType(f.createTypeReferenceNode("ResponseSchema", [modelType(entry.alias ?? entry.type)]));
    return withDoc(constDeclaration({ name: entry.schema, type, initializer: build }), `The zod/mini schema of ${entry.what}.`);
  });
  return { statements, builders };
}

/** schemas.check.ts: the schemas typed by zod itself, each assigned to its declared type. */
export function emitSchemaChecks(model: ServiceModel, header: string): string {
  const set = model.schemas;
  const statements: Array<StatementStructures | WriterFunction> = [
    { kind: StructureKind.ImportDeclaration, namespaceImport: "z", moduleSpecifier: "zod/mini" },
    ...typesImportFor(set.entries),
    {
      kind: StructureKind.Function,
      name: "lazy",
      typeParameters: ["T"],
      parameters: [{ name: "build", type: "() => T" }],
      returnType: "() => T",
      statements: ["let schema: T | undefined;", "return () => (schema ??= build());"],
    },
  ];
  const checks = set.entries.map((entry) => {
    const p: Printing = { identifiers: set.identifiers, lazyRefs: set.lazyRefs, cycles: set.cycles, current: entry.component };
    const type = schemaFunctionType(f.createTypeReferenceNode(f.createQualifiedName(f.createIdentifier("z"), "ZodMiniType"), [modelType(entry.type)]));
    return constDeclaration({ name: entry.schema, type, initializer: call("lazy", [arrow([], zodOf(entry.node, p))]) });
  });
  statements.push(...printed(checks));
  const checkHeader =
    header +
    "// Compile-time proof that each schema of index.ts parses to the type it is declared with,\n" +
    "// by zod's own types. Nothing imports it: type-check it (tsc) to prove schemas and types agree.\n";
  return printFile("schemas.check.ts", { leadingTrivia: checkHeader, statements });
}
