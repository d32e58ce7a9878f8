/**
 * Child process for figure 7 (run with the TypeScript loader, as `npm run bench` is):
 *   generate <spec> <outDir> <name> [--checks]   the project's generator, as the CLI runs it
 *   baseline <spec> <outFile>         YAML parse + swagger2openapi + openapi-typescript alone
 * Each run is its own process, so module loading counts the same way for both.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import type ts from "typescript";

export async function baseline(spec: string, outFile: string): Promise<void> {
  const { default: YAML } = await import("yaml");
  const { default: swagger2openapi } = await import("swagger2openapi");
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  let doc = YAML.parse(readFileSync(spec, "utf8"), { maxAliasCount: -1, merge: true }) as Record<string, unknown>;
  if (typeof doc["swagger"] === "string") {
    // The converter options the generator uses too (`text: "-"` skips re-serialising the spec).
    doc = (await swagger2openapi.convertObj(doc, { patch: true, warnOnly: true, anchors: true, resolveInternal: false, text: "-" })).openapi as Record<string, unknown>;
  }
  const ast = await openapiTS(doc as never, { silent: true });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, astToString(ast));
}

/** `checks`: also write schemas.check.ts (what `--checks` does; users' default is without). */
export async function generateWithProject(spec: string, outDir: string, name: string, checks = false): Promise<void> {
  const { generate } = await import("oci-raw/codegen");
  await generate({ specs: [spec], outDir, name, checks });
}

/**
 * In-process `tsc --noEmit -p <config>` for the smoke run; throws on any diagnostic, as tsc
 * exits 2. The checker keeps parsed library files (lib.*.d.ts, node_modules) between calls.
 */
export async function typeChecker(): Promise<(config: string) => void> {
  const { default: typescript } = await import("typescript");
  const libraries = new Map<string, ts.SourceFile | undefined>();
  return (config) => {
    const parsed = typescript.getParsedCommandLineOfConfigFile(config, {}, {
      ...typescript.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(typescript.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    });
    if (!parsed) throw new Error(`cannot read ${config}`);
    const host = typescript.createCompilerHost(parsed.options);
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, language, onError, fresh) => {
      if (!fileName.includes("/node_modules/")) return read(fileName, language, onError, fresh);
      if (!libraries.has(fileName)) libraries.set(fileName, read(fileName, language, onError, fresh));
      return libraries.get(fileName);
    };
    const diagnostics = typescript.getPreEmitDiagnostics(typescript.createProgram(parsed.fileNames, parsed.options, host));
    if (diagnostics.length > 0) {
      throw new Error(typescript.formatDiagnostics(diagnostics.slice(0, 3), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => "\n" }));
    }
  };
}

const [mode, spec, out, name, flag] = process.argv.slice(2);
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (mode === "baseline" && spec && out) await baseline(spec, out);
  else if (mode === "generate" && spec && out && name) await generateWithProject(spec, out, name, flag === "--checks");
  else throw new Error("usage: codegen-child.ts generate <spec> <outDir> <name> [--checks] | baseline <spec> <outFile>");
}
