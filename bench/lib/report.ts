/** The results table (Markdown, for the terminal and the README) and bench/results.json. */
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { fmtRatio, goalMet, type FigureResult, type Row } from "./results.js";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`;
}

function goalText(r: Row): string {
  if (!r.goal) return "";
  const op = { ">=": "≥", "<=": "≤", "<": "<", "==": "=" }[r.goal.op];
  return `${op} ${r.goal.value}`;
}

function metText(r: Row): string {
  const met = goalMet(r);
  return met === undefined ? "" : met ? "yes" : "**no**";
}

function valueText(r: Row): string {
  if (r.unit === "×") return fmtRatio(r.value.median);
  const v = r.value.median;
  return `${Number.isInteger(v) ? String(v) : fmtRatio(v)} ${r.unit}`;
}

function spreadText(r: Row): string {
  const n = r.value.values.length;
  if (n <= 1) return "";
  return `${fmtRatio(r.value.min)}–${fmtRatio(r.value.max)} (${n})`;
}

/** One Markdown table for every figure; skipped figures get one line saying why. */
export function markdownTable(figures: readonly FigureResult[]): string {
  const lines = [
    "| Figure | Measure | Median | Min–max (rounds) | Goal | Met | Measured |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const f of figures) {
    const title = `${f.id}. ${f.title}`;
    if (f.skipped) {
      lines.push(`| ${title} | skipped: ${f.skipped.replaceAll("|", "\\|")} | | | | | |`);
      continue;
    }
    f.rows.forEach((r, i) => {
      const cells = [i === 0 ? title : "", r.measure, valueText(r), spreadText(r), goalText(r), metText(r), r.detail];
      lines.push(`| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`);
    });
  }
  return lines.join("\n");
}

export interface ResultsFile {
  generatedAt: string;
  machine: Machine;
  durationSeconds: number;
  smoke: boolean;
  figures: Array<FigureResult & { rows: Array<Row & { met: boolean | undefined }> }>;
}

export function resultsFile(figures: readonly FigureResult[], machine: Machine, durationSeconds: number, smoke: boolean): ResultsFile {
  return {
    generatedAt: new Date().toISOString(),
    machine,
    durationSeconds: Math.round(durationSeconds * 10) / 10,
    smoke,
    figures: figures.map((f) => ({ ...f, rows: f.rows.map((r) => ({ ...r, met: goalMet(r) })) })),
  };
}

export const README_START = "<!-- bench:start -->";
export const README_END = "<!-- bench:end -->";

/**
 * Replace what is between the README's bench markers; nothing else is touched.
 * Returns a sentence saying what happened (the README or its markers may not exist yet).
 */
/** The figures' notes as list items, `- <figure>. <note>`. */
export function noteLines(figures: readonly FigureResult[]): string[] {
  return figures.flatMap((f) => f.notes.map((n) => `- ${f.id}. ${n}`));
}

export async function updateReadme(readmePath: string, table: string, machine: Machine, notes: readonly string[]): Promise<string> {
  let text: string;
  try {
    text = await readFile(readmePath, "utf8");
  } catch {
    return `${readmePath} not found: README table not written`;
  }
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return `${readmePath} has no ${README_START} … ${README_END} markers: README table not written`;
  const block = [
    "",
    `Measured by \`npm run bench\` on ${machineLine(machine)}, ${new Date().toISOString().slice(0, 10)}.`,
    "Every figure is a ratio against a baseline measured in the same run (rounds interleaved); median and min–max over the rounds.",
    "",
    table,
    ...(notes.length ? ["", ...notes] : []),
    "",
  ].join("\n");
  await writeFile(readmePath, text.slice(0, start + README_START.length) + block + text.slice(end));
  return `README table written between the bench markers of ${readmePath}`;
}
