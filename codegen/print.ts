/**
 * Printing generated files from ts-morph structures (never by gluing whole files together):
 * one in-memory project, no formatting pass.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type OptionalKind, type SourceFileStructure, type WriterFunction } from "ts-morph";

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

/** ts-morph's own structure printer, reached without creating (and re-parsing) a source file. */
interface StructurePrinting {
  _context?: {
    createWriter(): { toString(): string };
    structurePrinterFactory?: {
      forSourceFile(options: { isAmbient: boolean }): { printText(writer: unknown, structure: unknown): void };
    };
  };
}

/**
 * The text of a file built from `structure`. ts-morph's `createSourceFile` prints the
 * structure and then parses the result into a syntax tree we never use — a second or more on
 * core-iaas — so when ts-morph's printer is reachable we print only; otherwise (another
 * ts-morph version) the public route gives the same text.
 */
export function printFile(name: string, structure: OptionalKind<SourceFileStructure>): string {
  const context = (sharedProject() as unknown as StructurePrinting)._context;
  let text: string;
  if (context?.structurePrinterFactory && typeof context.createWriter === "function") {
    const writer = context.createWriter();
    context.structurePrinterFactory.forSourceFile({ isAmbient: false }).printText(writer, structure);
    text = writer.toString();
  } else text = printFileParsed(name, structure);
  return text.endsWith("\n") ? text : text + "\n";
}

/** The public route: create the source file (printed, then parsed) and take its text. */
export function printFileParsed(name: string, structure: OptionalKind<SourceFileStructure>): string {
  const file = sharedProject().createSourceFile(`/${name}`, structure, { overwrite: true });
  const text = file.getFullText();
  file.forget();
  return text;
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
