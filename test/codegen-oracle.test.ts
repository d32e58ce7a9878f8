/**
 * Oracle's eleven published specs (../shared/oci-specs, read in place, never copied) all
 * generate, with one function per operation, and the output — schemas.check.ts included —
 * type-checks under this project's strict settings; each generated validator answers as its
 * zod schema does on sampled and mutated values. Skipped when the specs are absent.
 * Takes about a minute on two cores: generation of all eleven plus one tsc run over them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { after, describe, test } from "node:test";
import YAML from "yaml";
import { generateService, writeService } from "../codegen/generate.js";
import { REPO_ROOT } from "../codegen/generate-all.js";
import { compareWithZod } from "./support/validator-agreement.js";

const SPECS = join(REPO_ROOT, "..", "shared", "oci-specs");
const present = existsSync(SPECS);
const files = present ? readdirSync(SPECS).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
// Inside the repository, so that `oci-raw` and `zod` resolve as they do for generated/.
const out = join(REPO_ROOT, ".tmp", `codegen-oracle-${process.pid}`);
after(() => rmSync(out, { recursive: true, force: true }));

/** The folders the generation tests wrote. */
const written: string[] = [];

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

/** Operations counted from the raw spec, independently of the generator's model. */
function countOperations(file: string): number {
  const doc = YAML.parse(readFileSync(file, "utf8"), { maxAliasCount: -1 }) as { paths: Record<string, Record<string, unknown>> };
  let count = 0;
  for (const item of Object.values(doc.paths)) for (const method of METHODS) if (item?.[method]) count++;
  return count;
}

describe("Oracle's specs", { skip: present ? false : `${SPECS} is absent` }, () => {
  for (const file of files) {
    test(`${file}: one function per operation`, async () => {
      const result = await generateService(join(SPECS, file), { outDir: out, cwd: REPO_ROOT, checks: true });
      writeService(result, REPO_ROOT);
      written.push(resolve(REPO_ROOT, result.dir));
      assert.ok(result.files.has("schemas.check.ts"), "the check file, for the tsc run below");
      const expected = countOperations(join(SPECS, file));
      assert.equal(result.operations, expected);
      const index = result.files.get("index.ts")!;
      assert.equal([...index.matchAll(/^export async function /gm)].length, expected);
      assert.ok(result.operations > 0);
    });
  }

  test("the generated code type-checks (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess)", () => {
    mkdirSync(out, { recursive: true });
    const tsconfig = join(out, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: relative(out, join(REPO_ROOT, "tsconfig.json")),
        compilerOptions: { noEmit: true, types: ["node"] },
        include: ["./**/*.ts"],
        exclude: [],
      }),
    );
    const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", tsconfig], { encoding: "utf8", cwd: REPO_ROOT });
    assert.equal(run.status, 0, `tsc failed:\n${(run.stdout + run.stderr).slice(0, 4000)}`);
  });

  test("every validator answers as its zod schema does", async () => {
    assert.equal(written.length, files.length);
    for (const dir of written) {
      const result = await compareWithZod(dir);
      assert.deepEqual(result.disagreements, [], dir);
      assert.ok(result.accepted > 0 && result.accepted < result.values, `${dir}: ${result.accepted} of ${result.values} accepted`);
    }
  });
});
