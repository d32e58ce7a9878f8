/**
 * Figure 7 — code generation, on Oracle's core services spec (core-iaas, 1.6 MB):
 *  - generation time ÷ swagger2openapi + openapi-typescript alone on the same spec;
 *  - `tsc --noEmit` on what a user's project compiles (the generated index.ts and what it
 *    imports) ÷ on openapi-typescript's output alone;
 *  - the same with the schemas.check.ts file added (DECISIONS.md 4: its cost, reported apart;
 *    written only with `checks: true` / `--checks`, so generated once more for this row).
 * Generation is timed as users run it, without the check file.
 * Every run is a fresh process; times are that process's CPU time (the machine is shared).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { baseline, generateWithProject, typeChecker } from "../codegen-child.js";
import { packageUnderTest } from "../lib/build.js";
import { runMeasured } from "../lib/child.js";
import { ROOT, WORK, missingSpecMessage, oracleSpec } from "../lib/paths.js";
import { fmt, row, skipped, type FigureOptions, type FigureOutcome } from "../lib/results.js";
import { interleave, ratios, summarize } from "../lib/stats.js";

const TSC = join(ROOT, "node_modules", "typescript", "lib", "tsc.js");

/**
 * CPU ms of `work` in this process. Only the smoke run uses it (fresh processes cost seconds
 * each): it exercises the same steps without the figure's process isolation.
 */
async function inProcess(work: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** A user's strict project that compiles `files` (paths relative to the config's folder). */
function writeTsconfig(path: string, files: string[], conditions: string[]): void {
  writeFileSync(
    path,
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          // The sources (smoke run) need Node's types; dist/*.d.ts reference them themselves.
          types: conditions.length ? ["node"] : [],
          ...(conditions.length ? { customConditions: conditions, lib: ["ES2023"] } : {}),
        },
        files,
      },
      null,
      2,
    ),
  );
}

export async function codegenFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  // The smoke run uses the small secret-retrieval spec: it checks the machinery, not the figure.
  const specFile = smoke ? "secretretrieval.swagger.yaml" : "core-iaas.swagger.yaml";
  const spec = oracleSpec(specFile);
  if (!spec) return skipped(missingSpecMessage(specFile));
  // "oci-raw" in the generated code resolves to dist/*.d.ts, as for a user (the sources when smoke).
  const built = packageUnderTest(smoke, log);
  const name = smoke ? "secretretrieval" : "core-iaas";
  const dir = join(WORK, "codegen");
  const outDir = join(dir, "generated");
  const baselineOut = join(dir, "openapi-typescript", `${name}.ts`);
  mkdirSync(dir, { recursive: true });
  const child = { nodeArgs: ["--conditions=source", "--import", "tsx"], script: join(ROOT, "bench", "codegen-child.ts"), cwd: ROOT };
  const rounds = smoke ? 1 : 3;

  log(`  generation: ${rounds} rounds on ${specFile}`);
  const gen = await interleave(
    {
      baseline: smoke
        ? () => inProcess(() => baseline(spec, baselineOut))
        : async () => (await runMeasured({ ...child, args: ["baseline", spec, baselineOut] })).cpuMs,
      generate: smoke
        ? () => inProcess(() => generateWithProject(spec, outDir, name))
        : async () => (await runMeasured({ ...child, args: ["generate", spec, outDir, name] })).cpuMs,
    },
    { rounds, warmupRounds: 0 },
  );

  const generated = join(outDir, name);
  // The same client with schemas.check.ts, in a folder of its own: the user's project above has none.
  const withChecks = join(dir, "generated-checks", name);
  if (!smoke) await runMeasured({ ...child, args: ["generate", spec, join(dir, "generated-checks"), name, "--checks"] });
  const rel = (p: string): string => relative(dir, p);
  writeTsconfig(join(dir, "tsconfig.baseline.json"), [rel(baselineOut)], built.conditions);
  writeTsconfig(join(dir, "tsconfig.generated.json"), [rel(join(generated, "index.ts"))], built.conditions);
  writeTsconfig(join(dir, "tsconfig.checks.json"), [rel(join(withChecks, "index.ts")), rel(join(withChecks, "schemas.check.ts"))], built.conditions);
  const typeCheck = smoke ? await typeChecker() : undefined;
  const tsc = (config: string) => async (): Promise<number> =>
    typeCheck ? inProcess(async () => typeCheck(join(dir, config))) : (await runMeasured({ script: TSC, args: ["--noEmit", "-p", join(dir, config)], cwd: dir })).cpuMs;
  log(`  tsc --noEmit: ${rounds} rounds of 3 projects`);
  // The smoke run leaves out the third project: the same step with another file list.
  const noChecks = async (): Promise<number> => Number.NaN;
  const types = await interleave(
    { baseline: tsc("tsconfig.baseline.json"), generated: tsc("tsconfig.generated.json"), checks: smoke ? noChecks : tsc("tsconfig.checks.json") },
    // Fresh processes; the first generation rounds already warmed the file cache.
    { rounds, warmupRounds: 0 },
  );

  const s = (v: number[]): string => `${fmt(summarize(v).median / 1000, 2)} s`;
  const notes = [`Codegen: ${specFile}; times are CPU time of a fresh process per run (node start and module loading included on both sides).`];
  if (built.stale) notes.push(built.stale);
  return {
    rows: [
      row(`generate ${name} ÷ swagger2openapi + openapi-typescript`, ratios(gen.generate, gen.baseline), "×",
        `${s(gen.generate)} vs ${s(gen.baseline)}`, { op: "<=", value: 2 }),
      row("tsc --noEmit, generated client (index.ts and its imports) ÷ openapi-typescript output", ratios(types.generated, types.baseline), "×",
        `${s(types.generated)} vs ${s(types.baseline)}`, { op: "<=", value: 2 }),
      ...(smoke
        ? []
        : [row("tsc --noEmit, generated client + schemas.check.ts ÷ openapi-typescript output", ratios(types.checks, types.baseline), "×",
            `${s(types.checks)} vs ${s(types.baseline)}`)]),
    ],
    notes,
  };
}
