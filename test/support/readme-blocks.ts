/** The fenced code blocks of README.md and the `<!-- check: … -->` comment above each (see readme.test.ts). */
import assert from "node:assert/strict";

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  /** The `<!-- check: … -->` just above the block, or "" when there is none. */
  readonly check: string;
}

/** The fenced code blocks of a Markdown text, with the check comment above each. */
export function readmeBlocks(text: string): ReadmeBlock[] {
  const lines = text.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? "");
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "");
    assert.ok(i < lines.length, `README.md:${start + 1}: code block never closed`);
    let above = start - 1;
    while (above >= 0 && (lines[above] ?? "").trim() === "") above--;
    const comment = /^<!--\s*check:\s*(.+?)\s*-->$/.exec((lines[above] ?? "").trim());
    blocks.push({ line: start + 1, lang: open[1] ?? "", code: body.join("\n") + "\n", check: comment?.[1] ?? "" });
  }
  return blocks;
}
