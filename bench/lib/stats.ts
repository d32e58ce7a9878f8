/**
 * Measurement helpers. Machines here are shared and noisy, so every figure is a ratio
 * against a baseline measured in the same run, with baseline and subject interleaved over
 * several rounds (alternating which goes first) and reported as median and min–max.
 */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every round's value, in order. */
  values: number[];
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, values: [] };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, values: [...values] };
}

/** Per-round `subject[i] / baseline[i]`. */
export function ratios(subject: readonly number[], baseline: readonly number[]): number[] {
  return subject.map((s, i) => s / baseline[i]!);
}

export interface InterleaveOptions {
  rounds: number;
  /** Rounds run first and thrown away (JIT, caches, connection pools). */
  warmupRounds: number;
}

/**
 * Run each arm once per round, alternating the order every round so that neither arm always
 * follows the other. Each arm returns one measurement (a rate or a duration).
 */
export async function interleave<K extends string>(
  arms: Record<K, () => Promise<number> | number>,
  options: InterleaveOptions,
): Promise<Record<K, number[]>> {
  const names = Object.keys(arms) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const value = await arms[name]();
      if (round >= options.warmupRounds) out[name].push(value);
    }
  }
  return out;
}

/**
 * Which clock a rate is measured on. "cpu" (this process's user + system time) ignores the
 * time other processes take from a shared machine; use it for single-threaded CPU-bound work.
 * "wall" is for anything that waits (sockets, child processes, other threads).
 */
export type Clock = "cpu" | "wall";

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function wallMicros(): number {
  return performance.now() * 1000;
}

function startClock(clock: Clock): () => number {
  if (clock === "cpu") {
    const start = process.cpuUsage();
    return () => {
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1e6;
    };
  }
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start) / 1e9;
}

/** A rough rate (calls per second) of `op`, after a few warm-up calls: for sizing batches. */
export async function roughRate(op: (i: number) => unknown, clock: Clock = "wall", trialSeconds = 0.05): Promise<number> {
  for (let i = 0; i < 3; i++) await op(i);
  let n = 2;
  for (;;) {
    const seconds = startClock(clock);
    for (let i = 0; i < n; i++) await op(i);
    const took = seconds();
    if (took >= trialSeconds || n >= 1e7) return n / took;
    n *= 2;
  }
}

/**
 * Fine interleaving: each round runs every arm in turn, `batch` calls at a time, rotating the
 * order, until each arm made `opsPerRound` calls; all arms see the same machine conditions
 * over the same window. Returns each arm's rate (operations per second) per round.
 * Batches (rather than timing each call) keep the clock's own cost — a system call for the
 * "cpu" clock, which can flush caches on a virtual machine — out of what is measured.
 */
export async function interleaveOps<K extends string>(
  ops: Record<K, () => unknown>,
  options: InterleaveOptions & { opsPerRound: number; clock?: Clock; batch?: number },
): Promise<Record<K, number[]>> {
  const now = options.clock === "cpu" ? cpuMicros : wallMicros;
  const batch = Math.max(1, Math.min(options.batch ?? 1, options.opsPerRound));
  const names = Object.keys(ops) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const spent = new Float64Array(names.length);
  const done = new Float64Array(names.length);
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    spent.fill(0);
    done.fill(0);
    for (let step = 0; done[0]! < options.opsPerRound; step++) {
      for (let j = 0; j < names.length; j++) {
        const k = (step + j) % names.length;
        const op = ops[names[k]!];
        const n = Math.min(batch, options.opsPerRound - done[k]!);
        const start = now();
        for (let i = 0; i < n; i++) {
          const result = op();
          if (result instanceof Promise) await result;
        }
        spent[k]! += now() - start;
        done[k]! += n;
      }
    }
    if (round < options.warmupRounds) continue;
    names.forEach((name, k) => out[name].push(done[k]! / (spent[k]! / 1e6)));
  }
  return out;
}

/** The p-th percentile (0–100) of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Run a forced garbage collection when the runtime allows it (see `exposeGc`). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}
