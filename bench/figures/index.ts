/** Every figure, in the order of the benchmarks issue. */
import type { Figure } from "../lib/results.js";
import { signingFigure } from "./signing.js";

export interface FigureEntry {
  id: number;
  title: string;
  run: Figure;
}

export const FIGURES: readonly FigureEntry[] = [
  { id: 1, title: "Signing", run: signingFigure },
];
