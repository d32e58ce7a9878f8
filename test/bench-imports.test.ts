/**
 * The benchmark measures oci-raw as a user gets it, so bench/ reaches this project only
 * through its public entry points — `oci-raw`, `oci-raw/undici`, `oci-raw/emulator`,
 * `oci-raw/codegen` — and its own files: never test/ (e.g. the published test key),
 * generated/, runtime/ or any other folder by a relative path. Other packages (node's
 * built-ins, the baselines it compares with such as oci-common, esbuild, typescript) must
 * be declared in package.json. Every import in bench/**\/*.ts is read with TypeScript's
 * parser, so the source text of the child programs a figure writes (template strings) is
 * not mistaken for its own imports; bench/.work/ (generated, git-ignored) is skipped.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { REPO_ROOT } from "./support/repo.js";

const BENCH = join(REPO_ROOT, "bench");
const PUBLIC_ENTRIES = new Set(["oci-raw", "oci-raw/undici", "oci-raw/emulator", "oci-raw/codegen"]);

function benchSources(dir = BENCH): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === ".work" || entry.name === "node_modules" ? [] : benchSources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic; `null` for a dynamic import of a computed path. */
function importsOf(file: string, text = readFileSync(file, "utf8")): Array<string | null> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Array<string | null> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      found.push(arg && ts.isStringLiteralLike(arg) ? arg.text : null);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Why `specifier`, imported by `file`, is not allowed; undefined when it is. */
function refusal(file: string, specifier: string | null, declared: ReadonlySet<string>): string | undefined {
  // A computed path: the figures load what they generated into bench/.work/ this way.
  if (specifier === null) return undefined;
  if (specifier.startsWith(".")) {
    const target = resolve(dirname(file), specifier);
    return target.startsWith(BENCH + sep) ? undefined : `reaches outside bench/ (${relative(REPO_ROOT, target)})`;
  }
  if (specifier.startsWith("node:") || builtinModules.includes(specifier)) return undefined;
  if (specifier === "oci-raw" || specifier.startsWith("oci-raw/")) {
    return PUBLIC_ENTRIES.has(specifier) ? undefined : "is not one of oci-raw's public entry points";
  }
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
  return declared.has(name) ? undefined : "is not a package declared in package.json";
}

test("the import check reads real imports and refuses what bench/ must not use", () => {
  const sample = [
    `import { a } from "../../test/vectors/oci-request-signatures.js";`,
    `import type { B } from "oci-raw/dist/runtime/index.js";`,
    `export { c } from "../lib/keys.js";`,
    `const d = await import("left-pad");`,
    `const e = await import(someUrl);`,
    "const program = `import { f } from \"../../runtime/index.js\";`;",
  ].join("\n");
  const file = join(BENCH, "figures", "sample.ts");
  const imports = importsOf(file, sample);
  assert.deepEqual(imports, ["../../test/vectors/oci-request-signatures.js", "oci-raw/dist/runtime/index.js", "../lib/keys.js", "left-pad", null]);
  const declared = new Set(["oci-common"]);
  assert.deepEqual(imports.map((s) => refusal(file, s, declared) !== undefined), [true, true, false, true, false]);
});

test("bench/ imports only oci-raw's public entry points, its own files and declared packages", () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const files = benchSources();
  assert.ok(files.some((f) => f.endsWith(join("bench", "run.ts"))) && files.length > 10, `found ${files.length} files under bench/`);
  const refused: string[] = [];
  let checked = 0;
  for (const file of files) {
    for (const specifier of importsOf(file)) {
      checked++;
      const why = refusal(file, specifier, declared);
      if (why) refused.push(`${relative(REPO_ROOT, file)}: "${specifier}" ${why}`);
    }
  }
  assert.ok(checked > 50, `read ${checked} imports`);
  assert.deepEqual(refused, []);
});
