/**
 * Response schemas (zod/mini), emitted three ways from one set of expressions:
 * - schemas.js: `export const User = lazy(() => z.looseObject({…}))`, built on first use and
 *   kept, so importing one operation constructs only what it uses (DECISIONS.md 3, 4);
 * - schemas.d.ts: each schema declared by its openapi-typescript type, so a user's compiler
 *   never infers zod types (DECISIONS.md 4);
 * - schemas.check.ts (only with `checks`): the same expressions typed by zod, each assigned to
 *   its declared type — type-checking it proves the .d.ts tells the truth; nothing imports it.
 *   This project's own output has it; users opt in (`--checks`), as it doubles tsc's time.
 * Forward compatible: unknown properties pass, enums accept any value of their type, nothing
 * can throw at import (no discriminatedUnion), recursion goes through getters. Only recursion:
 * a property that cannot lead back to its own schema refers to the other schema directly, so
 * that zod's ahead-of-time compiler (`zod/compile`, which takes any getter for a cycle) can
 * compile every schema that is not recursive.
 */
import { StructureKind, type StatementStructures, type WriterFunction } from "ts-morph";
import { pointerOf, type GenerateWarning } from "./errors.js";
import { isFreeFormObject } from "./free-form.js";
import { isObject, type Json, type JsonObject } from "./load.js";
import type { OperationModel, ServiceModel } from "./model.js";
import { NameScope, pascalCase, propertyKey } from "./names.js";
import { DISCRIMINATOR_VALUE } from "./polymorphism.js";
import { constStatement, printFile, spaced } from "./print.js";

const COMPONENT_PREFIX = "#/components/schemas/";

export interface EmittedSchemas {
  js: string;
  dts: string;
  /** schemas.check.ts, when asked for. */
  check: string | undefined;
  /** Operation id → the schema export its response uses. */
  responseSchemas: Map<string, string>;
  count: number;
}

interface Context {
  doc: JsonObject;
  schemaNames: Map<string, string>;
  warnings: GenerateWarning[];
  /** Component schemas this expression refers to (filled while emitting). */
  refs: Set<string>;
  /** Refs that must go through z.lazy (a direct cycle). */
  lazyRefs: Set<string>;
  /** Refs written directly (not inside a getter), for cycle detection. */
  direct: Set<string>;
  /** The component schema being written, if any. */
  current?: string | undefined;
  /** Each component's group of mutually recursive schemas; unknown while the graph is being learnt. */
  cycles?: ReadonlyMap<string, number> | undefined;
}

/** Whether a reference to `name` from the schema being written can lead back to it. */
function leadsBack(ctx: Context, name: string): boolean {
  if (ctx.cycles === undefined) return true;
  if (ctx.current === undefined) return false;
  return name === ctx.current || (ctx.cycles.get(name) !== undefined && ctx.cycles.get(name) === ctx.cycles.get(ctx.current));
}

/** Strongly connected components (Tarjan): schemas in one group refer to each other round and round. */
function cycleGroups(edges: ReadonlyMap<string, ReadonlySet<string>>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const group = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let groups = 0;
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.set(w, groups);
    } while (w !== v);
    groups++;
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return group;
}

function componentName(ref: string): string | undefined {
  return ref.startsWith(COMPONENT_PREFIX) ? decodeURIComponent(ref.slice(COMPONENT_PREFIX.length).replace(/~1/g, "/").replace(/~0/g, "~")) : undefined;
}

/** Indents every line but the first by two spaces (for text nested one level deeper). */
function indent(text: string): string {
  return text.replace(/\n/g, "\n  ");
}

function literal(value: Json): string {
  return JSON.stringify(value);
}

/** The zod/mini expression for a schema. `at` is its JSON pointer (for warnings). */
export function zodExpression(schema: Json | undefined, ctx: Context, at: ReadonlyArray<string>, inGetter = false): string {
  if (schema === undefined || schema === true) return "z.unknown()";
  if (schema === false) return "z.never()";
  if (!isObject(schema)) {
    ctx.warnings.push({ pointer: pointerOf(at), message: "schema is not an object; typed as unknown" });
    return "z.unknown()";
  }
  const nullable = schema["nullable"] === true || (Array.isArray(schema["type"]) && schema["type"].includes("null"));
  const inner = nonNullExpression(schema, ctx, at, inGetter);
  return nullable && inner !== "z.null()" && inner !== "z.unknown()" ? `z.nullable(${inner})` : inner;
}

function nonNullExpression(schema: JsonObject, ctx: Context, at: ReadonlyArray<string>, inGetter: boolean): string {
  const ref = schema["$ref"];
  if (typeof ref === "string") {
    const name = componentName(ref);
    const identifier = name === undefined ? undefined : ctx.schemaNames.get(name);
    if (name === undefined || identifier === undefined) {
      ctx.warnings.push({ pointer: pointerOf(at), message: `$ref ${ref} is not a component schema; typed as unknown` });
      return "z.unknown()";
    }
    ctx.refs.add(name);
    if (!inGetter) ctx.direct.add(name);
    return ctx.lazyRefs.has(name) && !inGetter ? `z.lazy(() => ${identifier}())` : `${identifier}()`;
  }
  if (schema["const"] !== undefined && schema["const"] !== null && typeof schema["const"] !== "object") {
    return `z.literal(${literal(schema["const"])})`;
  }
  if (Array.isArray(schema["enum"])) {
    const values = schema["enum"].filter((v) => v !== null);
    if (schema[DISCRIMINATOR_VALUE] === true && typeof values[0] === "string") return `z.literal(${literal(values[0])})`;
    // Forward compatible: a value the service adds later must not fail validation.
    if (values.every((v) => typeof v === "string")) return "z.string()";
    if (values.every((v) => typeof v === "number")) return "z.number()";
    if (values.every((v) => typeof v === "boolean")) return "z.boolean()";
  }
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const members = schema[keyword];
    if (Array.isArray(members) && members.length > 0) {
      const options = members.map((m, i) => zodExpression(m, ctx, [...at, keyword, String(i)], inGetter));
      const own = ownObject(schema, ctx, at, inGetter);
      const union = options.length === 1 ? options[0]! : `z.union([${options.join(", ")}])`;
      return own ? `z.intersection(${own}, ${union})` : union;
    }
  }
  const allOf = schema["allOf"];
  if (Array.isArray(allOf) && allOf.length > 0) {
    const parts = allOf.map((m, i) => zodExpression(m, ctx, [...at, "allOf", String(i)], inGetter));
    const own = ownObject(schema, ctx, at, inGetter);
    if (own) parts.push(own);
    return parts.reduce((left, right) => `z.intersection(${left}, ${right})`);
  }
  const type = Array.isArray(schema["type"]) ? schema["type"].filter((t) => t !== "null") : [schema["type"]];
  if (type.length > 1) {
    return `z.union([${type.map((t) => typedExpression({ ...schema, type: t as Json }, ctx, at, inGetter)).join(", ")}])`;
  }
  return typedExpression({ ...schema, type: type[0] ?? null }, ctx, at, inGetter);
}

function typedExpression(schema: JsonObject, ctx: Context, at: ReadonlyArray<string>, inGetter: boolean): string {
  switch (schema["type"]) {
    case "string":
      return "z.string()";
    case "integer":
    case "number":
      return "z.number()";
    case "boolean":
      return "z.boolean()";
    case "null":
      return "z.null()";
    case "array":
      return `z.array(${zodExpression(schema["items"], ctx, [...at, "items"], inGetter)})`;
    case "object":
    case null:
    case undefined: {
      const own = ownObject(schema, ctx, at, inGetter);
      if (own) return own;
      // Any value at all (see free-form.ts): not a record, which would reject Oracle's tag values.
      if (isFreeFormObject(schema)) return "z.unknown()";
      if (schema["type"] === "object" || schema["additionalProperties"] !== undefined) {
        const values = isObject(schema["additionalProperties"]) ? schema["additionalProperties"] : undefined;
        return `z.record(z.string(), ${zodExpression(values, ctx, [...at, "additionalProperties"], inGetter)})`;
      }
      if (schema["not"] !== undefined) ctx.warnings.push({ pointer: pointerOf(at), message: "`not` is not supported; typed as unknown" });
      return "z.unknown()";
    }
    default:
      ctx.warnings.push({ pointer: pointerOf(at), message: `unknown type ${String(schema["type"])}; typed as unknown` });
      return "z.unknown()";
  }
}

/** `z.looseObject({…})` for a schema's own properties, or undefined when it declares none. */
function ownObject(schema: JsonObject, ctx: Context, at: ReadonlyArray<string>, inGetter: boolean): string | undefined {
  const properties = isObject(schema["properties"]) ? schema["properties"] : undefined;
  if (!properties || Object.keys(properties).length === 0) return undefined;
  const required = new Set(Array.isArray(schema["required"]) ? schema["required"] : []);
  const entries = Object.keys(properties).map((key) => {
    const where = [...at, "properties", key];
    // A property that can lead back to this schema is a getter, read once the schemas exist
    // (a probe first learns what it refers to); any other reference is a plain call.
    const probe: Context = { ...ctx, refs: new Set(), direct: new Set(), warnings: [] };
    zodExpression(properties[key], probe, where, true);
    const getter = [...probe.refs].some((name) => leadsBack(ctx, name));
    const inner: Context = { ...ctx, refs: new Set(), direct: new Set() };
    let expression = zodExpression(properties[key], inner, where, getter || inGetter);
    for (const name of inner.refs) ctx.refs.add(name);
    for (const name of inner.direct) ctx.direct.add(name);
    if (!required.has(key)) expression = `z.exactOptional(${expression})`;
    return getter ? `get ${propertyKey(key)}() {\n  return ${indent(expression)};\n}` : `${propertyKey(key)}: ${expression}`;
  });
  const additional = schema["additionalProperties"];
  const shape = `{\n${entries.map((e) => `  ${indent(e)},`).join("\n")}\n}`;
  if (isObject(additional) && Object.keys(additional).length > 0) {
    return `z.catchall(z.object(${shape}), ${zodExpression(additional, ctx, [...at, "additionalProperties"], inGetter)})`;
  }
  return `z.looseObject(${shape})`;
}

/** Component schemas reachable from the operations' responses, in document order. */
function reachableSchemas(model: ServiceModel, schemas: JsonObject, ctx: Context): string[] {
  const seen = new Set<string>();
  const queue: string[] = [];
  const visit = (schema: Json | undefined, at: string[]): void => {
    const probe: Context = { ...ctx, refs: new Set(), direct: new Set(), warnings: [] };
    zodExpression(schema, probe, at);
    for (const name of probe.refs) if (!seen.has(name)) (seen.add(name), queue.push(name));
  };
  for (const op of model.operations) if (op.response.kind === "json") visit(op.response.schema, []);
  while (queue.length) {
    const name = queue.shift()!;
    visit(schemas[name], []);
  }
  return Object.keys(schemas).filter((name) => seen.has(name));
}

function typeOfComponent(name: string): string {
  return `components["schemas"][${JSON.stringify(name)}]`;
}

export function responseType(op: OperationModel): string {
  const status = /^\d+$/.test(op.response.status) ? op.response.status : JSON.stringify(op.response.status);
  return `operations[${JSON.stringify(op.operationId)}]["responses"][${status}]["content"][${JSON.stringify(op.response.mediaType)}]`;
}

export function emitSchemas(model: ServiceModel, doc: JsonObject, header: string, options: { checks: boolean }): EmittedSchemas {
  const components = isObject(doc["components"]) ? doc["components"] : {};
  const schemas = isObject(components["schemas"]) ? components["schemas"] : {};
  const ctx: Context = { doc, schemaNames: model.schemaNames, warnings: model.warnings, refs: new Set(), lazyRefs: new Set(), direct: new Set() };
  const names = reachableSchemas(model, schemas, ctx);

  // Which schemas are recursive, and with which others: their properties need getters.
  const edges = new Map<string, Set<string>>();
  for (const name of names) {
    const probe: Context = { ...ctx, refs: new Set(), direct: new Set(), warnings: [] };
    zodExpression(schemas[name], probe, []);
    edges.set(name, probe.refs);
  }
  ctx.cycles = cycleGroups(edges);

  // A ref written directly (not in a getter) that leads back to itself must be lazy.
  const directEdges = new Map<string, Set<string>>();
  for (const name of names) {
    const probe: Context = { ...ctx, refs: new Set(), direct: new Set(), warnings: [], current: name };
    zodExpression(schemas[name], probe, []);
    directEdges.set(name, probe.direct);
  }
  const reaches = (from: string, to: string): boolean => {
    const stack = [from];
    const seen = new Set<string>();
    while (stack.length) {
      const n = stack.pop()!;
      if (n === to) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const next of directEdges.get(n) ?? []) stack.push(next);
    }
    return false;
  };
  for (const [from, targets] of directEdges) for (const to of targets) if (reaches(to, from)) ctx.lazyRefs.add(to);

  interface Entry {
    identifier: string;
    expression: string;
    type: string;
    doc: string | undefined;
  }
  const entries: Entry[] = names.map((name) => {
    const schema = schemas[name];
    const description = isObject(schema) && typeof schema["description"] === "string" ? schema["description"] : undefined;
    return {
      identifier: model.schemaNames.get(name)!,
      expression: zodExpression(schema, { ...ctx, current: name }, ["components", "schemas", name]),
      type: typeOfComponent(name),
      doc: description,
    };
  });

  // Responses that are not simply a named schema get a schema of their own.
  const responseSchemas = new Map<string, string>();
  const scope = new NameScope([...model.schemaNames.values(), "z", "lazy", "components", "operations", "ResponseSchema"]);
  for (const op of model.operations) {
    if (op.response.kind !== "json") continue;
    const schema = op.response.schema;
    const ref = isObject(schema) && typeof schema["$ref"] === "string" ? componentName(schema["$ref"]) : undefined;
    if (ref !== undefined && model.schemaNames.has(ref) && !(isObject(schema) && schema["nullable"] === true)) {
      responseSchemas.set(op.operationId, model.schemaNames.get(ref)!);
      continue;
    }
    const identifier = scope.claim(pascalCase(op.operationId) + "Response", "Schema");
    responseSchemas.set(op.operationId, identifier);
    entries.push({
      identifier,
      expression: zodExpression(schema, ctx, segmentsOfPointer(op.response.pointer)),
      type: responseType(op),
      doc: `The response of ${op.operationId}.`,
    });
  }

  const usesComponents = entries.some((e) => e.type.startsWith("components["));
  const usesOperations = entries.some((e) => e.type.startsWith("operations["));
  const typesImport: StatementStructures[] =
    usesComponents || usesOperations
      ? [
          {
            kind: StructureKind.ImportDeclaration,
            isTypeOnly: true,
            namedImports: [...(usesComponents ? ["components"] : []), ...(usesOperations ? ["operations"] : [])],
            moduleSpecifier: "./types.js",
          },
        ]
      : [];
  const jsStatements: Array<StatementStructures | WriterFunction> = [
    { kind: StructureKind.ImportDeclaration, namespaceImport: "z", moduleSpecifier: "zod/mini" },
    {
      kind: StructureKind.Function,
      name: "lazy",
      docs: ["Builds a schema on first use and keeps it: importing this module constructs nothing."],
      parameters: [{ name: "build" }],
      statements: ["let schema;", "return () => (schema ??= build());"],
    },
  ];
  const dtsStatements: Array<StatementStructures | WriterFunction> = [
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, namedImports: ["ResponseSchema"], moduleSpecifier: "oci-raw" },
    ...typesImport,
  ];
  const checkStatements: Array<StatementStructures | WriterFunction> = [
    { kind: StructureKind.ImportDeclaration, namespaceImport: "z", moduleSpecifier: "zod/mini" },
    ...typesImport,
    {
      kind: StructureKind.Function,
      name: "lazy",
      typeParameters: ["T"],
      parameters: [{ name: "build", type: "() => T" }],
      returnType: "() => T",
      statements: ["let schema: T | undefined;", "return () => (schema ??= build());"],
    },
  ];
  for (const entry of entries) {
    const initializer = `lazy(() => ${entry.expression})`;
    jsStatements.push(spaced(constStatement({ name: entry.identifier, docs: entry.doc, initializer: `/* @__PURE__ */ ${initializer}` })));
    dtsStatements.push(spaced(constStatement({ name: entry.identifier, docs: entry.doc, declare: true, type: `() => ResponseSchema<${entry.type}>` })));
    checkStatements.push(spaced(constStatement({ name: entry.identifier, type: `() => z.ZodMiniType<${entry.type}>`, initializer })));
  }
  const checkHeader =
    header +
    "// Compile-time proof that each schema in schemas.js parses to the type schemas.d.ts declares.\n" +
    "// Nothing imports it: type-check it (tsc) to prove schemas and types agree.\n";
  return {
    js: printFile("schemas.js", { leadingTrivia: header, statements: jsStatements }),
    dts: printFile("schemas.d.ts", { leadingTrivia: header, statements: dtsStatements }),
    check: options.checks ? printFile("schemas.check.ts", { leadingTrivia: checkHeader, statements: checkStatements }) : undefined,
    responseSchemas,
    count: entries.length,
  };
}

function segmentsOfPointer(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
