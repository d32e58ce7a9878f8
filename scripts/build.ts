/**
 * `npm run build`: dist/ as it ships. tsc writes the declarations (dist/**\/*.d.ts, the same
 * tree as the sources); esbuild writes the JavaScript, one file per public entry point and
 * the CLI, with the code they share in dist/runtime/chunks/.
 *
 * Why bundle: Node 20 loads an ES module for about a millisecond of CPU (resolve, read,
 * compile, link), most of what oci-raw adds to a program's cold start (bench figure 4).
 * Why two esbuild runs: in one run with splitting, every set of entries that shares a module
 * gets its own chunk, and `import "oci-raw"` loaded 11 files. Now the package entry is one
 * file, bundled on its own; the auth providers it loads on first call are built with the other
 * entries (auth, undici, web, emulator, codegen, the CLI), which share chunks among themselves.
 * The runtime's modules thus exist twice, so what must be one across copies is keyed by
 * `Symbol.for`: the error classes' brands (`instanceof OciRawError` holds for errors from
 * oci-raw/auth, oci-raw/codegen and the CLI alike; test/packaging.test.ts checks it on the
 * tarball), the marks a client or signer carries, the too-open-file warnings already given.
 * Dependencies stay imports (zod, undici, ts-morph… are the user's copies, not ours).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { build, type BuildOptions, type Plugin } from "esbuild";
import { fileURLToPath } from "node:url";

/** dist/<key>.js ← <value>; the keys are package.json's exports and bin. */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  "runtime/index": "runtime/index.ts",
  // The web entry (package.json's workerd/worker/browser conditions and oci-raw/web): nothing
  // it reaches imports a node: module (test/bundle-web.test.ts).
  "runtime/web": "runtime/web.ts",
  "runtime/auth/index": "runtime/auth/index.ts",
  "runtime/undici": "runtime/undici.ts",
  "emulator/index": "emulator/index.ts",
  "codegen/index": "codegen/index.ts",
  "bin/oci-raw": "bin/oci-raw.ts",
};

const REPO_ROOT = join(fileURLToPath(import.meta.url), "..", "..");

/**
 * The modules `oci-raw` loads on first call of a token-based provider: the `import("./auth/…")`
 * of runtime/providers.ts, read from it so no second list can fall behind. They are built with
 * the other entries, where `oci-raw/auth` shares their code, and imported by the package entry
 * as the files they are (dist/runtime/auth/<name>.js).
 */
export function lazyAuthModules(): string[] {
  const providers = readFileSync(join(REPO_ROOT, "runtime/providers.ts"), "utf8");
  return [...new Set([...providers.matchAll(/import\("\.\/auth\/([\w-]+)\.js"\)/g)].map((m) => m[1]!))];
}

/**
 * The esbuild half of the build, writing to `outdir`: also what test/runtimes.test.ts builds a
 * throwaway copy of the package with, so each runtime resolves `oci-raw` through package.json's
 * exports on its own without touching this repo's dist/.
 */
export function javascriptBuilds(outdir: string): BuildOptions[] {
  const common: BuildOptions = {
    absWorkingDir: REPO_ROOT,
    outdir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: true,
    sourcesContent: true,
    logLevel: "warning",
  };
  const packageEntry = "runtime/index";
  const others = Object.keys(ENTRY_POINTS).filter((key) => key !== packageEntry);
  const lazy = Object.fromEntries(lazyAuthModules().map((name) => [`runtime/auth/${name}`, join(REPO_ROOT, "runtime/auth", `${name}.ts`)]));
  return [
    {
      ...common,
      entryPoints: { [packageEntry]: join(REPO_ROOT, ENTRY_POINTS[packageEntry]!) },
      splitting: false,
      plugins: [lazyAuthStaysImport],
    },
    {
      ...common,
      entryPoints: { ...Object.fromEntries(others.map((key) => [key, join(REPO_ROOT, ENTRY_POINTS[key]!)])), ...lazy },
      splitting: true,
      chunkNames: "runtime/chunks/[name]-[hash]",
    },
  ];
}

/** In the package entry's bundle, `import("./auth/<name>.js")` stays an import of the file the other build writes. */
const lazyAuthStaysImport: Plugin = {
  name: "lazy-auth-stays-import",
  setup(build) {
    build.onResolve({ filter: /^\.\/auth\/[\w-]+\.js$/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined));
  },
};

// Run as a script (`npm run build`), not when imported for javascriptBuilds.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = join(REPO_ROOT, "dist");
  rmSync(dist, { recursive: true, force: true });

  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);

  for (const options of javascriptBuilds(dist)) await build(options);
}
