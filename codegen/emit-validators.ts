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
import type { SchemaModel } from "./model.js";
import { docComment } from "./print.js";
import type { PropertyNode, SchemaNode } from "./schema-node.js";

/** Module-private helpers, each emitted only when used. Their semantics are zod 4's. */
const HELPERS = {
  isObject: `/** What zod's object schemas take: an object that is not null or an array. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}`,
  isPlainObject: `/** What zod's records take: an object whose constructor, if it has one, is a plain one. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const ctor = value["constructor"];
  if (typeof ctor !== "function") return true;
  const proto: unknown = ctor.prototype;
  return isObject(proto) && Object.prototype.hasOwnProperty.call(proto, "isPrototypeOf");
}`,
  isArrayOf: `function isArrayOf(value: unknown, check: (item: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value as unknown[]) if (!check(item)) return false;
  return true;
}`,
  isRecordOf: `/** A record with string keys (an enumerable symbol key fails, as in zod); \`__proto__\` is not checked. */
function isRecordOf(value: unknown, check?: (item: unknown) => boolean): boolean {
  if (!isPlainObject(value)) return false;
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) return false;
  }
  if (check === undefined) return true;
  for (const key of Object.keys(value)) if (key !== "__proto__" && !check(value[key])) return false;
  return true;
}`,
  everyOther: `/** Every key but the declared ones (and \`__proto__\`) passes \`check\`. */
function everyOther(value: Record<string, unknown>, declared: readonly string[], check: (item: unknown) => boolean): boolean {
  for (const key in value) {
    if (key !== "__proto__" && !declared.includes(key) && !check(value[key])) return false;
  }
  return true;
}`,
} as const;
type Helper = keyof typeof HELPERS;
const NEEDS: Partial<Record<Helper, Helper[]>> = { isPlainObject: ["isObject"], isRecordOf: ["isPlainObject", "isObject"] };

interface Printing {
  identifiers: ReadonlyMap<string, string>;
  helpers: Set<Helper>;
  /** How deep in nested arrow functions the code is; their parameters are `v1`, `v2`, … */
  depth: number;
}

function use(p: Printing, helper: Helper): string {
  p.helpers.add(helper);
  for (const other of NEEDS[helper] ?? []) p.helpers.add(other);
  return helper;
}

function member(value: string, key: string): string {
  return `${value}[${JSON.stringify(key)}]`;
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

/** The operands of an `&&`/`||` chain, without the ones that cannot change its value. */
function operands(parts: readonly string[], operator: "&&" | "||"): string[] {
  const neutral = operator === "&&" ? "true" : "false";
  const decisive = operator === "&&" ? "false" : "true";
  if (parts.includes(decisive)) return [decisive];
  const kept = parts.filter((part) => part !== neutral);
  return kept.length === 0 ? [neutral] : kept;
}

/** The chain, parenthesised when it has more than one operand, so it can stand in any other chain. */
function grouped(parts: readonly string[], operator: "&&" | "||"): string {
  const kept = operands(parts, operator);
  return kept.length === 1 ? kept[0]! : `(${kept.join(` ${operator} `)})`;
}

/** A function `check(value)` for `node`, as an expression: a name where there is one. */
function checkFunction(node: SchemaNode, p: Printing): string | undefined {
  if (node.kind === "unknown") return undefined;
  if (node.kind === "ref") return p.identifiers.get(node.name)!;
  const param = `v${p.depth + 1}`;
  return `(${param}) => ${stripParens(checkOf(node, param, { ...p, depth: p.depth + 1 }))}`;
}

function stripParens(expression: string): string {
  return expression.startsWith("(") && expression.endsWith(")") && balancedInside(expression) ? expression.slice(1, -1) : expression;
}

/** Whether the outer parentheses of `(…)` enclose the whole expression. */
function balancedInside(expression: string): boolean {
  let depth = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '"') {
      // Skip a string literal (JSON.stringify escapes quotes inside).
      for (i++; i < expression.length && expression[i] !== '"'; i++) if (expression[i] === "\\") i++;
      continue;
    }
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0 && i < expression.length - 1) return false;
  }
  return true;
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

/**
 * A boolean expression that is true exactly when zod's schema for `node` accepts `value`.
 * `opaque`: more checks of `value` follow in the same `&&` chain, so guards are called on
 * `value as unknown`, which TypeScript does not narrow (after `isA(value)`, a member A does not
 * declare could no longer be read).
 */
function checkOf(node: SchemaNode, value: string, p: Printing, opaque = false): string {
  switch (node.kind) {
    case "unknown":
      return "true";
    case "never":
      return "false";
    case "string":
    case "boolean":
      return `typeof ${value} === "${node.kind}"`;
    case "number":
      return `Number.isFinite(${value})`;
    case "null":
      return `${value} === null`;
    case "literal":
      return `${value} === ${JSON.stringify(node.value)}`;
    case "otherString":
      return grouped([`typeof ${value} === "string"`, ...node.values.map((v) => `${value} !== ${JSON.stringify(v)}`)], "&&");
    case "nullable":
      return grouped([`${value} === null`, checkOf(node.inner, value, p, opaque)], "||");
    case "ref":
      return `${p.identifiers.get(node.name)!}(${opaque ? `${value} as unknown` : value})`;
    case "union":
      return grouped(node.options.map((option) => checkOf(option, value, p, opaque)), "||");
    case "intersection": {
      // The parts that narrow `value` last, so that in the usual `allOf: [$ref: Base, {…}]` the
      // own properties are read first and the base's guard needs no `as unknown`.
      const parts = intersected(node);
      const ordered = [...parts.filter((part) => !narrows(part)), ...parts.filter(narrows)];
      return grouped(ordered.map((part, i) => checkOf(part, value, p, opaque || i < ordered.length - 1)), "&&");
    }
    case "array": {
      const items = checkFunction(node.items, p);
      return items === undefined ? `Array.isArray(${value})` : `${use(p, "isArrayOf")}(${value}, ${items})`;
    }
    case "record": {
      const values = checkFunction(node.values, p);
      return `${use(p, "isRecordOf")}(${value}${values === undefined ? "" : `, ${values}`})`;
    }
    case "object":
      return grouped(objectChecks(node, value, p), "&&");
  }
}

function objectChecks(node: Extract<SchemaNode, { kind: "object" }>, value: string, p: Printing): string[] {
  const parts = [`${use(p, "isObject")}(${value})`, ...node.properties.map((property) => propertyCheck(property, value, p))];
  if (node.rest) {
    const rest = checkFunction(node.rest, p);
    const declared = JSON.stringify(node.properties.map((property) => property.key));
    if (rest !== undefined) parts.push(`${use(p, "everyOther")}(${value}, ${declared}, ${rest})`);
  }
  return parts;
}

/** The operands of nested intersections, in order. */
function intersected(node: SchemaNode): SchemaNode[] {
  return node.kind === "intersection" ? [...intersected(node.left), ...intersected(node.right)] : [node];
}

/** zod's rules: a required key must be present (`in`) and valid; an optional one, if present, valid. */
function propertyCheck({ key, node, required }: PropertyNode, value: string, p: Printing): string {
  const present = `${JSON.stringify(key)} in ${value}`;
  const check = checkOf(node, member(value, key), p);
  if (required) return acceptsUndefined(node) ? grouped([present, check], "&&") : check;
  return check === "true" ? "true" : grouped([`!(${present})`, check], "||");
}

/** The module-level statements that give index.ts its validators: the helpers they use, then one guard per schema. */
export function validatorStatements(set: SchemaModel): string[] {
  const p: Printing = { identifiers: set.guards, helpers: new Set(), depth: 0 };
  const guards = set.entries.map((entry) => {
    const { node } = entry;
    // An object's checks one per line; anything else is one expression.
    const parts = node.kind === "object" ? operands(objectChecks(node, "value", p), "&&") : [stripParens(checkOf(node, "value", p))];
    const doc = docComment(`Whether \`value\` is ${entry.what}: exactly what {@link ${entry.schema}} accepts.`);
    // A schema that takes any value (or none) reads no value: `_value`, for noUnusedParameters.
    const param = parts.some((part) => /\bvalue\b/.test(part)) ? "value" : "_value";
    return `${doc}export function ${entry.guard}(${param}: unknown): ${param} is ${entry.alias ?? entry.type} {\n  return ${parts.join(" &&\n    ")};\n}`;
  });
  const helpers = (Object.keys(HELPERS) as Helper[]).filter((helper) => p.helpers.has(helper)).map((helper) => HELPERS[helper]);
  return [...helpers, ...guards];
}
