import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in test/support/). */
export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
