/** What each figure produces, and how a row is judged against its goal. */
import { summarize, type Summary } from "./stats.js";

export interface Goal {
  op: ">=" | "<=" | "<" | "==";
  value: number;
}

export interface Row {
  /** What is compared, e.g. "GET, 2048-bit: ApiKeySigner.sign ÷ bare hash+sign". */
  measure: string;
  /** The figure's value: usually a ratio subject ÷ baseline, per round. */
  value: Summary;
  /** "×" for ratios; another unit (e.g. "calls") for counts. */
  unit: string;
  goal?: Goal | undefined;
  /** Absolute numbers behind the ratio, for the reader (e.g. "1 412/s vs 1 455/s"). */
  detail: string;
}

/** What a figure's run produces; its id and title come from FIGURES (bench/figures/index.ts). */
export interface FigureOutcome {
  rows: Row[];
  /** Set when the figure could not run (what is missing and how to get it). */
  skipped?: string | undefined;
  notes: string[];
}

/** A figure's outcome under its id and title, as the table and results.json show it. */
export interface FigureResult extends FigureOutcome {
  id: number;
  title: string;
}

export interface FigureOptions {
  /** Tiny iteration counts, for the smoke test: figures must be produced, not accurate. */
  smoke: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export type Figure = (options: FigureOptions) => Promise<FigureOutcome>;

export function row(measure: string, values: number[] | Summary, unit: string, detail: string, goal?: Goal): Row {
  return { measure, value: Array.isArray(values) ? summarize(values) : values, unit, goal, detail };
}

/** true / false against the goal (on the median), undefined when there is no goal. */
export function goalMet(r: Row): boolean | undefined {
  if (!r.goal) return undefined;
  const v = r.value.median;
  if (!Number.isFinite(v)) return false;
  if (r.goal.op === ">=") return v >= r.goal.value;
  if (r.goal.op === "<=") return v <= r.goal.value;
  if (r.goal.op === "<") return v < r.goal.value;
  return v === r.goal.value;
}

export function skipped(reason: string): FigureOutcome {
  return { rows: [], skipped: reason, notes: [] };
}

/** "1 234/s" style numbers. */
export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  const fixed = n.toFixed(digits);
  const [int, frac] = fixed.split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return frac ? `${grouped}.${frac}` : grouped;
}

export function fmtRatio(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(3);
}
