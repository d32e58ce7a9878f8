/** The built package (dist/) that cold start and steady state run; built here when missing. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, newestMtime } from "./paths.js";

export interface BuiltPackage {
  /** dist/runtime/index.js */
  entry: string;
  /** A warning when dist/ is older than runtime/ (someone else's build; not rebuilt under them). */
  stale: string | undefined;
}

export function ensureBuilt(log: (line: string) => void): BuiltPackage {
  const entry = join(ROOT, "dist", "runtime", "index.js");
  if (!existsSync(entry)) {
    log("  dist/ is missing: npm run build");
    const result = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    if (result.status !== 0 || !existsSync(entry)) {
      throw new Error(`npm run build failed (status ${result.status}): ${(result.stdout + result.stderr).trim().split("\n").slice(-5).join(" / ")}`);
    }
    return { entry, stale: undefined };
  }
  const stale = newestMtime(join(ROOT, "runtime")) > newestMtime(join(ROOT, "dist", "runtime"))
    ? "dist/ is older than runtime/: run `npm run build` for current figures"
    : undefined;
  return { entry, stale };
}

export interface PackageUnderTest {
  /** Arguments for a child `node` so that `oci-raw` resolves as intended. */
  nodeArgs: string[];
  /** Extra resolve conditions (esbuild, tsconfig customConditions). */
  conditions: string[];
  stale: string | undefined;
}

/**
 * How the figures load oci-raw: the built dist/ (built when missing) in real runs; the
 * TypeScript sources in the smoke run, which must not touch dist/ — `npm test` runs the
 * packaging test, whose `npm pack` rebuilds dist/, at the same time.
 */
export function packageUnderTest(smoke: boolean, log: (line: string) => void): PackageUnderTest {
  if (smoke) return { nodeArgs: ["--conditions=source", "--import", "tsx"], conditions: ["source"], stale: undefined };
  return { nodeArgs: [], conditions: [], stale: ensureBuilt(log).stale };
}
