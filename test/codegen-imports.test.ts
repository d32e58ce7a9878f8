/**
 * No import circles: a module that imports itself through others cannot be read (or tested)
 * on its own, and its initialisation order depends on which module is imported first. The
 * graph is every relative import (static, `export … from`, `import type`, dynamic `import()`)
 * between the TypeScript files of the shipped folders.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";

const ROOT = resolve(import.meta.dirname, "..");

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

/** File → the files among `files` it imports by relative path (`./x.js` is `./x.ts`). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith("."))
      .map((name) => relative(ROOT, resolve(ROOT, dirname(file), name.replace(/\.js$/, ".ts"))).split("\\").join("/"))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** One circle per back edge found by a depth-first walk, each written `a.ts → b.ts → a.ts`. */
export function importCircles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const circles: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === "open") circles.push([...path.slice(path.indexOf(target)), target].join(" → "));
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return circles;
}

describe("import circles", () => {
  test("the walk finds a circle, through type-only and dynamic imports too", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    assert.deepEqual(importCircles(graph), ["a.ts → b.ts → c.ts → a.ts"]);
    assert.deepEqual(importCircles(new Map([["a.ts", ["b.ts"]], ["b.ts", []]])), []);
    const graphOfBin = importGraph(sourceFiles("bin"));
    assert.deepEqual(graphOfBin.get("bin/commands/generate.ts")?.filter((file) => file.startsWith("codegen/")), [], "outside the files given");
    const graphWithCodegen = importGraph([...sourceFiles("bin"), ...sourceFiles("codegen")]);
    // bin/commands/generate.ts imports the generator with `await import(…)` only.
    assert.ok(graphWithCodegen.get("bin/commands/generate.ts")?.includes("codegen/generate.ts"), "a dynamic import is an edge");
    assert.ok(graphWithCodegen.get("codegen/emit-validators.ts")?.includes("codegen/schema-node.ts"), "an import type is an edge");
  });

  test("codegen/ has none", () => {
    assert.deepEqual(importCircles(importGraph(sourceFiles("codegen"))), []);
  });

  test("runtime/, codegen/, emulator/ and bin/ have none", () => {
    const files = ["runtime", "codegen", "emulator", "bin"].flatMap(sourceFiles);
    assert.ok(files.length > 40, `found ${files.length} files`);
    assert.deepEqual(importCircles(importGraph(files)), []);
  });
});
