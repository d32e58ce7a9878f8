/**
 * Builders over `ts.factory` for the printers of index.ts and schemas.check.ts: whatever comes
 * from a spec (names, enum values, keys, paths) becomes a literal or identifier node, so that
 * quoting and escaping are the printer's job (print.ts), and the shapes the output's layout
 * depends on (multi-line objects with trailing commas, parenthesised arrow parameters) are
 * built one way everywhere.
 */
import ts from "typescript";
import { isIdentifierName } from "./names.js";

const f = ts.factory;

/**
 * A string literal, written as JSON.stringify would (non-ASCII kept as is): the printer would
 * otherwise write `\u00e9`.
 */
export function stringLiteral(text: string): ts.StringLiteral {
  return ts.setEmitFlags(f.createStringLiteral(text), ts.EmitFlags.NoAsciiEscaping);
}

/**
 * A string literal as text, for types written as text (`operations["GetPet"]…`): JSON.stringify's,
 * with each backslash as `\u005C`, because ts-morph's writer reads the `\"` of `"\\"` as an
 * escaped quote, loses track of which text is inside a string, and takes a later `/*` for a
 * comment that it then closes (found by the mutated-spec property: an operationId "\").
 */
export function stringLiteralText(text: string): string {
  return JSON.stringify(text).replace(/\\\\/g, "\\u005C");
}

/** A JSON scalar as an expression: `"a"`, `-1`, `true`. */
export function literal(value: string | number | boolean): ts.Expression {
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "boolean") return value ? f.createTrue() : f.createFalse();
  return value < 0 ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(-value)) : f.createNumericLiteral(value);
}

/**
 * A property key: bare when it can be, else a string; and `__proto__` computed
 * (`["__proto__"]`), since in an object literal `__proto__: x` — bare or quoted — sets the
 * prototype instead of defining a property.
 */
export function propertyName(key: string): ts.PropertyName {
  if (key === "__proto__") return f.createComputedPropertyName(stringLiteral(key));
  return isIdentifierName(key) ? f.createIdentifier(key) : stringLiteral(key);
}

/** `callee(args)`; a dotted name (`z.string`) is a member access. */
export function call(callee: string | ts.Expression, args: readonly ts.Expression[] = []): ts.CallExpression {
  return f.createCallExpression(typeof callee === "string" ? dotted(callee) : callee, undefined, args);
}

/** `a.b.c` as an expression. */
export function dotted(name: string): ts.Expression {
  const [first, ...rest] = name.split(".");
  return rest.reduce<ts.Expression>((object, member) => f.createPropertyAccessExpression(object, member), f.createIdentifier(first!));
}

/**
 * `(a, b) => body`. The printer drops the parentheses of a lone parameter when the parameter
 * starts where its function does, as every synthesized node does (both at -1); giving the
 * parameter a position of its own keeps the `(value) =>` the output has always had.
 */
export function arrow(params: readonly string[], body: ts.ConciseBody): ts.ArrowFunction {
  const parameters = params.map((name) => ts.setTextRange(f.createParameterDeclaration(undefined, undefined, name), { pos: 0, end: 0 }));
  return f.createArrowFunction(undefined, undefined, parameters, undefined, f.createToken(ts.SyntaxKind.EqualsGreaterThanToken), body);
}

/** `{ … }` one member a line with a trailing comma, or `{}`. */
export function objectLiteral(members: readonly ts.ObjectLiteralElementLike[]): ts.ObjectLiteralExpression {
  return f.createObjectLiteralExpression(f.createNodeArray(members, members.length > 0), members.length > 0);
}

/** `key: value`. */
export function property(key: string, value: ts.Expression): ts.PropertyAssignment {
  return f.createPropertyAssignment(propertyName(key), value);
}

/** A JSDoc body that cannot end the comment early, without trailing blanks. */
export function docText(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\s+$/g, "");
}

/**
 * `node` with `/** text *\/` before it (one line when the text is), or as it is when there is no
 * text. Split at every line terminator the printer knows (it re-indents each line it finds), so
 * that each gets its ` * `.
 */
export function withDoc<T extends ts.Node>(node: T, text: string | undefined): T {
  if (!text) return node;
  const lines = docText(text).split(/\r\n?|\n|\u2028|\u2029/);
  const body = lines.length === 1 ? `* ${lines[0]} ` : `*\n${lines.map((line) => (line.trim() === "" ? " *" : ` * ${line.replace(/\s+$/, "")}`)).join("\n")}\n `;
  return ts.addSyntheticLeadingComment(node, ts.SyntaxKind.MultiLineCommentTrivia, body, true);
}

/**
 * A type the model hands over as TypeScript text (schema-model.ts, simple-type.ts), printed as
 * it is: those types are spelled once there, for every printer.
 */
export function modelType(text: string): ts.TypeNode {
  return f.createTypeReferenceNode(f.createIdentifier(text));
}

/** `[export] const name: type = initializer;` */
export function constDeclaration(options: { name: string; type?: ts.TypeNode; initializer?: ts.Expression; exported?: boolean }): ts.VariableStatement {
  const modifiers = options.exported === false ? undefined : [f.createModifier(ts.SyntaxKind.ExportKeyword)];
  const declaration = f.createVariableDeclaration(options.name, undefined, options.type, options.initializer);
  return f.createVariableStatement(modifiers, f.createVariableDeclarationList([declaration], ts.NodeFlags.Const));
}
