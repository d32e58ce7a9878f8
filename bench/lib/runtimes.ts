/**
 * Other JavaScript runtimes for the benchmarks: Node 22, Bun and Deno from their npm packages
 * (`node@22`, `bun`, `deno`), installed into the same cache dir test/runtimes.test.ts uses
 * (bench/ takes nothing from test/, so the list and the install are repeated here), and a
 * throwaway project where `oci-raw` is installed as it ships (package.json + the built dist/),
 * so each runtime resolves `oci-raw` and `oci-raw/web` through the "exports" on its own.
 *
 * A runtime whose package cannot be installed (no registry, an unsupported platform) comes
 * back with the reason, for the figure to report; the registry is the only network used.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./paths.js";

/** Shared with test/runtimes.test.ts (and between worktrees): ~100 MB per package, never changed per version. */
export const RUNTIME_CACHE = join(tmpdir(), "oci-raw-runtimes-v1");

export interface Runtime {
  readonly name: string;
  /** npm package spec, or undefined for this process's Node. */
  readonly pkg?: string;
  /** The binary inside the install dir. */
  readonly bin?: string;
  /** Arguments before the script (Deno: no permissions asked for; the programs need none). */
  readonly args: readonly string[];
}

export const THIS_NODE: Runtime = { name: `Node ${process.versions.node} (this process)`, args: [] };

export const OTHER_RUNTIMES: readonly Runtime[] = [
  { name: "Node 22", pkg: "node@22", bin: "node_modules/node/bin/node", args: [] },
  { name: "Bun", pkg: "bun", bin: "node_modules/bun/bin/bun.exe", args: ["run"] },
  { name: "Deno", pkg: "deno", bin: "node_modules/deno/deno", args: ["run", "--no-prompt"] },
];

export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runFile(file: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<ProcessRun> {
  return new Promise((done) => {
    execFile(file, args, {
      cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: "" },
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      done({ code, stdout, stderr: stderr + (error && typeof error.code !== "number" ? `\n${error.message}` : "") });
    });
  });
}

/** The runtime's binary and version: installed from npm (once per cache), or why it could not be. */
export async function installRuntime(runtime: Runtime): Promise<{ path: string; version: string } | { error: string }> {
  if (runtime.pkg === undefined) return { path: process.execPath, version: process.version };
  const dir = join(RUNTIME_CACHE, runtime.pkg.replace(/[^\w.-]/g, "_"));
  const path = join(dir, runtime.bin!);
  if (existsSync(path)) {
    const version = await runFile(path, ["--version"], { timeoutMs: 30_000 });
    if (version.code === 0) return { path, version: firstLine(version.stdout) };
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "oci-raw-runtime", private: true }));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const installed = await runFile(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", runtime.pkg], { cwd: dir, timeoutMs: 300_000 });
  if (installed.code !== 0) return { error: `npm install ${runtime.pkg} failed: ${installed.stderr.trim().split("\n").slice(-3).join(" ")}` };
  const version = await runFile(path, ["--version"], { timeoutMs: 30_000 });
  if (version.code !== 0) return { error: `${runtime.bin} --version failed: ${version.stderr.trim().split("\n").slice(-2).join(" ")}` };
  return { path, version: firstLine(version.stdout) };
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]!.trim();
}

/**
 * A project at `dir` with oci-raw installed as it ships: node_modules/oci-raw holds this
 * package's package.json and a copy of the built dist/ (run ensureBuilt first), and the
 * project is an ES-module package. Programs are written into it by the caller.
 */
export function makeShippedProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const pkgDir = join(dir, "node_modules", "oci-raw");
  mkdirSync(pkgDir, { recursive: true });
  copyFileSync(join(ROOT, "package.json"), join(pkgDir, "package.json"));
  cpSync(join(ROOT, "dist"), join(pkgDir, "dist"), { recursive: true });
  // Dependencies the built entries may import, linked to this repository's copies.
  for (const dep of ["zod"]) {
    const from = join(ROOT, "node_modules", dep);
    if (existsSync(from)) symlinkSync(from, join(dir, "node_modules", dep), "dir");
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-runtimes-project", private: true, type: "module" }));
}
