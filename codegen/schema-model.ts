/**
 * The schemas half of the model (model.ts): the component schemas the operations' responses
 * reach, each read once into a node (schema-node.ts), plus a schema of its own for each
 * response that is not simply a named one; which of them are recursive and with which
 * others (cycle groups); which references must be lazy; and the identifiers they are printed
 * under. Computed once here, so the printers (emit-schemas.ts, emit-validators.ts,
 * emit-operations.ts) only print.
 */
import type { GenerateWarning } from "./errors.js";
import { componentSchemas, type JsonObject } from "./json.js";
import { NameScope, pascalCase } from "./names.js";
import { RESERVED_TOP_LEVEL, type OperationModel, type OperationsModel } from "./operations.js";
import { discriminatedBases, mappedSubtypes, type DiscriminatedBase } from "./polymorphism.js";
import { refsOf, schemaNode, type SchemaNode } from "./schema-node.js";
import { stringLiteralText } from "./syntax.js";

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
export interface SchemaModel {
  /** The reachable components in document order, then the responses' own schemas. */
  entries: SchemaEntry[];
  /** Operation id → the entry its response uses (JSON responses only). */
  responseSchemas: Map<string, SchemaEntry>;
  /** Component name → its schema's identifier. */
  identifiers: ReadonlyMap<string, string>;
  /** Component name → its validator's identifier. */
  guards: ReadonlyMap<string, string>;
  /** The polymorphic bases: a use of one is a choice of its subtypes, in types and in validation. */
  bases: ReadonlyMap<string, DiscriminatedBase>;
  /** Refs that must be lazy in zod (a cycle of references written directly, not in getters). */
  lazyRefs: ReadonlySet<string>;
  /** Each reachable component's group of mutually recursive schemas. */
  cycles: ReadonlyMap<string, number>;
  /** What reading the emitted schemas warned about, in the order of `entries`. */
  warnings: GenerateWarning[];
}

/** Strongly connected components (Tarjan): schemas in one group refer to each other round and round. */
export function cycleGroups(edges: ReadonlyMap<string, ReadonlySet<string>>): Map<string, number> {
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

/**
 * Whether a property of the component `current` (undefined outside a component) whose value
 * is `value` can lead back to `current`: such a property is read through a getter, once the
 * schemas exist; any other reference is a plain call.
 */
export function leadsBack(value: SchemaNode, current: string | undefined, cycles: ReadonlyMap<string, number>): boolean {
  if (current === undefined) return false;
  const group = cycles.get(current);
  return [...refsOf(value)].some((name) => name === current || (group !== undefined && cycles.get(name) === group));
}

/** The components `node` (of component `current`) refers to outside getters. */
function directRefs(node: SchemaNode, current: string, cycles: ReadonlyMap<string, number>, into = new Set<string>()): Set<string> {
  switch (node.kind) {
    case "ref":
      into.add(node.name);
      break;
    case "nullable":
      directRefs(node.inner, current, cycles, into);
      break;
    case "union":
      for (const option of node.options) directRefs(option, current, cycles, into);
      break;
    case "intersection":
      directRefs(node.left, current, cycles, into);
      directRefs(node.right, current, cycles, into);
      break;
    case "array":
      directRefs(node.items, current, cycles, into);
      break;
    case "record":
      directRefs(node.values, current, cycles, into);
      break;
    case "object":
      for (const property of node.properties) if (!leadsBack(property.node, current, cycles)) directRefs(property.node, current, cycles, into);
      if (node.rest) directRefs(node.rest, current, cycles, into);
      break;
    default:
      break;
  }
  return into;
}

function typeOfComponent(name: string): string {
  return `components["schemas"][${stringLiteralText(name)}]`;
}

/** openapi-typescript's type of an operation's (JSON) response, in terms of types.ts. */
export function responseType(op: OperationModel): string {
  const status = /^\d+$/.test(op.response.status) ? op.response.status : stringLiteralText(op.response.status);
  return `operations[${stringLiteralText(op.operationId)}]["responses"][${status}]["content"][${stringLiteralText(op.response.mediaType ?? "")}]`;
}

/** The names index.ts defines or imports, before the schemas' and the aliases' are claimed. */
export function topLevelNames(operations: OperationsModel): string[] {
  return [...RESERVED_TOP_LEVEL, ...operations.schemaNames.values(), ...operations.operations.flatMap((op) => [op.functionName, op.paramsTypeName])];
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
 * The component schemas reachable from the operations' JSON responses (in document order),
 * plus a schema of its own for each response that is not simply a named one, with their
 * identifiers claimed after index.ts's other top-level names (`topLevelNames`).
 */
export function modelSchemas(doc: JsonObject, model: OperationsModel): SchemaModel {
  const schemas = componentSchemas(doc);
  const known = new Set(model.schemaNames.keys());
  const bases = discriminatedBases(doc);
  const mapped = mappedSubtypes(schemas);
  const scope = new NameScope(topLevelNames(model));
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
      const node = schemaNode(schemas[name], known, warnings, ["components", "schemas", name], bases, schemas, mapped);
      entry = { node, refs: refsOf(node), warnings };
      read.set(name, entry);
    }
    return entry;
  };
  const responses = model.operations
    .filter((op) => op.response.kind === "json")
    .map((op) => {
      const warnings: GenerateWarning[] = [];
      return { op, node: schemaNode(op.response.schema, known, warnings, op.response.at, bases, schemas, mapped), warnings };
    });

  // Reachability: the components the responses refer to, and theirs, and so on.
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
  // A reference written directly (not in a getter) that leads back to itself must be lazy:
  // a direct edge from → to closes a cycle exactly when both are in one group of the direct graph.
  const directEdges = new Map(names.map((name) => [name, directRefs(component(name).node, name, cycles)]));
  const directCycles = cycleGroups(directEdges);
  const lazyRefs = new Set<string>();
  for (const [from, targets] of directEdges) for (const to of targets) if (directCycles.get(to) === directCycles.get(from)) lazyRefs.add(to);

  const identifiers = new Map<string, string>();
  const guards = new Map<string, string>();
  const warnings: GenerateWarning[] = [];
  const entries: SchemaEntry[] = names.map((name) => {
    const alias = model.schemaNames.get(name)!;
    const pair = claimPair(scope, alias);
    identifiers.set(name, pair.schema);
    guards.set(name, pair.guard);
    const { node, warnings: own } = component(name);
    warnings.push(...own);
    return { ...pair, what: `{@link ${alias}}`, component: name, node, type: typeOfComponent(name), alias };
  });

  // Responses that are not simply a named schema get a schema of their own.
  const responseSchemas = new Map<string, SchemaEntry>();
  const byComponent = new Map(entries.map((entry) => [entry.component, entry]));
  for (const { op, node, warnings: own } of responses) {
    // A nullable reference is a `nullable` node, so a `ref` node is the named schema itself.
    if (node.kind === "ref") {
      responseSchemas.set(op.operationId, byComponent.get(node.name)!);
      continue;
    }
    warnings.push(...own);
    const entry: SchemaEntry = { ...claimPair(scope, pascalCase(op.operationId) + "Response"), what: `the response of {@link ${op.functionName}}`, node, type: responseType(op) };
    responseSchemas.set(op.operationId, entry);
    entries.push(entry);
  }
  return { entries, responseSchemas, identifiers, guards, bases, lazyRefs, cycles, warnings };
}
