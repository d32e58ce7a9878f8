/**
 * Every figure, in the order of the benchmarks issue. The one place a figure's id and title
 * are given: run.ts puts them on what each figure returns.
 */
import type { Figure } from "../lib/results.js";
import { bundleSizeFigure } from "./bundle-size.js";
import { codegenFigure } from "./codegen.js";
import { emulatorFigure } from "./emulator.js";
import { coldStartFigure } from "./cold-start.js";
import { runtimesFigure } from "./runtimes.js";
import { signedRequestsFigure } from "./signed-requests.js";
import { signingFigure } from "./signing.js";
import { steadyStateFigure } from "./steady-state.js";
import { tokenRefreshFigure } from "./token-refresh.js";

export interface FigureEntry {
  id: number;
  title: string;
  run: Figure;
}

export const FIGURES: readonly FigureEntry[] = [
  { id: 1, title: "Signing", run: signingFigure },
  { id: 2, title: "Signed requests", run: signedRequestsFigure },
  { id: 3, title: "Token refresh under load", run: tokenRefreshFigure },
  { id: 4, title: "Cold start", run: coldStartFigure },
  { id: 5, title: "Bundle size", run: bundleSizeFigure },
  { id: 6, title: "Steady state", run: steadyStateFigure },
  { id: 7, title: "Codegen", run: codegenFigure },
  { id: 8, title: "Emulator", run: emulatorFigure },
  { id: 9, title: "Signing on each runtime", run: runtimesFigure },
];
