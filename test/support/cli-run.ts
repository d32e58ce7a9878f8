/** Runs TypeScript entry points (the CLI, example scripts) from the sources in a child `node`. */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
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

/** `oci-raw emulator` running in a child process, once it has printed everything. */
export interface CliEmulator {
  readonly child: ChildProcessWithoutNullStreams;
  /** All it printed up to "Press Ctrl-C to stop." */
  readonly stdout: string;
  /** What it has written to stderr so far. */
  stderr(): string;
  /** The origin it listens on (`Endpoint` / `listening on` line). */
  readonly url: string;
  /** The config file it wrote. */
  readonly configFile: string;
  readonly exited: Promise<number | null>;
}

/**
 * Starts `oci-raw emulator ...args` (HOME is `home`, nothing else inherited) and waits until it
 * says "Press Ctrl-C", or fails with what it wrote to stderr if it exits or takes 30 s first.
 */
export async function startCliEmulator(args: readonly string[], home: string): Promise<CliEmulator> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", import.meta.resolve("tsx"), join(REPO_ROOT, "bin", "oci-raw.ts"), "emulator", ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env["PATH"] ?? "", HOME: home },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start in 30 s: ${stdout} ${stderr}`)), 30_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (stdout.includes("Press Ctrl-C")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited (${code}) before it was ready: ${stderr}`));
    });
  });
  const url = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? "";
  const configFile = /^Config file: (.+)$/m.exec(stdout)?.[1] ?? "";
  return { child, stdout, stderr: () => stderr, url, configFile, exited };
}
