/**
 * A user's project, from the packed tarball: `npm pack` → install into a fresh project in a
 * temp dir → `npx oci-raw generate` (with and without --checks) → strict type-check (NodeNext and bundler resolution) with
 * the project's own TypeScript → a plain `tsc` build into an outDir, with and without
 * `declaration` (no `allowJs`) → run the compiled script, which calls a generated function and
 * a raw `signedFetch` against `oci-raw/emulator` → `require("oci-raw")` from CommonJS.
 *
 * Nothing from this repo may leak into that project: it lives outside the repo (so Node never
 * walks up into our node_modules), runs with NODE_PATH / NODE_OPTIONS unset and our
 * node_modules/.bin off PATH, and the test asserts where every import resolves.
 * The one network use besides loopback: npm installs the tarball's dependencies from the
 * registry (cache first: --prefer-offline; DECISIONS.md 10).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, relative, sep } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { PACKAGING_SPEC, USER_SCRIPT, USER_CJS_SCRIPT, USER_CTS_CHECK } from "./support/user-project.js";
import { readmeBlocks } from "./support/readme-blocks.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const repoPackage = JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
};

interface RunResult {
  stdout: string;
  stderr: string;
}

/** The environment a user's shell would have: nothing pointing into this repo. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (name === "NODE_PATH" || name === "NODE_OPTIONS" || name === "INIT_CWD" || name === "NODE_TEST_CONTEXT") continue;
    // `npm test` exports the repo's package.json and lifecycle as npm_* variables.
    if (name.startsWith("npm_") && !/^npm_config_(cache|registry|userconfig|globalconfig|prefer_offline|offline)$/i.test(name)) continue;
    env[name] = value;
  }
  env["PATH"] = (process.env["PATH"] ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && !dir.startsWith(repo) && !dir.startsWith(repo.replace(/[\\/]$/, "")))
    .join(delimiter);
  env["NO_UPDATE_NOTIFIER"] = "1";
  env["npm_config_update_notifier"] = "false";
  return env;
}

function run(command: string, args: readonly string[], cwd: string, env = cleanEnv(), timeout = 120_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) failed: ${error.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      } else resolve({ stdout, stderr });
    });
  });
}

function assertInside(path: string, dir: string, what: string): void {
  const rel = relative(dir, path);
  assert.ok(rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep), `${what} resolved to ${path}, outside ${dir}`);
}

test("the packed package works in a fresh user project (NodeNext and bundler, ESM and require)", { timeout: 300_000 }, async (t) => {
  const work = await realpath(await mkdtemp(join(tmpdir(), "oci-raw-packaging-")));
  t.after(() => rm(work, { recursive: true, force: true }));
  const packDir = join(work, "pack");
  const project = join(work, "project");
  await mkdir(packDir);
  await mkdir(join(project, "src"), { recursive: true });

  // 1. npm pack in the repo (its `prepack` builds dist/ with the repo's own TypeScript).
  const packed = await run("npm", ["pack", "--json", "--pack-destination", packDir], repo, { ...cleanEnv(), PATH: process.env["PATH"] ?? "" }, 180_000);
  // The JSON array npm prints after any lifecycle output.
  const jsonStart = packed.stdout.search(/^\[$/m);
  assert.ok(jsonStart >= 0, `npm pack --json printed no JSON:\n${packed.stdout}`);
  const [info] = JSON.parse(packed.stdout.slice(jsonStart)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.ok(info, "npm pack --json printed nothing");
  const shipped = info.files.map((f) => f.path).sort();

  await t.test("the tarball ships dist/, README, LICENSE, package.json, and no sources or tests", () => {
    for (const path of shipped) {
      assert.ok(
        path.startsWith("dist/") || ["package.json", "README.md", "LICENSE"].includes(path),
        `unexpected file in the tarball: ${path}`,
      );
      assert.ok(!/\.ts$/.test(path) || path.endsWith(".d.ts"), `TypeScript source shipped: ${path}`);
      assert.ok(!/\.test\./.test(path), `test file shipped: ${path}`);
      // Only the product's folders: nothing from test/, scripts/ or bench/.
      assert.ok(!path.startsWith("dist/") || /^dist\/(runtime|codegen|emulator|bin)\//.test(path), `not a shipped folder: ${path}`);
    }
    for (const needed of ["README.md", "LICENSE", "dist/bin/oci-raw.js", "dist/runtime/index.js", "dist/runtime/index.d.ts"]) {
      assert.ok(shipped.includes(needed), `${needed} missing from the tarball`);
    }
    // Every export's `types` and `default` target is in the tarball, in nested conditions too
    // (the root's deno/bun/node → the Node entry, workerd/worker/browser → the web entry);
    // `source` targets are not.
    type Target = string | { [condition: string]: Target };
    const leaves = (target: Target): string[] => (typeof target === "string" ? [target] : Object.values(target).flatMap(leaves));
    for (const [subpath, target] of Object.entries(repoPackage.exports as Record<string, Target>)) {
      if (typeof target === "string") continue;
      const keys = Object.keys(target);
      assert.equal(keys[0], "source", `exports["${subpath}"]: "source" must come first`);
      for (const condition of ["types", "default"]) {
        const file = target[condition];
        assert.ok(typeof file === "string", `exports["${subpath}"] has no "${condition}"`);
      }
      for (const [condition, nested] of Object.entries(target)) {
        if (condition === "source") continue;
        for (const file of leaves(nested)) {
          assert.ok(shipped.includes(file.replace(/^\.\//, "")), `exports["${subpath}"].${condition} → ${file} is not in the tarball`);
        }
      }
      const sources = leaves(target["source"]!);
      assert.ok(sources.length > 0 && sources.every((source) => !shipped.includes(source.replace(/^\.\//, ""))), `exports["${subpath}"].source must not ship`);
    }
  });

  const bin = await readFile(join(repo, "dist/bin/oci-raw.js"), "utf8");
  assert.match(bin, /^#!\/usr\/bin\/env node\n/, "dist/bin/oci-raw.js needs a `#!/usr/bin/env node` first line");

  // 2. A fresh project. Its own TypeScript; zod arrives as oci-raw's peer dependency.
  const tarball = join(packDir, info.filename);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify(
      {
        name: "user-project",
        private: true,
        type: "module",
        devDependencies: { typescript: "~5.9.0", "@types/node": "^20.19.0" },
      },
      null,
      2,
    ),
  );
  const strict = {
    target: "ES2022",
    lib: ["ES2023"],
    types: ["node"],
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: false,
    // The options a demanding project turns on; generated code must compile under all of them.
    noPropertyAccessFromIndexSignature: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitReturns: true,
  };
  await writeFile(
    join(project, "tsconfig.json"),
    // A plain build: tsc into an outDir, declarations on, no allowJs (tsc copies no .js files).
    JSON.stringify(
      { compilerOptions: { ...strict, module: "NodeNext", moduleResolution: "NodeNext", outDir: "out", rootDir: "src", declaration: true }, include: ["src"] },
      null,
      2,
    ),
  );
  await writeFile(
    join(project, "tsconfig.plain.json"),
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { outDir: "out-plain", declaration: false } }, null, 2),
  );
  await writeFile(
    join(project, "tsconfig.bundler.json"),
    JSON.stringify(
      {
        compilerOptions: {
          ...strict,
          module: "ESNext",
          moduleResolution: "bundler",
          noEmit: true,
          // Only syntax that type stripping can erase: Node's --experimental-strip-types runs the generated files as they are.
          erasableSyntaxOnly: true,
          verbatimModuleSyntax: true,
        },
        include: ["src"],
        exclude: ["src/**/*.cts"],
      },
      null,
      2,
    ),
  );
  await writeFile(join(project, "src/main.ts"), USER_SCRIPT);
  await writeFile(join(project, "src/require-check.cts"), USER_CTS_CHECK);
  await writeFile(join(project, "main.cjs"), USER_CJS_SCRIPT);
  await copyFile(join(repo, PACKAGING_SPEC), join(project, "identity.yaml"));

  // The README's install command, with the tarball in place of the registry name.
  const installBlocks = readmeBlocks(await readFile(join(repo, "README.md"), "utf8")).filter((b) => b.check === "packaging");
  assert.equal(installBlocks.length, 1, "README.md has one install block (<!-- check: packaging -->)");
  const install = (installBlocks[0]?.code ?? "").trim().split(/\s+/);
  assert.deepEqual(install, ["npm", "install", "oci-raw"], "the README's install command");
  const [npm = "npm", ...installArgs] = install.map((word) => (word === "oci-raw" ? tarball : word));
  await run(npm, [...installArgs, "--prefer-offline", "--no-audit", "--no-fund"], project, cleanEnv(), 240_000);
  const installed = JSON.parse(await readFile(join(project, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  assert.ok(installed.dependencies?.["oci-raw"], "npm install did not record oci-raw as a dependency");

  await t.test("imports resolve inside the project, to dist/ (never the `source` condition)", async () => {
    const probe = `for (const s of ["oci-raw", "oci-raw/emulator", "oci-raw/codegen", "oci-raw/undici", "zod/mini"]) console.log(fileURLToPath(import.meta.resolve(s)));`;
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", `import { fileURLToPath } from "node:url"; ${probe}`],
      project,
    );
    const [main, emulator, codegen, undici, zod] = stdout.trim().split("\n");
    const pkg = join(project, "node_modules/oci-raw");
    assert.equal(main, join(pkg, "dist/runtime/index.js"));
    assert.equal(emulator, join(pkg, "dist/emulator/index.js"));
    assert.equal(codegen, join(pkg, "dist/codegen/index.js"));
    assert.equal(undici, join(pkg, "dist/runtime/undici.js"));
    assert.ok(zod);
    assertInside(zod, join(project, "node_modules/zod"), "zod/mini (the peer dependency)");
  });

  await t.test("the error classes are one across the bundled entries: errors from oci-raw/auth and oci-raw/codegen are oci-raw's OciRawError, and of no class they are not", async () => {
    const script = `import { OciRawError, AuthError, KeyError, resourcePrincipalsSigner } from "oci-raw";
import * as auth from "oci-raw/auth";
import { generate } from "oci-raw/codegen";
const fromAuth = await auth.resourcePrincipalsSigner().then(() => undefined, (e) => e);
// The package entry's own provider loads dist/runtime/auth/resource-principals.js on call.
const fromLazy = await resourcePrincipalsSigner().then(() => undefined, (e) => e);
const fromCodegen = await generate({ specs: ["no-such-spec.yaml"], outDir: "never" }).then(() => undefined, (e) => e);
console.log(JSON.stringify({
  auth: fromAuth instanceof OciRawError && fromAuth instanceof AuthError, authName: fromAuth?.name,
  codegen: fromCodegen instanceof OciRawError, codegenName: fromCodegen?.name,
  other: fromAuth instanceof KeyError || fromCodegen instanceof AuthError,
  lazy: fromLazy instanceof AuthError, lazyName: fromLazy?.name,
}));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], project);
    assert.deepEqual(JSON.parse(stdout.trim()), {
      auth: true,
      authName: "ResourcePrincipalsNotConfiguredError",
      codegen: true,
      codegenName: "GenerateError",
      other: false,
      lazy: true,
      lazyName: "ResourcePrincipalsNotConfiguredError",
    });
  });

  await t.test("npx oci-raw --help and --version", async () => {
    const help = await run("npx", ["--no-install", "oci-raw", "--help"], project);
    assert.match(help.stdout, /generate/);
    assert.match(help.stdout, /raw-request/);
    const version = await run("npx", ["--no-install", "oci-raw", "--version"], project);
    assert.match(version.stdout.trim(), new RegExp(`^(oci-raw )?${repoPackage.version.replaceAll(".", "\\.")}$`));
  });

  // The README's command (the client main.ts uses), and the same with --checks beside it.
  await run("npx", ["--no-install", "oci-raw", "generate", "identity.yaml", "--out", "src/oci"], project);
  await run("npx", ["--no-install", "oci-raw", "generate", "identity.yaml", "--out", "src/checked", "--checks"], project);
  const checkFile = (dir: string) => join(project, dir, "identity", "schemas.check.ts");

  await t.test("schemas.check.ts only with --checks", async () => {
    assert.deepEqual((await readdir(join(project, "src/oci/identity"))).sort(), ["index.ts", "types.ts"]);
    assert.match(await readFile(checkFile("src/checked"), "utf8"), /z\.ZodMiniType<components\["schemas"\]\["User"\]>/);
  });

  await t.test("oci-raw/codegen: generate() as a library", async () => {
    const script = `import { generate } from "oci-raw/codegen";
const [service] = await generate({ specs: ["identity.yaml"], outDir: "gen-check" });
console.log(JSON.stringify({ dir: service?.dir, operations: service?.operations }));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], project);
    assert.deepEqual(JSON.parse(stdout.trim()), { dir: "gen-check/identity", operations: 5 });
    const index = await readFile(join(project, "gen-check/identity/index.ts"), "utf8");
    assert.match(index, /export async function listUsers\(/);
    assert.ok(!(await readdir(join(project, "gen-check/identity"))).includes("schemas.check.ts"), "no check file without checks: true");
  });

  await t.test("strict type-check with the project's TypeScript: NodeNext and bundler", async () => {
    const nodeNext = await run("npx", ["--no-install", "tsc", "-p", "tsconfig.json", "--listFiles"], project);
    for (const file of nodeNext.stdout.trim().split("\n")) assertInside(file.trim(), project, `tsc input ${file}`);
    assert.ok(
      nodeNext.stdout.includes(join(project, "node_modules/oci-raw/dist/runtime/index.d.ts")),
      "tsc did not read oci-raw's dist/runtime/index.d.ts",
    );
    const bundler = await run("npx", ["--no-install", "tsc", "-p", "tsconfig.bundler.json", "--listFiles"], project);
    for (const file of bundler.stdout.trim().split("\n")) assertInside(file.trim(), project, `tsc input ${file}`);
    // The --checks output type-checks under both resolutions (its zod types agree with types.ts).
    assert.ok(nodeNext.stdout.includes(checkFile("src/checked")), "the NodeNext build type-checks the --checks file");
    assert.ok(bundler.stdout.includes(checkFile("src/checked")), "the bundler build type-checks the --checks file");
  });

  await t.test("the declarations keep the generated type guards", async () => {
    const declarations = await readFile(join(project, "out/oci/identity/index.d.ts"), "utf8");
    assert.match(declarations, /export declare function isUser\(value: unknown\): value is User;/);
    assert.match(declarations, /export declare const UserSchema: \(\) => ResponseSchema<User>;/);
    // Without declaration the same sources build; only the .d.ts files are missing.
    await run("npx", ["--no-install", "tsc", "-p", "tsconfig.plain.json"], project);
    assert.deepEqual((await readdir(join(project, "out-plain/oci/identity"))).sort(), ["index.js", "types.js"]);
  });

  for (const out of ["out", "out-plain"]) {
    await t.test(`the script compiled into ${out}/ calls a generated function and signedFetch against oci-raw/emulator`, async () => {
      const { stdout } = await run(process.execPath, [`${out}/main.js`], project);
      const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    assert.equal(report["generatedStatus"], 200);
    assert.deepEqual(report["names"], ["grace"]);
    assert.equal(report["rawIsArray"], true);
    assert.equal(report["undiciStatus"], 200);
    assert.equal(report["undiciName"], "grace");
    assert.equal(report["rawStatus"], 200);
    assert.equal(report["serviceErrorIsTyped"], true);
    assert.equal(report["serviceErrorStatus"], 404);
    assert.deepEqual(report["guards"], [true, false]);
    });
  }

  await t.test('require("oci-raw") from a .cjs file (Node ≥ 20.19)', async (tt) => {
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    if (major === 20 && minor < 19) return tt.skip(`Node ${process.versions.node} has no require(esm)`);
    const { stdout } = await run(process.execPath, ["main.cjs"], project);
    const result = JSON.parse(stdout.trim()) as { resolved: string; signedFetch: string; serviceError: string };
    assert.equal(result.resolved, join(project, "node_modules/oci-raw/dist/runtime/index.js"));
    assert.equal(result.signedFetch, "function");
    assert.equal(result.serviceError, "function");
  });
});
