/**
 * Printing generated files from ts-morph structures (never by gluing whole files together),
 * through ts-morph's public API only: a project of its own per file printed, in memory, no
 * formatting pass, so no state outlives a call.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type OptionalKind, type SourceFileStructure, type WriterFunction } from "ts-morph";

/** The text of a file built from `structure`, ending in a newline. */
export function printFile(name: string, structure: OptionalKind<SourceFileStructure>): string {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
    },
  });
  const text = project.createSourceFile(`/${name}`, structure).getFullText();
  return text.endsWith("\n") ? text : text + "\n";
}

/** A JSDoc body that cannot end the comment early. */
export function docText(text: string): string {
  return text.replace(/\*\//g, "*\\/").replace(/\s+$/g, "");
}

/** `/** … *\/` for the given text (already safe: see docText), or "" when there is none. */
export function docComment(text: string | undefined): string {
  if (!text) return "";
  const lines = docText(text).split("\n");
  if (lines.length === 1) return `/** ${lines[0]} */\n`;
  return `/**\n${lines.map((line) => (line.trim() === "" ? " *" : ` * ${line.replace(/\s+$/, "")}`)).join("\n")}\n */\n`;
}

/**
 * One `export const` statement. Written as statement text because ts-morph's variable
 * printer indents multi-line initializers as hanging continuations, which reads badly.
 */
export function constStatement(options: {
  name: string;
  initializer?: string;
  type?: string;
  docs?: string | undefined;
  exported?: boolean;
}): string {
  const head = `${options.exported === false ? "" : "export "}const ${options.name}`;
  const type = options.type === undefined ? "" : `: ${options.type}`;
  const value = options.initializer === undefined ? "" : ` = ${options.initializer}`;
  return `${docComment(options.docs)}${head}${type}${value};`;
}

/** A statement written as text, after a blank line (ts-morph trims blank lines inside text statements). */
export function spaced(text: string): WriterFunction {
  return (writer) => {
    writer.blankLineIfLastNot();
    writer.write(text);
  };
}
