/**
 * Response validators, printed into the service's index.ts beside the zod/mini schemas: one
 * type guard per schema, `isUser(value: unknown): value is User`, printed from the same nodes
 * as `UserSchema`.
 *
 * Why both: a zod/mini schema walks the value through zod's general parser (and builds a
 * copy of it), which costs as much as the rest of a typed call. The guard accepts exactly what
 * its zod schema accepts, with no imports, so the runtime checks a response with it first and
 * runs zod only on a mismatch — for zod's issue paths. test/validators.test.ts checks that
 * each answers as zod does, on every Oracle spec.
 *
 * Written for any user's compiler options: members are read with brackets
 * (`noPropertyAccessFromIndexSignature`), values are `unknown` until checked, no helper is
 * written that the file does not use (`noUnusedLocals`).
 */
import { StructureKind, type FunctionDeclarationStructure } from "ts-morph";
import ts from "typescript";
import type { SchemaModel } from "./model.js";
import { nodePrinter } from "./print.js";
import type { PropertyNode, SchemaNode } from "./schema-node.js";
import { arrow, call, docText, literal, stringLiteral } from "./syntax.js";

const f = ts.factory;

/** A helper taking `value: unknown` and narrowing it to `Record<string, unknown>`. */
function objectTest(name: string, doc: string, statements: string[]): FunctionDeclarationStructure {
  return {
    kind: StructureKind.Function,
    name,
    docs: [doc],
    parameters: [{ name: "value", type: "unknown" }],
    returnType: "value is Record<string, unknown>",
    statements,
  };
}

/**
 * Module-private helpers, each emitted only when used. Their semantics are zod 4's. Fixed code,
 * nothing from a spec, so their statements are written as they read.
 */
const HELPERS = {
  isObject: objectTest("isObject", "What zod's object schemas take: an object that is not null or an array.", [
    'return typeof value === "object" && value !== null && !Array.isArray(value);',
  ]),
  isPlainObject: objectTest("isPlainObject", "What zod's records take: an object whose constructor, if it has one, is a plain one.", [
    "if (!isObject(value)) return false;",
    'const ctor = value["constructor"];',
    'if (typeof ctor !== "function") return true;',
    "const proto: unknown = ctor.prototype;",
    'return isObject(proto) && Object.prototype.hasOwnProperty.call(proto, "isPrototypeOf");',
  ]),
  isArrayOf: {
    kind: StructureKind.Function,
    name: "isArrayOf",
    parameters: [
      { name: "value", type: "unknown" },
      { name: "check", type: "(item: unknown) => boolean" },
    ],
    returnType: "boolean",
    statements: ["if (!Array.isArray(value)) return false;", "for (const item of value as unknown[]) if (!check(item)) return false;", "return true;"],
  },
  isRecordOf: {
    kind: StructureKind.Function,
    name: "isRecordOf",
    docs: ["A record with string keys (an enumerable symbol key fails, as in zod); `__proto__` is not checked."],
    parameters: [
      { name: "value", type: "unknown" },
      { name: "check", type: "(item: unknown) => boolean", hasQuestionToken: true },
    ],
    returnType: "boolean",
    statements: [
      "if (!isPlainObject(value)) return false;",
      // One statement with the loop: ts-morph would put a blank line after a block.
      "for (const symbol of Object.getOwnPropertySymbols(value)) {\n  if (Object.prototype.propertyIsEnumerable.call(value, symbol)) return false;\n}\nif (check === undefined) return true;",
      'for (const key of Object.keys(value)) if (key !== "__proto__" && !check(value[key])) return false;',
      "return true;",
    ],
  },
  everyOther: {
    kind: StructureKind.Function,
    name: "everyOther",
    docs: ["Every key but the declared ones (and `__proto__`) passes `check`."],
    parameters: [
      { name: "value", type: "Record<string, unknown>" },
      { name: "declared", type: "readonly string[]" },
      { name: "check", type: "(item: unknown) => boolean" },
    ],
    returnType: "boolean",
    statements: [
      'for (const key in value) {\n  if (key !== "__proto__" && !declared.includes(key) && !check(value[key])) return false;\n}\nreturn true;',
    ],
  },
} satisfies Record<string, FunctionDeclarationStructure>;
type Helper = keyof typeof HELPERS;
const NEEDS: Partial<Record<Helper, Helper[]>> = { isPlainObject: ["isObject"], isRecordOf: ["isPlainObject", "isObject"] };

interface Printing {
  identifiers: ReadonlyMap<string, string>;
  helpers: Set<Helper>;
  /** How deep in nested arrow functions the code is; their parameters are `v1`, `v2`, … */
  depth: number;
}

/** `helper(…args)`, noting that the file uses it (and what it calls). */
function use(p: Printing, helper: Helper, args: readonly ts.Expression[]): ts.Expression {
  p.helpers.add(helper);
  for (const other of NEEDS[helper] ?? []) p.helpers.add(other);
  return call(helper, args);
}

function member(value: ts.Expression, key: string): ts.Expression {
  return f.createElementAccessExpression(value, stringLiteral(key));
}
/** Whether zod's schema for `node` accepts `undefined`: then a required key must also be present. */
function acceptsUndefined(node: SchemaNode): boolean {
  switch (node.kind) {
    case "unknown":
      return true;
    case "nullable":
      return acceptsUndefined(node.inner);
    case "union":
      return node.options.some(acceptsUndefined);
    case "intersection":
      return acceptsUndefined(node.left) && acceptsUndefined(node.right);
    default:
      return false;
  }
}

type Chain = ts.SyntaxKind.AmpersandAmpersandToken | ts.SyntaxKind.BarBarToken;
const AND = ts.SyntaxKind.AmpersandAmpersandToken;
const OR = ts.SyntaxKind.BarBarToken;

/** The operands of an `&&`/`||` chain, without the ones that cannot change its value. */
function operands(parts: readonly ts.Expression[], operator: Chain): ts.Expression[] {
  const neutral = operator === AND ? ts.SyntaxKind.TrueKeyword : ts.SyntaxKind.FalseKeyword;
  const decisive = operator === AND ? ts.SyntaxKind.FalseKeyword : ts.SyntaxKind.TrueKeyword;
  const found = parts.find((part) => part.kind === decisive);
  if (found) return [found];
  const kept = parts.filter((part) => part.kind !== neutral);
  return kept.length === 0 ? [operator === AND ? f.createTrue() : f.createFalse()] : kept;
}

/** The chain, parenthesised when it has more than one operand, so it can stand in any other chain. */
function grouped(parts: readonly ts.Expression[], operator: Chain): ts.Expression {
  const kept = operands(parts, operator);
  if (kept.length === 1) return kept[0]!;
  return f.createParenthesizedExpression(kept.reduce((chain, next) => f.createBinaryExpression(chain, operator, next)));
}

/** A function `check(value)` for `node`, as an expression: a name where there is one. */
function checkFunction(node: SchemaNode, p: Printing): ts.Expression | undefined {
  if (node.kind === "unknown") return undefined;
  if (node.kind === "ref") return f.createIdentifier(p.identifiers.get(node.name)!);
  const param = `v${p.depth + 1}`;
  return arrow([param], ungrouped(checkOf(node, f.createIdentifier(param), { ...p, depth: p.depth + 1 })));
}

/** An expression without the parentheses `grouped` put around it. */
function ungrouped(expression: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(expression) ? expression.expression : expression;
}

/** Whether checking `node` calls another schema's guard on the value itself, which narrows it to that type. */
function narrows(node: SchemaNode): boolean {
  switch (node.kind) {
    case "ref":
      return true;
    case "nullable":
      return narrows(node.inner);
    case "union":
      return node.options.some(narrows);
    case "intersection":
      return narrows(node.left) || narrows(node.right);
    default:
      return false;
  }
}

/** `typeof value === "kind"`. */
function typeOf(value: ts.Expression, kind: string): ts.Expression {
  return f.createStrictEquality(f.createTypeOfExpression(value), stringLiteral(kind));
}

/**
 * A boolean expression that is true exactly when zod's schema for `node` accepts `value`.
 * `opaque`: more checks of `value` follow in the same `&&` chain, so guards are called on
 * `value as unknown`, which TypeScript does not narrow (after `isA(value)`, a member A does not
 * declare could no longer be read).
 */
function checkOf(node: SchemaNode, value: ts.Expression, p: Printing, opaque = false): ts.Expression {
  switch (node.kind) {
    case "unknown":
      return f.createTrue();
    case "never":
      return f.createFalse();
    case "string":
    case "boolean":
      return typeOf(value, node.kind);
    case "number":
      return call("Number.isFinite", [value]);
    case "null":
      return f.createStrictEquality(value, f.createNull());
    case "literal":
      return f.createStrictEquality(value, literal(node.value));
    case "otherString":
      return grouped([typeOf(value, "string"), ...node.values.map((v) => f.createStrictInequality(value, stringLiteral(v)))], AND);
    case "nullable":
      return grouped([f.createStrictEquality(value, f.createNull()), checkOf(node.inner, value, p, opaque)], OR);
    case "ref":
      return call(p.identifiers.get(node.name)!, [opaque ? f.createAsExpression(value, f.createKeywordTypeNode(ts.SyntaxKind.UnknownKeyword)) : value]);
    case "union":
      return grouped(node.options.map((option) => checkOf(option, value, p, opaque)), OR);
    case "intersection": {
      // The parts that narrow `value` last, so that in the usual `allOf: [$ref: Base, {…}]` the
      // own properties are read first and the base's guard needs no `as unknown`.
      const parts = intersected(node);
      const ordered = [...parts.filter((part) => !narrows(part)), ...parts.filter(narrows)];
      return grouped(ordered.map((part, i) => checkOf(part, value, p, opaque || i < ordered.length - 1)), AND);
    }
    case "array": {
      const items = checkFunction(node.items, p);
      return items === undefined ? call("Array.isArray", [value]) : use(p, "isArrayOf", [value, items]);
    }
    case "record": {
      const values = checkFunction(node.values, p);
      return use(p, "isRecordOf", values === undefined ? [value] : [value, values]);
    }
    case "object":
      return grouped(objectChecks(node, value, p), AND);
  }
}

/**
 * The names `everyOther` is told of, as JSON: `["a","b"]`. Kept as JSON.stringify's text, not an
 * array node, because the printer would space it (`["a", "b"]`) and the output would change.
 */
function declaredKeys(properties: readonly PropertyNode[]): ts.Expression {
  return f.createIdentifier(JSON.stringify(properties.map((property) => property.key)));
}

function objectChecks(node: Extract<SchemaNode, { kind: "object" }>, value: ts.Expression, p: Printing): ts.Expression[] {
  // zod checks no declared key `__proto__` (its object parser passes over it), so neither does this.
  const checked = node.properties.filter(({ key }) => key !== "__proto__");
  const parts = [use(p, "isObject", [value]), ...checked.map((property) => propertyCheck(property, value, p))];
  if (node.rest) {
    const rest = checkFunction(node.rest, p);
    if (rest !== undefined) parts.push(use(p, "everyOther", [value, declaredKeys(node.properties), rest]));
  }
  return parts;
}

/** The operands of nested intersections, in order. */
function intersected(node: SchemaNode): SchemaNode[] {
  return node.kind === "intersection" ? [...intersected(node.left), ...intersected(node.right)] : [node];
}

/**
 * zod's rules: a required key must be present (`in`) and valid; an optional one, if present,
 * valid. A name every object has (toString…) is present only as the value's own property, as
 * the zod schema checks it (emit-schemas.ts).
 */
function propertyCheck({ key, node, required }: PropertyNode, value: ts.Expression, p: Printing): ts.Expression {
  const inherited = key in Object.prototype;
  const present = inherited
    ? call("Object.prototype.hasOwnProperty.call", [value, stringLiteral(key)])
    : f.createBinaryExpression(stringLiteral(key), ts.SyntaxKind.InKeyword, value);
  const check = checkOf(node, member(value, key), p);
  if (required) return acceptsUndefined(node) || inherited ? grouped([present, check], AND) : check;
  if (check.kind === ts.SyntaxKind.TrueKeyword) return check;
  return grouped([f.createLogicalNot(f.createParenthesizedExpression(present)), check], OR);
}

/** The module-level statements that give index.ts its validators: the helpers they use, then one guard per schema. */
export function validatorStatements(set: SchemaModel): FunctionDeclarationStructure[] {
  const p: Printing = { identifiers: set.guards, helpers: new Set(), depth: 0 };
  const print = nodePrinter();
  const value = f.createIdentifier("value");
  const guards = set.entries.map((entry): FunctionDeclarationStructure => {
    const { node } = entry;
    // An object's checks one per line; anything else is one expression.
    const parts = (node.kind === "object" ? operands(objectChecks(node, value, p), AND) : [ungrouped(checkOf(node, value, p))]).map(print);
    // A schema that takes any value (or none) reads no value: `_value`, for noUnusedParameters.
    const param = parts.some((part) => /\bvalue\b/.test(part)) ? "value" : "_value";
    return {
      kind: StructureKind.Function,
      isExported: true,
      name: entry.guard,
      docs: [docText(`Whether \`value\` is ${entry.what}: exactly what {@link ${entry.schema}} accepts.`)],
      parameters: [{ name: param, type: "unknown" }],
      returnType: `${param} is ${entry.alias ?? entry.type}`,
      // The printer cannot break a chain over lines; the parts are joined one a line here.
      statements: [(writer) => void writer.write(`return ${parts.join(" &&\n  ")};`)],
    };
  });
  const helpers = (Object.keys(HELPERS) as Helper[]).filter((helper) => p.helpers.has(helper)).map((helper) => HELPERS[helper]);
  return [...helpers, ...guards];
}
