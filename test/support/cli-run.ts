/** Runs TypeScript entry points (the CLI, example scripts) from the sources in a child `node`. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./repo.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node --conditions=source --import tsx ...args` with exactly `env` (nothing inherited) in
 * `cwd`. Async spawn: an emulator in the calling process answers from its event loop meanwhile.
 */
export function runNode(args: readonly string[], options: { env: Record<string, string>; cwd?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // tsx by its resolved URL: a bare "tsx" would be looked up from `cwd`.
    const child = spawn(process.execPath, ["--conditions=source", "--import", import.meta.resolve("tsx"), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `oci-raw ...args` (bin/oci-raw.ts). The environment is built from scratch: PATH, HOME is
 * `home` (no real ~/.oci is read), then `env` — no OCI_* or proxy variable leaks in from
 * outside. Relative paths are from `cwd`.
 */
export function runCli(args: readonly string[], home: string, env: Record<string, string> = {}, cwd: string = REPO_ROOT): Promise<CliRun> {
  return runNode([join(REPO_ROOT, "bin", "oci-raw.ts"), ...args], { env: { PATH: process.env["PATH"] ?? "", HOME: home, ...env }, cwd });
}
