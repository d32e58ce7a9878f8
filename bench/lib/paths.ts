/** Where things are: the repository, its scratch folder for benchmarks, Oracle's specs. */
import { existsSync, statSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** Git-ignored scratch space. */
export const WORK = join(ROOT, "bench", ".work");
export const ORACLE_SPECS = resolve(ROOT, "..", "shared", "oci-specs");

/** Path of one of Oracle's specs, or undefined when ../shared is absent. */
export function oracleSpec(file: string): string | undefined {
  const path = join(ORACLE_SPECS, file);
  return existsSync(path) ? path : undefined;
}

export function missingSpecMessage(file: string): string {
  return `Oracle's spec ${file} is not available (expected at ${ORACLE_SPECS}; the sibling ../shared checkout is absent)`;
}

/** Newest modification time of any file under `dirs` (recursively), in ms. */
export function newestMtime(...paths: string[]): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== "node_modules" && entry !== ".work") visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}
