/**
 * `npm run generate`: every spec in specs/ → generated/<service>/, with schemas.check.ts (this
 * project's tsc run proves every schema agrees with its type). The staleness test regenerates
 * the same way in memory and compares; the demo writes the same.
 */
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateService, summaryLine, writeService, type GeneratedService } from "./generate.js";

/** The repository root (this file lives in codegen/). */
export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");

/** specs/*.yaml|yml|json, sorted. */
export function specFiles(root = REPO_ROOT): string[] {
  return readdirSync(join(root, "specs"))
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => join("specs", f));
}

/** Generates every spec in memory, paths relative to `root` (as the headers say). */
export async function generateAll(root = REPO_ROOT, outDir = "generated"): Promise<GeneratedService[]> {
  const results: GeneratedService[] = [];
  for (const spec of specFiles(root)) {
    // The headers' "regenerate with" line is the same as `oci-raw generate` writes from the root.
    results.push(await generateService(spec, { outDir, cwd: root, checks: true }));
  }
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const result of await generateAll()) {
    writeService(result, REPO_ROOT);
    const where = relative(process.cwd(), join(REPO_ROOT, result.dir)) || ".";
    process.stdout.write(summaryLine(result, where));
  }
}
