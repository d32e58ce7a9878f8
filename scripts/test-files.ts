/**
 * The test files `npm test` and `npm run test:unit` pass to `node --test` (Node 20's runner
 * neither expands globs nor finds .ts files by itself), one per line:
 *   node --import tsx scripts/test-files.ts          every test/**\/*.test.ts (CI's whole suite)
 *   node --import tsx scripts/test-files.ts --unit   the same less SLOW_TEST_FILES
 * A new test file is picked up by both; a slow one is left out of the fast subset by adding
 * its name below. A name here that matches no file is an error, so the list cannot rot.
 */
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");

/**
 * Left out of `npm run test:unit`: each takes seconds to minutes (measured with the summary
 * reporter on a 2-core machine) because it packs and installs, generates from Oracle's full
 * specs, runs child processes or benchmarks. CI's `npm test` runs them all.
 */
export const SLOW_TEST_FILES: readonly string[] = [
  "test/packaging.test.ts", // npm pack, installs the tarball into user projects, tsc and bundlers
  "test/codegen-oracle.test.ts", // generates and type-checks Oracle's full specs
  "test/readme.test.ts", // runs every README code block, in fresh projects
  "test/bench-smoke.test.ts", // the whole benchmark in smoke mode, in a child process
  "test/cli.test.ts", // the CLI in child processes
  "test/cli-flags.test.ts", // raw-request's OCI CLI flags, in child processes
  "test/specs-catalog.test.ts", // oci-raw generate <service> and oci-raw specs, in child processes
  "test/emulator-interop.test.ts", // the emulator and raw-request CLIs in child processes, the official OCI SDK (~20 s)
  "test/cli-emulator-auth.test.ts", // `oci-raw emulator` and raw-request children (HTTPS start-up alone takes seconds)
  "test/properties-codegen.test.ts", // 250 mutated specs through the generator in a worker, a tsc sample (20-30 s)
  "test/replay.test.ts", // Oracle's recorded responses through the generated clients
  "test/auth-instance-principals.test.ts", // a load test: 1 000 concurrent requests across a token expiry
  "test/emulator-specs.test.ts", // loads Oracle's full specs twice and walks their 715 operations
  "test/auth-oke.test.ts", // the same load test for OKE workload identity, and the CLI in child processes (~25 s)
  "test/auth-obo.test.ts", // instance_obo_user: a load test across a real 4 s token expiry, raw-request children (~30 s)
  "test/config-environment.test.ts", // OCI_CLI_* configuration: raw-request children (~10 s)
  "test/runtimes.test.ts", // installs Node 22, Bun and Deno from npm (first run), runs each in child processes
];

/** Every `*.test.ts` under `dir`, relative to the repository root, sorted. */
function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return entry.name.endsWith(".test.ts") ? [relative(ROOT, path)] : [];
  });
}

export function testFiles({ unit = false } = {}): string[] {
  const all = findTests(join(ROOT, "test")).sort();
  const missing = SLOW_TEST_FILES.filter((file) => !all.includes(file));
  if (missing.length) throw new Error(`scripts/test-files.ts: SLOW_TEST_FILES names files that do not exist: ${missing.join(", ")}`);
  return unit ? all.filter((file) => !SLOW_TEST_FILES.includes(file)) : all;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(testFiles({ unit: process.argv.includes("--unit") }).join("\n") + "\n");
}
