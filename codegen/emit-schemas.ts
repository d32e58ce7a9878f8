/**
 * Response schemas (zod/mini), emitted three ways from one set of nodes (schema-node.ts):
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
import type { GenerateWarning } from "./errors.js";
import { typesImport } from "./emit-types.js";
import { componentSchemas, isObject, type JsonObject } from "./load.js";
import type { OperationModel, ServiceModel } from "./model.js";
import { NameScope, pascalCase, propertyKey } from "./names.js";
import { constStatement, printFile, spaced } from "./print.js";
import { refsOf, schemaNode, type SchemaNode } from "./schema-node.js";

export interface EmittedSchemas {
  js: string;
  dts: string;
  /** schemas.check.ts, when asked for. */
  check: string | undefined;
  count: number;
}

interface Printing {
  identifiers: ReadonlyMap<string, string>;
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

/** The zod/mini expression for a node. */
function zodOf(node: SchemaNode, p: Printing, inGetter = false): string {
  switch (node.kind) {
    case "unknown":
    case "never":
    case "string":
    case "number":
    case "boolean":
    case "null":
      return `z.${node.kind}()`;
    case "literal":
      return `z.literal(${JSON.stringify(node.value)})`;
    case "nullable":
      return `z.nullable(${zodOf(node.inner, p, inGetter)})`;
    case "ref": {
      if (!inGetter) p.direct?.add(node.name);
      const identifier = p.identifiers.get(node.name)!;
      return p.lazyRefs.has(node.name) && !inGetter ? `z.lazy(() => ${identifier}())` : `${identifier}()`;
    }
    case "union":
      return `z.union([${node.options.map((o) => zodOf(o, p, inGetter)).join(", ")}])`;
    case "intersection":
      return `z.intersection(${zodOf(node.left, p, inGetter)}, ${zodOf(node.right, p, inGetter)})`;
    case "array":
      return `z.array(${zodOf(node.items, p, inGetter)})`;
    case "record":
      return `z.record(z.string(), ${zodOf(node.values, p, inGetter)})`;
    case "object": {
      const entries = node.properties.map(({ key, node: value, required }) => {
        // A property that can lead back to this schema is a getter, read once the schemas
        // exist; any other reference is a plain call.
        const getter = [...refsOf(value)].some((name) => leadsBack(p, name));
        let expression = zodOf(value, p, getter || inGetter);
        if (!required) expression = `z.exactOptional(${expression})`;
        return getter ? `get ${propertyKey(key)}() {\n  return ${indent(expression)};\n}` : `${propertyKey(key)}: ${expression}`;
      });
      const shape = `{\n${entries.map((e) => `  ${indent(e)},`).join("\n")}\n}`;
      return node.rest ? `z.catchall(z.object(${shape}), ${zodOf(node.rest, p, inGetter)})` : `z.looseObject(${shape})`;
    }
  }
}

/** One schema to emit: a component, or the response of an operation that is not simply one. */
export interface SchemaEntry {
  identifier: string;
  /** The component schema it is, if it is one. */
  component?: string | undefined;
  node: SchemaNode;
  /** Its TypeScript type, in terms of types.ts. */
  type: string;
  doc: string | undefined;
}

/** The schemas a service's responses need, read once, for every printer. */
export interface SchemaSet {
  entries: SchemaEntry[];
  /** Operation id → the entry its response uses. */
  responseSchemas: Map<string, string>;
  /** Component name → identifier. */
  identifiers: ReadonlyMap<string, string>;
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
 * The component schemas reachable from the operations' responses (in document order), plus a
 * schema of its own for each response that is not simply a named one; warnings are added to
 * the model's for what gets emitted, in that order.
 */
export function collectSchemas(model: ServiceModel, doc: JsonObject): SchemaSet {
  const schemas = componentSchemas(doc);
  const known = new Set(model.schemaNames.keys());
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
      const node = schemaNode(schemas[name], known, warnings, ["components", "schemas", name]);
      entry = { node, refs: refsOf(node), warnings };
      read.set(name, entry);
    }
    return entry;
  };
  const responses = model.operations
    .filter((op) => op.response.kind === "json")
    .map((op) => {
      const warnings: GenerateWarning[] = [];
      return { op, node: schemaNode(op.response.schema, known, warnings, op.response.at), warnings };
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
  // A ref written directly (not in a getter) that leads back to itself must be lazy.
  const identifiers = model.schemaNames;
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
    const schema = schemas[name];
    const { node, warnings } = component(name);
    model.warnings.push(...warnings);
    return {
      identifier: identifiers.get(name)!,
      component: name,
      node,
      type: typeOfComponent(name),
      doc: isObject(schema) && typeof schema["description"] === "string" ? schema["description"] : undefined,
    };
  });

  // Responses that are not simply a named schema get a schema of their own.
  const responseSchemas = new Map<string, string>();
  const scope = new NameScope([...identifiers.values(), "z", "lazy", "components", "operations", "ResponseSchema"]);
  for (const { op, node, warnings } of responses) {
    // A nullable reference is a `nullable` node, so a `ref` node is the named schema itself.
    if (node.kind === "ref") {
      responseSchemas.set(op.operationId, identifiers.get(node.name)!);
      continue;
    }
    model.warnings.push(...warnings);
    const identifier = scope.claim(pascalCase(op.operationId) + "Response", "Schema");
    responseSchemas.set(op.operationId, identifier);
    entries.push({ identifier, node, type: responseType(op), doc: `The response of ${op.operationId}.` });
  }
  return { entries, responseSchemas, identifiers, lazyRefs, cycles };
}

/** The type-only import of types.ts that declarations of `entries` need, if any. */
export function typesImportFor(entries: readonly SchemaEntry[]): StatementStructures[] {
  return typesImport({
    components: entries.some((e) => e.type.startsWith("components[")),
    operations: entries.some((e) => e.type.startsWith("operations[")),
  });
}

export function emitSchemas(set: SchemaSet, header: string, options: { checks: boolean }): EmittedSchemas {
  const { entries } = set;
  const typesImports = typesImportFor(entries);
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
    ...typesImports,
  ];
  const checkStatements: Array<StatementStructures | WriterFunction> = [
    { kind: StructureKind.ImportDeclaration, namespaceImport: "z", moduleSpecifier: "zod/mini" },
    ...typesImports,
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
    const p: Printing = { identifiers: set.identifiers, lazyRefs: set.lazyRefs, cycles: set.cycles, current: entry.component };
    const initializer = `lazy(() => ${zodOf(entry.node, p)})`;
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
    count: entries.length,
  };
}
