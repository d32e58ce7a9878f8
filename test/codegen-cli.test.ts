/** `oci-raw generate`: summary lines, written files, and errors with exit codes. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { generateCommand } from "../bin/commands/generate.js";

const dir = mkdtempSync(join(tmpdir(), "oci-raw-generate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await generateCommand(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

test("one summary line per spec, files in <out>/<service>/", async () => {
  const out = join(dir, "out");
  const result = await run("specs/identity.yaml", "specs/compute.swagger.yaml", "--out", out);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^specs\/identity\.yaml → .*out\/identity: 5 operations, 4 schemas, 0 warnings, \d+\.\d s$/);
  assert.match(lines[1]!, /^specs\/compute\.swagger\.yaml → .*out\/compute: 1 operation, 8 schemas, 2 warnings, \d+\.\d s$/);
  assert.deepEqual(readdirSync(join(out, "identity")).sort(), ["index.ts", "types.ts"]);
});

test("--checks adds schemas.check.ts; a later run without it removes the file and nothing else", async () => {
  const out = join(dir, "checks");
  const folder = join(out, "identity");
  const withChecks = await run("specs/identity.yaml", "--out", out, "--checks");
  assert.equal(withChecks.code, 0, withChecks.stderr);
  assert.deepEqual(readdirSync(folder).sort(), ["index.ts", "schemas.check.ts", "types.ts"]);
  const check = readFileSync(join(folder, "schemas.check.ts"), "utf8");
  assert.match(check, /^import \* as z from "zod\/mini";$/m);
  assert.match(check, /^export const UserSchema: \(\) => z\.ZodMiniType<components\["schemas"\]\["User"\]> = lazy\(/m);
  // The header's command reproduces the folder, flag included.
  assert.match(readFileSync(join(folder, "index.ts"), "utf8"), /^\/\/ {3}npx oci-raw generate specs\/identity\.yaml --out \S+ --checks\n/m);

  writeFileSync(join(folder, "notes.md"), "mine\n");
  const without = await run("specs/identity.yaml", "--out", out);
  assert.equal(without.code, 0, without.stderr);
  assert.deepEqual(readdirSync(folder).sort(), ["index.ts", "notes.md", "types.ts"]);
  assert.doesNotMatch(readFileSync(join(folder, "index.ts"), "utf8"), /^\/\/ {3}npx oci-raw generate .*--checks/m);
  assert.match(readFileSync(join(folder, "index.ts"), "utf8"), /^\/\/ @ts-nocheck: /m);
});

test("--name and --endpoint shape the one service; --verbose lists warnings", async () => {
  const out = join(dir, "named");
  const result = await run("specs/compute.swagger.yaml", "--out", out, "--name", "core", "--endpoint", "https://iaas.{region}.{domain}", "--verbose");
  assert.equal(result.code, 0, result.stderr);
  const index = readFileSync(join(out, "core", "index.ts"), "utf8");
  assert.match(index, /name: "core",\n  endpointTemplate: "https:\/\/iaas\.\{region\}\.\{domain\}",/);
  assert.match(index, /--name core --endpoint https:\/\/iaas\.\{region\}\.\{domain\}/);
  assert.match(result.stderr, /warning: specs\/compute\.swagger\.yaml#\/definitions\/AmdVmPlatformConfig\/allOf\/1\/properties: `properties: null`/);
});

test("usage errors exit 2 and say what to do", async () => {
  assert.deepEqual(await run(), { code: 2, stdout: "", stderr: "error: generate: no spec given. Usage: oci-raw generate <spec...> [--out DIR]; see --help.\n" });
  const twoNamed = await run("specs/identity.yaml", "specs/compute.swagger.yaml", "--name", "x");
  assert.equal(twoNamed.code, 2);
  assert.match(twoNamed.stderr, /--name and --endpoint apply to a single spec/);
  const typo = await run("specs/identity.yaml", "--outt", dir);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown flag --outt\. Did you mean --out\?/);
  const badEndpoint = await run("specs/identity.yaml", "--endpoint", "iaas.example");
  assert.equal(badEndpoint.code, 2);
  const help = (await run("--help")).stdout;
  assert.match(help, /Usage: oci-raw generate <spec\.\.\.>/);
  assert.match(help, /^ {2}--checks +Also write schemas\.check\.ts/m);
  assert.match(help, /^ {2}oci-raw generate \S+ .*--checks/m);
});

test("a broken spec exits 1 with the file and the JSON pointer", async () => {
  const spec = join(dir, "broken.yaml");
  writeFileSync(spec, "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /a/{id}:\n    get:\n      responses: { '204': { description: ok } }\n");
  const result = await run(spec, "--out", join(dir, "never"));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^error: .*broken\.yaml#\/paths\/~1a~1\{id\}: path parameter \{id\} is not declared\.\n$/);
  assert.equal(existsSync(join(dir, "never")), false);
});
