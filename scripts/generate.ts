/**
 * `npm run generate`: refreshes every committed piece of generated code — specs/ → generated/
 * (the clients the demo, tests and examples use) and test/fixtures/codegen → the reviewed
 * snapshots in test/__snapshots__/codegen — all with schemas.check.ts, so this project's tsc
 * proves every schema agrees with its type. The staleness test regenerates the same list in
 * memory and compares; the demo writes the same.
 */
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateService, summaryLine, writeService, type GeneratedService } from "../codegen/generate.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");

/** The focused specs whose output is committed as reviewed snapshots, by snapshot name. */
export const SNAPSHOT_FIXTURES: ReadonlyArray<readonly [name: string, spec: string]> = [
  ["params", "test/fixtures/codegen/params.yaml"],
  ["polymorphism", "test/fixtures/codegen/polymorphism.swagger.yaml"],
  ["composition", "test/fixtures/codegen/composition.yaml"],
  ["openapi31", "test/fixtures/codegen/openapi31.yaml"],
  ["external", "test/fixtures/codegen/external/main.yaml"],
  ["tags", "test/fixtures/codegen/tags.swagger.yaml"],
  ["member-names", "test/fixtures/codegen/member-names.json"],
];
export const SNAPSHOTS_DIR = "test/__snapshots__/codegen";

/** specs/*.yaml|yml|json, sorted. */
export function specFiles(root = ROOT): string[] {
  return readdirSync(join(root, "specs"))
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => join("specs", f));
}

/** Every spec in specs/, in memory, paths relative to `root` (as the headers say). */
export async function generateClients(root = ROOT): Promise<GeneratedService[]> {
  const results: GeneratedService[] = [];
  // The headers' "regenerate with" line is the same as `oci-raw generate` writes from the root.
  for (const spec of specFiles(root)) results.push(await generateService(spec, { outDir: "generated", cwd: root, checks: true }));
  return results;
}

/** Every snapshot fixture, in memory. */
export async function generateSnapshots(root = ROOT): Promise<GeneratedService[]> {
  const results: GeneratedService[] = [];
  for (const [name, spec] of SNAPSHOT_FIXTURES) results.push(await generateService(spec, { outDir: SNAPSHOTS_DIR, name, cwd: root, checks: true }));
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const result of [...(await generateClients()), ...(await generateSnapshots())]) {
    writeService(result, ROOT);
    process.stdout.write(summaryLine(result, relative(process.cwd(), join(ROOT, result.dir)) || "."));
  }
}
