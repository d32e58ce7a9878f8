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
import type { GenerateWarning } from "./errors.js";
import { typesImport } from "./emit-types.js";
import { componentSchemas, type JsonObject } from "./json.js";
import type { OperationModel, ServiceModel } from "./model.js";
import { NameScope, pascalCase, propertyKey } from "./names.js";
import { constStatement, printFile, spaced } from "./print.js";
import { discriminatedBases, type DiscriminatedBase } from "./polymorphism.js";
import { refsOf, schemaNode, type SchemaNode } from "./schema-node.js";

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
  /** Collects the refs written directly (not inside a getter), for cycle detection. */
  direct?: Set<string> | undefined;
}

/** Whether a reference to `name` from the schema being written can lead back to it. */
function leadsBack(p: Printing, name: string): boolean {
  if (p.current === undefined) return false;
  return name === p.current || (p.cycles.get(name) !== undefined && p.cycles.get(name) === p.cycles.get(p.current));
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

/** Indents every line but the first by two spaces (for text nested one level deeper). */
function indent(text: string): string {
  return text.replace(/\n/g, "\n  ");
}

/** `z.name`, noting that the file uses `name`. */
function zf(p: Printing, name: string): string {
  p.builders?.add(name);
  return `z.${name}`;
}

/** The zod/mini expression for a node. */
function zodOf(node: SchemaNode, p: Printing, inGetter = false): string {
  switch (node.kind) {
    case "unknown":
    case "never":
    case "string":
    case "number":
    case "boolean":
    case "null":
      return `${zf(p, node.kind)}()`;
    case "literal":
      return `${zf(p, "literal")}(${JSON.stringify(node.value)})`;
    case "otherString":
      // `abort`: a failed check ends the option, as a wrong type does, so that a union reports
      // every option (runtime/validation.ts then names the closest) instead of this one alone.
      return `${zf(p, "string")}().check(${zf(p, "refine")}((value) => ${node.values.map((v) => `value !== ${JSON.stringify(v)}`).join(" && ")}, { abort: true }))`;
    case "nullable":
      return `${zf(p, "nullable")}(${zodOf(node.inner, p, inGetter)})`;
    case "ref": {
      if (!inGetter) p.direct?.add(node.name);
      const identifier = p.identifiers.get(node.name)!;
      return p.lazyRefs.has(node.name) && !inGetter ? `${zf(p, "lazy")}(() => ${identifier}())` : `${identifier}()`;
    }
    case "union":
      return `${zf(p, "union")}([${node.options.map((o) => zodOf(o, p, inGetter)).join(", ")}])`;
    case "intersection":
      return `${zf(p, "intersection")}(${zodOf(node.left, p, inGetter)}, ${zodOf(node.right, p, inGetter)})`;
    case "array":
      return `${zf(p, "array")}(${zodOf(node.items, p, inGetter)})`;
    case "record":
      return `${zf(p, "record")}(${zf(p, "string")}(), ${zodOf(node.values, p, inGetter)})`;
    case "object": {
      const entries = node.properties.map(({ key, node: value, required }) => {
        // A property that can lead back to this schema is a getter, read once the schemas
        // exist; any other reference is a plain call.
        const getter = [...refsOf(value)].some((name) => leadsBack(p, name));
        let expression = zodOf(value, p, getter || inGetter);
        if (!required) expression = `${zf(p, "exactOptional")}(${expression})`;
        return getter ? `get ${propertyKey(key)}() {\n  return ${indent(expression)};\n}` : `${propertyKey(key)}: ${expression}`;
      });
      const shape = `{\n${entries.map((e) => `  ${indent(e)},`).join("\n")}\n}`;
      return node.rest ? `${zf(p, "catchall")}(${zf(p, "object")}(${shape}), ${zodOf(node.rest, p, inGetter)})` : `${zf(p, "looseObject")}(${shape})`;
    }
  }
}

/** One schema to emit: a component, or the response of an operation that is not simply one. */
export interface SchemaEntry {
  /** The zod/mini schema's identifier (`UserSchema`). */
  schema: string;
  /** The validator's identifier (`isUser`). */
  guard: string;
  /** What it validates, for doc comments: `{@link User}`, `the response of {@link listUsers}`. */
  what: string;
  /** The component schema it is, if it is one. */
  component?: string | undefined;
  node: SchemaNode;
  /** Its TypeScript type, in terms of types.ts. */
  type: string;
  /** The same type as index.ts names it (`User`), where it has a name. */
  alias?: string | undefined;
}

/** The schemas a service's responses need, read once, for every printer. */
export interface SchemaSet {
  entries: SchemaEntry[];
  /** Operation id → the entry its response uses. */
  responseSchemas: Map<string, SchemaEntry>;
  /** Component name → its schema's identifier. */
  identifiers: ReadonlyMap<string, string>;
  /** Component name → its validator's identifier. */
  guards: ReadonlyMap<string, string>;
  /** The polymorphic bases: a use of one is a choice of its subtypes, in types and in validation. */
  bases: ReadonlyMap<string, DiscriminatedBase>;
  /** Refs that must be lazy in zod (a direct cycle). */
  lazyRefs: ReadonlySet<string>;
  cycles: ReadonlyMap<string, number>;
}

function typeOfComponent(name: string): string {
  return `components["schemas"][${JSON.stringify(name)}]`;
}

export function responseType(op: OperationModel): string {
  const status = /^\d+$/.test(op.response.status) ? op.response.status : JSON.stringify(op.response.status);
  return `operations[${JSON.stringify(op.operationId)}]["responses"][${status}]["content"][${JSON.stringify(op.response.mediaType)}]`;
}

/**
 * `<Name>Schema` and `is<Name>` for a schema named `<Name>`, claimed together in `scope` so
 * that one can be found from the other (`UserSchema` ↔ `isUser`; on a collision `User_Schema`
 * ↔ `isUser_`).
 */
function claimPair(scope: NameScope, name: string): { schema: string; guard: string } {
  for (let i = 1; ; i++) {
    const base = i === 1 ? name : i === 2 ? `${name}_` : `${name}_${i - 1}`;
    const schema = `${base}Schema`;
    const guard = `is${base}`;
    if (!scope.has(schema) && !scope.has(guard)) return { schema: scope.claim(schema), guard: scope.claim(guard) };
  }
}

/**
 * The component schemas reachable from the operations' responses (in document order), plus a
 * schema of its own for each response that is not simply a named one; warnings are added to
 * the model's for what gets emitted, in that order.
 * `scope` holds the other top-level names of the service's module; the schemas' are claimed in it.
 */
export function collectSchemas(model: ServiceModel, doc: JsonObject, scope: NameScope): SchemaSet {
  const schemas = componentSchemas(doc);
  const known = new Set(model.schemaNames.keys());
  const bases = discriminatedBases(doc);
  interface Component {
    node: SchemaNode;
    refs: Set<string>;
    warnings: GenerateWarning[];
  }
  const read = new Map<string, Component>();
  const component = (name: string): Component => {
    let entry = read.get(name);
    if (!entry) {
      const warnings: GenerateWarning[] = [];
      const node = schemaNode(schemas[name], known, warnings, ["components", "schemas", name], bases, schemas);
      entry = { node, refs: refsOf(node), warnings };
      read.set(name, entry);
    }
    return entry;
  };
  const responses = model.operations
    .filter((op) => op.response.kind === "json")
    .map((op) => {
      const warnings: GenerateWarning[] = [];
      return { op, node: schemaNode(op.response.schema, known, warnings, op.response.at, bases, schemas), warnings };
    });

  const seen = new Set<string>();
  const queue = responses.flatMap((r) => [...refsOf(r.node)]);
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...component(name).refs);
  }
  const names = Object.keys(schemas).filter((name) => seen.has(name));

  // Which schemas are recursive, and with which others: their properties need getters.
  const cycles = cycleGroups(new Map(names.map((name) => [name, component(name).refs])));
  const identifiers = new Map<string, string>();
  const guards = new Map<string, string>();
  for (const name of names) {
    const pair = claimPair(scope, model.schemaNames.get(name)!);
    identifiers.set(name, pair.schema);
    guards.set(name, pair.guard);
  }
  // A ref written directly (not in a getter) that leads back to itself must be lazy.
  const directEdges = new Map<string, Set<string>>();
  for (const name of names) {
    const direct = new Set<string>();
    zodOf(component(name).node, { identifiers, lazyRefs: new Set(), cycles, current: name, direct });
    directEdges.set(name, direct);
  }
  // A direct edge from → to closes a cycle exactly when both are in one group of the direct graph.
  const directCycles = cycleGroups(directEdges);
  const lazyRefs = new Set<string>();
  for (const [from, targets] of directEdges) for (const to of targets) if (directCycles.get(to) === directCycles.get(from)) lazyRefs.add(to);

  const entries: SchemaEntry[] = names.map((name) => {
    const { node, warnings } = component(name);
    model.warnings.push(...warnings);
    return {
      schema: identifiers.get(name)!,
      guard: guards.get(name)!,
      what: `{@link ${model.schemaNames.get(name)!}}`,
      component: name,
      node,
      type: typeOfComponent(name),
      alias: model.schemaNames.get(name)!,
    };
  });

  // Responses that are not simply a named schema get a schema of their own.
  const responseSchemas = new Map<string, SchemaEntry>();
  const byComponent = new Map(entries.map((entry) => [entry.component, entry]));
  for (const { op, node, warnings } of responses) {
    // A nullable reference is a `nullable` node, so a `ref` node is the named schema itself.
    if (node.kind === "ref") {
      responseSchemas.set(op.operationId, byComponent.get(node.name)!);
      continue;
    }
    model.warnings.push(...warnings);
    const entry: SchemaEntry = { ...claimPair(scope, pascalCase(op.operationId) + "Response"), what: `the response of {@link ${op.functionName}}`, node, type: responseType(op) };
    responseSchemas.set(op.operationId, entry);
    entries.push(entry);
  }
  return { entries, responseSchemas, identifiers, guards, bases, lazyRefs, cycles };
}

/** The type-only import of types.ts that declarations of `entries` need, if any. */
function typesImportFor(entries: readonly SchemaEntry[]): StatementStructures[] {
  return typesImport({
    components: entries.some((e) => e.type.startsWith("components[")),
    operations: entries.some((e) => e.type.startsWith("operations[")),
  });
}

/** The module-level statements that give index.ts its schemas, with what they need from zod/mini. */
export function schemaStatements(set: SchemaSet): { statements: string[]; builders: Set<string> } {
  const builders = new Set<string>();
  const statements = set.entries.map((entry) => {
    const p: Printing = { identifiers: set.identifiers, builders, lazyRefs: set.lazyRefs, cycles: set.cycles, current: entry.component };
    return constStatement({
      name: entry.schema,
      docs: `The zod/mini schema of ${entry.what}.`,
      type: `() => ResponseSchema<${entry.alias ?? entry.type}>`,
      initializer: `/* @__PURE__ */ lazySchema(() => ${zodOf(entry.node, p)})`,
    });
  });
  return { statements, builders };
}

export function emitSchemaChecks(set: SchemaSet, header: string): string {
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
  for (const entry of set.entries) {
    const p: Printing = { identifiers: set.identifiers, lazyRefs: set.lazyRefs, cycles: set.cycles, current: entry.component };
    statements.push(spaced(constStatement({ name: entry.schema, type: `() => z.ZodMiniType<${entry.type}>`, initializer: `lazy(() => ${zodOf(entry.node, p)})` })));
  }
  const checkHeader =
    header +
    "// Compile-time proof that each schema of index.ts parses to the type it is declared with,\n" +
    "// by zod's own types. Nothing imports it: type-check it (tsc) to prove schemas and types agree.\n";
  return printFile("schemas.check.ts", { leadingTrivia: checkHeader, statements });
}
