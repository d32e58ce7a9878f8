/**
 * Committed generated code must be what the generator makes today: generated/ from specs/, and
 * the reviewed snapshots (test/__snapshots__/codegen) from test/fixtures/codegen. Regenerated in
 * memory, as `npm run generate` does, and compared with the files.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { GeneratedService } from "../codegen/generate.js";
import { generateClients, generateSnapshots, SNAPSHOTS_DIR } from "../scripts/generate.js";
import { REPO_ROOT } from "./support/repo.js";

function assertCommitted(results: GeneratedService[], folder: string): void {
  const expectedFolders = results.map((r) => r.dir.slice(folder.length + 1)).sort();
  const actualFolders = readdirSync(join(REPO_ROOT, folder), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(actualFolders, expectedFolders, `${folder}/ has other folders than the generator makes: run \`npm run generate\``);
  for (const result of results) {
    // Generated with the check files: this project's tsc proves schemas and types agree.
    assert.ok(result.files.has("schemas.check.ts"), `${result.dir}: generated without schemas.check.ts`);
    assert.deepEqual(readdirSync(join(REPO_ROOT, result.dir)).sort(), [...result.files.keys()].sort(), `${result.dir} has other files than the generator makes: run \`npm run generate\``);
    for (const [file, content] of result.files) {
      let current: string | undefined;
      try {
        current = readFileSync(join(REPO_ROOT, result.dir, file), "utf8");
      } catch {
        current = undefined;
      }
      assert.ok(current === content, `${result.dir}/${file} is stale (generated from ${result.spec}): review the change, then \`npm run generate\``);
    }
  }
}

test("generated/ is up to date with specs/ (else: npm run generate)", async () => {
  assertCommitted(await generateClients(REPO_ROOT), "generated");
});

test("the codegen snapshots are up to date with test/fixtures/codegen (else: review, then npm run generate)", async () => {
  assertCommitted(await generateSnapshots(REPO_ROOT), SNAPSHOTS_DIR);
});
