/**
 * Run a command in a fresh process and learn its own CPU time, wall time and peak memory:
 * a small preload (`--import`) writes them to a file when the process exits, whatever the
 * program (our scripts, tsc).
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
export function runNode(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<NodeRun> {
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
export function outputLines(run: NodeRun, lines = 8, fromEnd = false): string {
  const all = (run.stderr.trim() || run.stdout.trim()).split("\n");
  return (fromEnd ? all.slice(-lines) : all.slice(0, lines)).join(" / ");
}

let counter = 0;

/** Run `node [nodeArgs] script [args]`; rejects with the tail of stderr on a non-zero exit. */
export async function runMeasured(nodeArgs: string[], args: string[], cwd: string): Promise<ChildUsage & { stdout: string }> {
  const usageFile = join(WORK, "child", `usage-${process.pid}-${++counter}.json`);
  try {
    const run = await runNode(["--import", preloadUrl(), ...nodeArgs, ...args], { cwd, env: { BENCH_USAGE_FILE: usageFile } });
    try {
      if (run.code !== 0) throw new Error(`exit ${run.code}`);
      const usage = JSON.parse(readFileSync(usageFile, "utf8")) as ChildUsage;
      return { ...usage, stdout: run.stdout };
    } catch (error) {
      throw new Error(`node ${args.join(" ")} failed (${String(error)}): ${outputLines(run, 8, true)}`);
    }
  } finally {
    rmSync(usageFile, { force: true });
  }
}
