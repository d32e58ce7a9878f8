/** Runs the CLI (bin/oci-raw.ts, from the sources) in a child process with a clean environment. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./repo.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `oci-raw ...args`. The environment is built from scratch: HOME is `home` (no real ~/.oci is
 * read) and no OCI_* or proxy variable leaks in from outside. Async spawn: an emulator in the
 * calling process answers from its event loop meanwhile. Relative paths are from `cwd`.
 */
export function runCli(args: readonly string[], home: string, env: Record<string, string> = {}, cwd: string = REPO_ROOT): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // tsx by its resolved URL: a bare "tsx" would be looked up from `cwd`.
    const child = spawn(process.execPath, ["--conditions=source", "--import", import.meta.resolve("tsx"), join(REPO_ROOT, "bin", "oci-raw.ts"), ...args], {
      cwd,
      env: { PATH: process.env["PATH"] ?? "", HOME: home, ...env },
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
