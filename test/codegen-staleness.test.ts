/**
 * generated/ must be what the generator makes of specs/ today: regenerate in memory and
 * compare with the committed files.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { generateAll, REPO_ROOT } from "../codegen/generate-all.js";

test("generated/ is up to date with specs/ (else: npm run generate)", async () => {
  const results = await generateAll(REPO_ROOT, "generated");
  const expectedFolders = results.map((r) => r.dir.replace(/^generated\//, "")).sort();
  const actualFolders = readdirSync(join(REPO_ROOT, "generated"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(actualFolders, expectedFolders, "generated/ has other folders than specs/ makes: run `npm run generate`");
  for (const result of results) {
    // npm run generate writes the check files (this project's tsc proves schemas and types agree).
    assert.ok(result.files.has("schemas.check.ts"), `${result.dir}: generated without schemas.check.ts`);
    assert.deepEqual(readdirSync(join(REPO_ROOT, result.dir)).sort(), [...result.files.keys()].sort(), `${result.dir} has other files than the generator makes: run \`npm run generate\``);
    for (const [file, content] of result.files) {
      const path = join(REPO_ROOT, result.dir, file);
      let current: string | undefined;
      try {
        current = readFileSync(path, "utf8");
      } catch {
        current = undefined;
      }
      assert.ok(current === content, `${result.dir}/${file} is stale (generated from ${result.spec}): run \`npm run generate\``);
    }
  }
});
