/**
 * The figures' child processes. `runChild` runs one `node` program to completion and reads
 * its report, failing loudly on a broken run; `runMeasured` also learns the process's own CPU
 * time, wall time and peak memory: a small preload (`--import`) writes them to a file when the
 * process exits, whatever the program (our scripts, tsc).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { WORK } from "./paths.js";

export interface ChildUsage {
  cpuMs: number;
  wallMs: number;
  maxRssKiB: number;
}

const PRELOAD = `import { writeFileSync } from "node:fs";
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    const cpu = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now(), maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
`;

function preloadUrl(): string {
  const dir = join(WORK, "child");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "report-usage.mjs");
  writeFileSync(file, PRELOAD);
  return pathToFileURL(file).href;
}

/** What a finished child process printed, and how it ended. */
export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node args…` (NODE_OPTIONS cleared, so the parent's loaders don't leak in) and collect its output. */
function runNode(args: readonly string[], options: { cwd?: string | undefined; env?: Record<string, string> | undefined }): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Lines of a failed child's stderr (or stdout), on one line, for an error message: the first `lines`, or the last with `fromEnd`. */
function outputLines(run: NodeRun, lines = 8, fromEnd = false): string {
  const all = (run.stderr.trim() || run.stdout.trim()).split("\n");
  return (fromEnd ? all.slice(-lines) : all.slice(0, lines)).join(" / ");
}

/** One `node [nodeArgs] script [args]` run, and what the figure takes from it. */
export interface NodeChild<T> {
  /** Node's own options (loaders, conditions, --expose-gc), before the script. */
  nodeArgs?: readonly string[];
  script: string;
  args?: readonly string[];
  /** Default: this process's working directory. */
  cwd?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** What the child reported (usually JSON on stdout); throws when it is missing or says the run failed. */
  read: (run: NodeRun) => T;
  /** Quote the last lines of a failed child's output rather than the first (tsc ends with its summary). */
  tail?: boolean;
}

/**
 * Run a child to completion and `read` its report. A non-zero exit, or anything `read` throws,
 * becomes one error naming the command and quoting the child's output: a figure that fails
 * then says why in the table instead of printing a number made from a broken run.
 */
export async function runChild<T>({ nodeArgs = [], script, args = [], cwd, env, read, tail = false }: NodeChild<T>): Promise<T> {
  const run = await runNode([...nodeArgs, script, ...args], { cwd, env });
  try {
    if (run.code !== 0) throw new Error(`exit ${run.code}`);
    return read(run);
  } catch (error) {
    throw new Error(`node ${[script, ...args].join(" ")} failed (${String(error)}): ${outputLines(run, 8, tail)}`);
  }
}

/** `read` for a child that prints one JSON document on stdout. */
export function jsonStdout<T>(run: NodeRun): T {
  return JSON.parse(run.stdout) as T;
}

let counter = 0;

/** Run `node [nodeArgs] script [args]` and learn its CPU time, wall time and peak memory (see the top of this file). */
export async function runMeasured({ nodeArgs = [], ...child }: Pick<NodeChild<unknown>, "nodeArgs" | "script" | "args" | "cwd">): Promise<ChildUsage & { stdout: string }> {
  const usageFile = join(WORK, "child", `usage-${process.pid}-${++counter}.json`);
  try {
    return await runChild({
      ...child,
      nodeArgs: ["--import", preloadUrl(), ...nodeArgs],
      env: { BENCH_USAGE_FILE: usageFile },
      read: (run) => ({ ...(JSON.parse(readFileSync(usageFile, "utf8")) as ChildUsage), stdout: run.stdout }),
      tail: true,
    });
  } finally {
    rmSync(usageFile, { force: true });
  }
}
