/**
 * Generated services for the benchmarks, written into bench/.work/ with the project's own
 * generator and reused while neither the spec nor the generator has changed since.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT, WORK, newestMtime } from "./paths.js";

/** The folder of `<service>` generated from `spec` under bench/.work/<group>/, regenerated when stale. */
export async function ensureGenerated(spec: string, service: string, group: string, log: (line: string) => void): Promise<string> {
  const outDir = join(WORK, group);
  const dir = join(outDir, service);
  const marker = join(dir, "index.ts");
  const inputs = newestMtime(spec, join(ROOT, "codegen"));
  if (existsSync(marker) && statSync(marker).mtimeMs >= inputs) return dir;
  log(`  generating ${service} from ${spec} into ${dir}`);
  const { generate } = await import("oci-raw/codegen");
  await generate({ specs: [spec], outDir, name: service, cwd: ROOT });
  return dir;
}
