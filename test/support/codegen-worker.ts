/**
 * Runs the generator in a worker thread for test/properties-codegen.test.ts, so that a spec
 * that makes it loop can be stopped (the test terminates the worker) and an unhandled
 * rejection is seen. Each message is one spec (JSON text); the answer says what happened:
 * generated (with the syntax errors of each emitted file, parsed by TypeScript), refused
 * with a GenerateError, or failed some other way.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parentPort } from "node:worker_threads";
import ts from "typescript";
import { GenerateError } from "../../codegen/errors.js";
import { generateService } from "../../codegen/generate.js";

export interface CodegenJob {
  id: number;
  /** The spec as JSON text (so `__proto__` stays a key). */
  text: string;
  /** File name extension: "json" or "yaml" (JSON text is YAML too). */
  ext: string;
  /** Generate with `checks` and send the files back (for the sample the test type-checks). */
  keep?: boolean;
}

export type CodegenOutcome =
  | { id: number; kind: "generated"; operations: number; schemas: number; problems: string[]; files?: Array<[string, string]> }
  | { id: number; kind: "refused"; name: string; code: string; file: string; pointer: string; message: string }
  | { id: number; kind: "failed"; name: string; message: string; stack: string }
  | { id: number; kind: "unhandled"; message: string };

/** Syntax errors in a generated file, as TypeScript reports them. */
export function syntaxProblems(name: string, text: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(text, { reportDiagnostics: true, fileName: name, compilerOptions: { module: ts.ModuleKind.ESNext } });
  return diagnostics.map((d) => `${name}:${d.start ?? "?"}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

const port = parentPort;
if (port) {
  const dir = mkdtempSync(join(tmpdir(), "oci-raw-codegen-property-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  let current = -1;
  process.on("unhandledRejection", (reason) => {
    port.postMessage({ id: current, kind: "unhandled", message: String((reason as Error)?.stack ?? reason) } satisfies CodegenOutcome);
  });
  port.on("message", (job: CodegenJob) => {
    current = job.id;
    const file = `spec.${job.ext}`;
    writeFileSync(join(dir, file), job.text);
    void generateService(file, { outDir: "out", name: "svc", cwd: dir, checks: job.keep === true }).then(
      (service) => {
        const problems = [...service.files].flatMap(([name, text]) => syntaxProblems(name, text));
        port.postMessage({ id: job.id, kind: "generated", operations: service.operations, schemas: service.schemas, problems, ...(job.keep ? { files: [...service.files] } : {}) } satisfies CodegenOutcome);
      },
      (error: unknown) => {
        if (error instanceof GenerateError) {
          port.postMessage({
            id: job.id,
            kind: "refused",
            name: error.name,
            code: error.code,
            file: error.file,
            pointer: error.pointer,
            message: error.message,
          } satisfies CodegenOutcome);
        } else {
          const e = error as Error;
          port.postMessage({ id: job.id, kind: "failed", name: String(e?.name ?? typeof error), message: String(e?.message ?? error), stack: String(e?.stack ?? "") } satisfies CodegenOutcome);
        }
      },
    );
  });
  port.postMessage({ id: -1, kind: "generated", operations: 0, schemas: 0, problems: [] } satisfies CodegenOutcome);
}
