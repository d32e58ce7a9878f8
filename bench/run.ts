/**
 * `npm run bench`: runs every figure, prints the table, writes bench/results.json and the
 * README table (between the bench markers). Options:
 *   --smoke          tiny iteration counts (what test/bench-smoke.test.ts runs); writes nothing
 *                    but what --json asks for
 *   --only=1,3       run only these figures (prints the table; writes nothing but --json)
 *   --json=FILE      also write this run's results (as bench/results.json has them, plus the
 *                    Markdown table) to FILE, whatever the run
 *   --no-readme      don't touch README.md
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { FIGURES } from "./figures/index.js";
import { describeMachine, machineLine, markdownTable, noteLines, resultsFile, updateReadme } from "./lib/report.js";
import { skipped, type FigureResult } from "./lib/results.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface RunOptions {
  smoke: boolean;
  only?: readonly number[] | undefined;
  log?: (line: string) => void;
}

/** Run the figures one after another; a figure that throws is reported as skipped with its error. */
export async function runFigures({ smoke, only, log = (l) => process.stderr.write(l + "\n") }: RunOptions): Promise<FigureResult[]> {
  const results: FigureResult[] = [];
  for (const { id, title, run } of FIGURES) {
    if (only && !only.includes(id)) continue;
    log(`figure ${id}: ${title}`);
    const started = performance.now();
    try {
      results.push({ id, title, ...(await run({ smoke, log })) });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(message);
      results.push({ id, title, ...skipped(`failed: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`) });
    }
    log(`figure ${id} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const smoke = args.includes("--smoke");
  const onlyArg = args.find((a) => a.startsWith("--only="));
  const only = onlyArg ? onlyArg.slice("--only=".length).split(",").map(Number) : undefined;
  const started = performance.now();
  const figures = await runFigures({ smoke, only });
  const machine = describeMachine();
  const table = markdownTable(figures);
  const notes = noteLines(figures);
  process.stdout.write(`\n${table}\n\n${notes.join("\n")}\n\nMachine: ${machineLine(machine)}\n`);
  const seconds = (performance.now() - started) / 1000;
  const jsonArg = args.find((a) => a.startsWith("--json="));
  if (jsonArg) await writeFile(jsonArg.slice("--json=".length), JSON.stringify({ ...resultsFile(figures, machine, seconds, smoke), table }, null, 2) + "\n");
  // A partial or smoke run writes nothing else: results.json and the README hold whole runs.
  if (smoke || only) return;
  const resultsPath = `${ROOT}bench/results.json`;
  await writeFile(resultsPath, JSON.stringify(resultsFile(figures, machine, seconds, smoke), null, 2) + "\n");
  process.stdout.write(`Wrote ${resultsPath} (${seconds.toFixed(0)} s)\n`);
  if (args.includes("--no-readme")) return;
  process.stdout.write(`${await updateReadme(`${ROOT}README.md`, table, machine, notes)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
