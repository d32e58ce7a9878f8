/**
 * Printing generated files: the file from ts-morph structures (imports, interfaces, functions),
 * through ts-morph's public API only, a project of its own per file printed, in memory, no
 * formatting pass; expressions and the statements built with `ts.factory` (syntax.ts) by
 * TypeScript's printer. No state outlives a call.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, type OptionalKind, type SourceFileStructure, type WriterFunction } from "ts-morph";
import ts from "typescript";

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

/** A statement written as text, after a blank line (ts-morph trims blank lines inside text statements). */
function spaced(text: string): WriterFunction {
  return (writer) => {
    writer.blankLineIfLastNot();
    writer.write(text);
  };
}

/**
 * Syntax trees printed by TypeScript's printer, each a statement of its own after a blank line,
 * laid out as the rest of the file (see `relaid`).
 */
export function printed(nodes: readonly ts.Node[], print = nodePrinter()): WriterFunction[] {
  return nodes.map((node) => spaced(print(node)));
}

/** Statements printed one a line, together after a blank line: declarations that belong together. */
export function printedBlock(nodes: readonly ts.Node[], print = nodePrinter()): WriterFunction {
  return spaced(nodes.map(print).join("\n"));
}

/** A function that prints a syntax tree as the generated files are laid out (see `relaid`). */
export function nodePrinter(): (node: ts.Node) => string {
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  // A .ts file of the newest target: the printer keeps trailing commas only for ES5 and later.
  const file = ts.createSourceFile("printed.ts", "", ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return (node) => relaid(printer.printNode(ts.EmitHint.Unspecified, node, file));
}

/**
 * The printer's text indented as the generated files are: by two spaces, not four, and not
 * again inside an array literal that opens on an earlier line (the printer indents what an
 * array holds, `z.union([A(), z.looseObject({` … `})])`, which these files never did). Only
 * indentation changes: the scan skips strings (one line each, as the printer writes them) and
 * comments.
 */
function relaid(text: string): string {
  const lines = text.split("\n");
  let inComment = false;
  /** The line each open bracket opened on, innermost last. */
  const open: Array<{ line: number; array: boolean }> = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const outer = open.filter((bracket) => bracket.array && bracket.line < n).length;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (inComment) {
        if (c === "*" && line[i + 1] === "/") (inComment = false), i++;
      } else if (c === "/" && line[i + 1] === "*") (inComment = true), i++;
      else if (c === "/" && line[i + 1] === "/") break;
      else if (c === '"') for (i++; i < line.length && line[i] !== '"'; i++) i += line[i] === "\\" ? 1 : 0;
      else if (c === "[" || c === "(" || c === "{") open.push({ line: n, array: c === "[" });
      else if (c === "]" || c === ")" || c === "}") open.pop();
    }
    const indent = /^ */.exec(line)![0].length;
    const kept = indent >= 4 * outer ? indent - 4 * outer : indent;
    lines[n] = " ".repeat(kept % 4 === 0 ? kept / 2 : kept) + line.slice(indent);
  }
  return lines.join("\n");
}
