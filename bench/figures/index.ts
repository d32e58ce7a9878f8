/** Every figure, in the order of the benchmarks issue. */
import type { Figure } from "../lib/results.js";
import { coldStartFigure } from "./cold-start.js";
import { signedRequestsFigure } from "./signed-requests.js";
import { signingFigure } from "./signing.js";

export interface FigureEntry {
  id: number;
  title: string;
  run: Figure;
}

export const FIGURES: readonly FigureEntry[] = [
  { id: 1, title: "Signing", run: signingFigure },
  { id: 2, title: "Signed requests", run: signedRequestsFigure },
  { id: 4, title: "Cold start", run: coldStartFigure },
];
