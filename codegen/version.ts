import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * oci-raw's own version, from the nearest package.json named oci-raw above this module (from
 * the sources and from dist/ alike), or undefined when there is none. The one lookup: the
 * generator's file headers and the CLI's `--version` both read it.
 */
export function packageVersion(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "oci-raw" && typeof pkg.version === "string" && pkg.version !== "") return pkg.version;
    } catch {
      // not here; look further up
    }
    dir = dirname(dir);
  }
  return undefined;
}

/** The version generated files name in their header ("0.0.0" when unknown, so output stays deterministic). */
export function generatorVersion(): string {
  return packageVersion() ?? "0.0.0";
}
