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

let counter = 0;

/** Run `node [nodeArgs] script [args]`; rejects with the tail of stderr on a non-zero exit. */
export async function runMeasured(nodeArgs: string[], args: string[], cwd: string): Promise<ChildUsage & { stdout: string }> {
  const usageFile = join(WORK, "child", `usage-${process.pid}-${++counter}.json`);
  const preload = preloadUrl();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", preload, ...nodeArgs, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "", BENCH_USAGE_FILE: usageFile },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("error", reject);
    child.once("close", (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        const usage = JSON.parse(readFileSync(usageFile, "utf8")) as ChildUsage;
        resolve({ ...usage, stdout: out });
      } catch (error) {
        const tail = (err.trim() || out.trim()).split("\n").slice(-8).join(" / ");
        reject(new Error(`node ${args.join(" ")} failed (${String(error)}): ${tail}`));
      } finally {
        rmSync(usageFile, { force: true });
      }
    });
  });
}
