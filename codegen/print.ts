/**
 * Printing generated files from ts-morph structures (never by gluing whole files together):
 * one in-memory project, no formatting pass.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type SourceFileStructure, type OptionalKind } from "ts-morph";

let project: Project | undefined;

function sharedProject(): Project {
  project ??= new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
  return project;
}

/** The text of a file built from `structure`; the file is dropped from the project afterwards. */
export function printFile(name: string, structure: OptionalKind<SourceFileStructure>): string {
  const file = sharedProject().createSourceFile(`/${name}`, structure, { overwrite: true });
  const text = file.getFullText();
  file.forget();
  return text.endsWith("\n") ? text : text + "\n";
}

/** A JSDoc body that cannot end the comment early. */
export function docText(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\s+$/g, "");
}
