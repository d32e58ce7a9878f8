/**
 * Issue 18's generator property, with fast-check: mutated specs never crash the generator.
 *
 * Three small valid specs (OpenAPI 3.0, OpenAPI 3.1, Swagger 2.0: path, query and header
 * parameters, request bodies, $ref'd responses, allOf / oneOf / discriminator, enums, arrays,
 * additionalProperties, recursive schemas) get up to four random mutations each: broken
 * `$ref`s (to nothing, to a value that is no schema, to a file that does not exist, malformed
 * pointers, `~0` / `~1` / `%` escapes), cycles (legal recursion through properties, items and
 * allOf; alias cycles `A: {$ref: B}`, `B: {$ref: A}`), odd names for schemas, properties,
 * parameters and operations (`__proto__`, reserved words, digits first, unicode, "", names
 * that collide once made identifiers), nesting up to 400 levels, wrong types anywhere
 * (strings, null, arrays, numbers where objects go) and deleted keys (no paths, no responses).
 *
 * Property: the generator either generates, and every file it emits parses as TypeScript, or
 * refuses with a GenerateError (code GENERATE_ERROR) that names the spec file and a place in
 * it — never another error, an unhandled rejection or a hang (each run is bounded: the
 * generator runs in a worker thread that is terminated when a run takes too long). A sample
 * of the generated services (with `checks`) is type-checked by tsc in full at the end.
 */
import assert from "node:assert/strict";
import "./support/fc-seed.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Worker } from "node:worker_threads";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { CodegenJob, CodegenOutcome } from "./support/codegen-worker.js";
import { BASES, mutate, mutation } from "./support/mutated-specs.js";
import { REPO_ROOT } from "./support/repo.js";

const RUNS = Number(process.env["OCI_RAW_CODEGEN_RUNS"] ?? 250);
/** A run that takes longer is a hang (a typical one takes 10–40 ms). */
const RUN_LIMIT_MS = 15_000;
/** Every SAMPLE_EVERY-th generated service is kept for the tsc run. */
const SAMPLE_EVERY = 30;

// ---------------------------------------------------------------------------------------------
// The worker that runs the generator.

const WORKER_URL = new URL("./support/codegen-worker.ts", import.meta.url).href;

class Generator {
  private worker: Worker | undefined;
  private next = 0;
  private waiting = new Map<number, (outcome: CodegenOutcome) => void>();
  /** Unhandled rejections the worker reported, whenever they came. */
  readonly unhandled: string[] = [];

  private start(): Promise<Worker> {
    const worker = new Worker(`import { register } from "tsx/esm/api"; register(); await import(${JSON.stringify(WORKER_URL)});`, { eval: true });
    return new Promise((resolve, reject) => {
      worker.on("message", (outcome: CodegenOutcome) => {
        if (outcome.kind === "unhandled") {
          this.unhandled.push(outcome.message);
          return;
        }
        if (outcome.id === -1) return resolve(worker);
        this.waiting.get(outcome.id)?.(outcome);
        this.waiting.delete(outcome.id);
      });
      worker.on("error", reject);
    });
  }

  async run(text: string, keep: boolean): Promise<CodegenOutcome | "hang"> {
    this.worker ??= await this.start();
    const id = this.next++;
    const job: CodegenJob = { id, text, ext: "json", keep };
    const worker = this.worker;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      new Promise<CodegenOutcome>((resolve) => {
        this.waiting.set(id, resolve);
        worker.postMessage(job);
      }),
      new Promise<"hang">((resolve) => {
        timer = setTimeout(() => resolve("hang"), RUN_LIMIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === "hang") {
      this.waiting.delete(id);
      this.worker = undefined;
      await worker.terminate();
    }
    return outcome;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// The property.

/** Messages that are a crash wrapped in a GenerateError, saying nothing the user can act on. */
const CRASH_TEXT = /Cannot read propert|Cannot convert|is not a function|is not iterable|is not an object|undefined is not|null is not|Maximum call stack|Invalid array length|URI malformed|\[object Object\]/;

/** Why an outcome breaks the property, or undefined when it holds. */
function violation(outcome: CodegenOutcome | "hang"): string | undefined {
  if (outcome === "hang") return `no answer within ${RUN_LIMIT_MS} ms`;
  switch (outcome.kind) {
    case "generated":
      return outcome.problems.length > 0 ? `generated files that do not parse: ${outcome.problems.slice(0, 5).join("; ")}` : undefined;
    case "refused":
      if (outcome.name !== "GenerateError" || outcome.code !== "GENERATE_ERROR") return `refused with ${outcome.name} ${outcome.code}`;
      if (outcome.file !== "spec.json" || !outcome.message.startsWith("spec.json")) return `the error does not name the spec: ${outcome.message}`;
      // openapi-typescript's own words are quoted where it fails on a name it cannot handle, which the message then names.
      if (CRASH_TEXT.test(outcome.message) && !/which openapi-typescript cannot (handle|read); rename (it|them)/.test(outcome.message)) return `a crash reported as a GenerateError: ${outcome.message}`;
      return undefined;
    case "failed":
      return `${outcome.name}: ${outcome.message}\n${outcome.stack}`;
    case "unhandled":
      return `unhandled rejection: ${outcome.message}`;
  }
}

const generator = new Generator();
const sampleDir = join(REPO_ROOT, ".tmp", `codegen-property-${process.pid}`);
before(() => mkdirSync(sampleDir, { recursive: true }));
after(async () => {
  await generator.close();
  rmSync(sampleDir, { recursive: true, force: true });
});

describe("the generator on mutated specs", () => {
  test(`${RUNS} mutated specs: generated files that parse, or a GenerateError naming the file — never a crash, an unhandled rejection or a hang`, async () => {
    const started = performance.now();
    const counts = { generated: 0, refused: 0, sampled: 0 };
    const refusals = new Map<string, number>();
    const specs = fc.tuple(fc.nat({ max: BASES.length - 1 }), fc.array(mutation, { minLength: 0, maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(specs, async ([base, mutations]) => {
        const text = mutate(base, mutations);
        // Not sampled: schemas nested more than 20 levels, where tsc may give up on the zod/mini
        // types of schemas.check.ts (TS2589, "excessively deep"; a limit of --checks, not of index.ts).
        const veryDeep = mutations.some((m) => m.kind === "deep" && m.depth > 20);
        const keep = !veryDeep && counts.generated % SAMPLE_EVERY === 0 && counts.sampled < Math.ceil(RUNS / SAMPLE_EVERY / 2);
        const outcome = await generator.run(text, keep);
        const problem = violation(outcome);
        if (problem) throw new Error(`${problem}\nspec: ${text.slice(0, 3000)}`);
        if (outcome !== "hang" && outcome.kind === "generated") {
          if (keep && outcome.files) {
            const dir = join(sampleDir, `s${counts.sampled++}`);
            mkdirSync(dir, { recursive: true });
            for (const [name, content] of outcome.files) writeFileSync(join(dir, name), content);
            writeFileSync(join(dir, "spec.json.txt"), text);
          }
          counts.generated++;
        } else if (outcome !== "hang" && outcome.kind === "refused") {
          counts.refused++;
          const key = outcome.message.replace(/^[^:]*: /, "").replace(/"[^"]*"|\S*[#/]\S*/g, "…").slice(0, 60);
          refusals.set(key, (refusals.get(key) ?? 0) + 1);
        }
      }),
      { numRuns: RUNS, includeErrorInReport: true },
    );
    assert.deepEqual(generator.unhandled, [], "no unhandled rejection");
    const seconds = (performance.now() - started) / 1000;
    const top = [...refusals].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`codegen property: ${RUNS} specs in ${seconds.toFixed(1)} s: ${counts.generated} generated, ${counts.refused} refused (${counts.sampled} type-checked below)`);
    for (const [message, n] of top) console.log(`  ${n} × ${message}`);
    // Both outcomes happen, or the mutations are too weak (or too strong) to test anything.
    assert.ok(counts.generated >= RUNS / 10, `only ${counts.generated} generated`);
    assert.ok(counts.refused >= RUNS / 10, `only ${counts.refused} refused`);
  });

  test("a sample of the generated services (with checks) type-checks with tsc", { timeout: 120_000 }, () => {
    const tsconfig = join(sampleDir, "tsconfig.json");
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: relative(sampleDir, join(REPO_ROOT, "tsconfig.json")),
        compilerOptions: { noEmit: true, types: ["node"] },
        include: ["./**/*.ts"],
        exclude: [],
      }),
    );
    const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const run = spawnSync(process.execPath, [tsc, "-p", tsconfig], { encoding: "utf8", cwd: REPO_ROOT });
    assert.equal(run.status, 0, `tsc failed:\n${(run.stdout + run.stderr).slice(0, 4000)}`);
  });
});
