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
