/**
 * Figure 6 — steady state. In a fresh `node --expose-gc` running the built package: RSS and
 * active handles (process.getActiveResourcesInfo()) at 50 000 signed requests ÷ at 5 000
 * (16 in flight, loopback server), and what is still open once the client is dropped. The
 * baseline comes after warm-up: at 1 000 requests RSS was still climbing (the JIT, V8's
 * young and old generations, malloc's arenas and the connection pool settle), so a ratio
 * against it measured warm-up, not growth; by 5 000 they have settled, and 45 000 more
 * requests show whether anything keeps growing. Both measures are read every 50 requests,
 * and each point stands for the 1 000 requests before it: RSS as the median reading (a single
 * reading, even after a forced GC, swings ±7% with no trend over 30 000 requests, as malloc and
 * V8 take and give back pages), handles as the most seen (the keep-alive pool holds between 1
 * and 16 idle sockets at any instant, as requests happen to overlap). A leak shows in both as
 * growth. Three processes per transport, reported as median and spread.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageUnderTest } from "../lib/build.js";
import { jsonStdout, runChild } from "../lib/child.js";
import { TENANCY, USER, generatedKey } from "../lib/keys.js";
import { startLoopbackServer } from "../lib/loopback-server.js";
import { ROOT, WORK } from "../lib/paths.js";
import { fmt, row, type FigureOptions, type FigureOutcome, type Row } from "../lib/results.js";
import { summarize } from "../lib/stats.js";

interface Snapshot {
  requests: number;
  rss: number;
  heapUsed: number;
  handles: string[];
  /** The most resources open at any reading in the window (1 000 requests) before this point. */
  peakHandles: number;
  /** The median RSS reading in the window (1 000 requests) before this point. */
  medianRss: number;
}

interface ChildReport {
  snapshots: Snapshot[];
  /** Resources open after the client was dropped that were not open before it was made. */
  left: string[];
  /** How long after the drop until nothing of the client's was left open (or the give-up time). */
  closedAfterMs: number;
}

// Plain ESM against dist/: what a user's long-running process does.
const PROGRAM = `import { readFileSync } from "node:fs";
import { ApiKeySigner, signedFetch } from "oci-raw";
const [url, keyFile, fingerprint, kind, base, total, windowSize, every, giveUpMs] = process.argv.slice(2);
const tenancy = ${JSON.stringify(TENANCY)}, user = ${JSON.stringify(USER)};
const gcNow = () => { globalThis.gc(); globalThis.gc(); };
// Immediates are queued callbacks, not things left open; stdout is opened before the baseline.
const resources = () => process.getActiveResourcesInfo().filter((r) => r !== "Immediate").sort();
process.stdout;
process.stderr;
const before = resources();
const snapshots = [];
let signer = new ApiKeySigner({ tenancy, user, fingerprint, privateKeyContent: readFileSync(keyFile, "utf8") });
let transport = kind === "undici" ? (await import("oci-raw/undici")).undiciTransport() : undefined;
let done = 0;
let finished = 0;
const samples = [];
async function run(until) {
  const worker = async () => {
    while (done < until) {
      done++;
      const response = await signedFetch(url, { signer, fetch: transport?.fetch, dispatcher: transport?.dispatcher });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error("status " + response.status);
      if (++finished % Number(every) === 0) samples.push([finished, resources().length, process.memoryUsage.rss()]);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  gcNow();
  const m = process.memoryUsage();
  const handles = resources();
  const recent = samples.filter(([n]) => n > done - Number(windowSize));
  const rss = recent.map(([, , r]) => r).sort((x, y) => x - y);
  snapshots.push({
    requests: done, rss: m.rss, heapUsed: m.heapUsed, handles,
    peakHandles: Math.max(handles.length, ...recent.map(([, count]) => count)),
    medianRss: rss.length ? rss[rss.length >> 1] : m.rss,
  });
}
await run(Number(base));
await run(Number(total));
// Drop the client: what a program does when it is finished with it.
await transport?.close();
signer = undefined;
transport = undefined;
const dropped = performance.now();
let left;
for (;;) {
  gcNow();
  const now = resources();
  left = now.filter((r, i) => now.indexOf(r) === i).flatMap((r) => {
    const extra = now.filter((x) => x === r).length - before.filter((x) => x === r).length;
    return extra > 0 ? Array(extra).fill(r) : [];
  });
  if (left.length === 0 || performance.now() - dropped > Number(giveUpMs)) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(JSON.stringify({ snapshots, left, closedAfterMs: Math.round(performance.now() - dropped) }));
process.exit(0);
`;

function countBy(list: string[]): string {
  const counts = new Map<string, number>();
  for (const r of list) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).join(", ") || "none";
}

export async function steadyStateFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  const built = packageUnderTest(smoke, log);
  const dir = join(WORK, "steady-state");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "client.mjs");
  writeFileSync(file, PROGRAM);
  const keyFile = join(dir, "key.pem");
  const key = generatedKey(2048);
  writeFileSync(keyFile, key.pem, { mode: 0o600 });
  // The baseline point comes after warm-up (see the top of this file); each point is the
  // window of requests before it, read every `every` requests. Smoke: just enough to run.
  const [base, total] = smoke ? [48, 96] : [5000, 50_000];
  const [windowSize, every] = smoke ? [16, 4] : [1000, 50];
  const runs = smoke ? 1 : 3;
  // The server's keep-alive (5 s) bounds how long the platform fetch's pooled sockets stay open.
  const giveUpMs = smoke ? 500 : 7000;

  const server = await startLoopbackServer();
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const url = `${server.url}/20160918/users/ocid1.user.oc1..aaaaaaaabenchmarkuser`;
    for (const kind of ["platform", "undici"] as const) {
      const label = kind === "platform" ? "platform fetch" : "undiciTransport()";
      log(`  ${label}: ${fmt(total)} requests in a fresh process, ${runs} times`);
      const reports: ChildReport[] = [];
      for (let i = 0; i < runs; i++) {
        reports.push(await runChild({
          nodeArgs: ["--expose-gc", ...built.nodeArgs],
          script: file,
          args: [url, keyFile, key.fingerprint, kind, String(base), String(total), String(windowSize), String(every), String(giveUpMs)],
          cwd: ROOT,
          read: jsonStdout<ChildReport>,
        }));
      }
      const pairs = reports.map((r) => r.snapshots as [Snapshot, Snapshot]);
      const mib = (n: number): string => fmt(n / 2 ** 20, 1);
      const median = (values: number[]): number => summarize(values).median;
      const [a, b] = [0, 1].map((k) => ({
        rss: median(pairs.map((p) => p[k]!.medianRss)),
        heapUsed: median(pairs.map((p) => p[k]!.heapUsed)),
        peak: median(pairs.map((p) => p[k]!.peakHandles)),
        requests: pairs[0]![k]!.requests,
      })) as [{ rss: number; heapUsed: number; peak: number; requests: number }, { rss: number; heapUsed: number; peak: number; requests: number }];
      const last = pairs[pairs.length - 1]!;
      const left = reports.flatMap((r) => r.left);
      const closedAfterMs = Math.max(...reports.map((r) => r.closedAfterMs));
      rows.push(
        row(`${label}: median RSS in the ${fmt(windowSize)} requests before ${fmt(b.requests)} ÷ before ${fmt(a.requests)}`, pairs.map(([x, y]) => y.medianRss / x.medianRss), "×",
          `${mib(b.rss)} MiB vs ${mib(a.rss)} MiB (heap ${mib(b.heapUsed)} vs ${mib(a.heapUsed)} MiB), medians of ${runs} processes`, { op: "<=", value: 1.1 }),
        row(`${label}: peak active handles in the ${fmt(windowSize)} requests before ${fmt(b.requests)} ÷ before ${fmt(a.requests)}`,
          pairs.map(([x, y]) => y.peakHandles / Math.max(1, x.peakHandles)), "×",
          `${fmt(b.peak)} vs ${fmt(a.peak)}; at the end of the last run: ${countBy(last[1].handles)} vs ${countBy(last[0].handles)}`, { op: "<=", value: 1.1 }),
        row(`${label}: handles left open after the client is dropped`, [left.length], "handles",
          left.length === 0
            ? `none in ${runs} processes (all closed within ${fmt(closedAfterMs)} ms of the drop${kind === "undici" ? ", transport.close()" : ", idle keep-alive sockets time out"})`
            : `${countBy(left)} still open ${fmt(closedAfterMs)} ms after the drop`,
          { op: "==", value: 0 }),
      );
    }
  } finally {
    await server.close();
  }
  notes.push(`Steady state: growth from ${fmt(base)} requests (after warm-up: at 1 000, RSS was still climbing) to ${fmt(total)} in one process; RSS and handles read every ${fmt(every)} requests, each point the median RSS and the peak handles of the ${fmt(windowSize)} requests before it; 16 in flight; ${runs} fresh processes per transport.`);
  if (built.stale) notes.push(built.stale);
  return { rows, notes };
}
