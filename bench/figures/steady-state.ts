/**
 * Figure 6 — steady state. In a fresh `node --expose-gc` running the built package: RSS and
 * active handles (process.getActiveResourcesInfo()) after 10 000 signed requests ÷ after
 * 1 000 (16 in flight, loopback server), and what is still open once the client is dropped.
 */
import { outputLines, runNode } from "../lib/child.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FINGERPRINT, TENANCY, USER } from "../../test/vectors/oci-request-signatures.js";
import { packageUnderTest } from "../lib/build.js";
import { generatedKey } from "../lib/keys.js";
import { startLoopbackServer } from "../lib/loopback-server.js";
import { ROOT, WORK } from "../lib/paths.js";
import { fmt, row, type FigureOptions, type FigureResult, type Row } from "../lib/results.js";

interface Snapshot {
  requests: number;
  rss: number;
  heapUsed: number;
  handles: string[];
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
const [url, keyFile, kind, first, total, giveUpMs] = process.argv.slice(2);
const tenancy = ${JSON.stringify(TENANCY)}, user = ${JSON.stringify(USER)}, fingerprint = ${JSON.stringify(FINGERPRINT)};
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
async function run(until) {
  const worker = async () => {
    while (done < until) {
      done++;
      const response = await signedFetch(url, { signer, fetch: transport?.fetch, dispatcher: transport?.dispatcher });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error("status " + response.status);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  gcNow();
  const m = process.memoryUsage();
  snapshots.push({ requests: done, rss: m.rss, heapUsed: m.heapUsed, handles: resources() });
}
await run(Number(first));
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

async function runChild(nodeArgs: string[], file: string, args: string[]): Promise<ChildReport> {
  const run = await runNode(["--expose-gc", ...nodeArgs, file, ...args], { cwd: ROOT });
  try {
    return JSON.parse(run.stdout) as ChildReport;
  } catch {
    throw new Error(`steady-state child failed (exit ${run.code}): ${outputLines(run, 6)}`);
  }
}

function countBy(list: string[]): string {
  const counts = new Map<string, number>();
  for (const r of list) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).join(", ") || "none";
}

export async function steadyStateFigure({ smoke, log }: FigureOptions): Promise<FigureResult> {
  const built = packageUnderTest(smoke, log);
  const dir = join(WORK, "steady-state");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "client.mjs");
  writeFileSync(file, PROGRAM);
  const keyFile = join(dir, "key.pem");
  writeFileSync(keyFile, generatedKey(2048).pem, { mode: 0o600 });
  const [first, total] = smoke ? [16, 64] : [1000, 10_000];
  // The server's keep-alive (5 s) bounds how long the platform fetch's pooled sockets stay open.
  const giveUpMs = smoke ? 500 : 7000;

  const server = await startLoopbackServer();
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const url = `${server.url}/20160918/users/ocid1.user.oc1..aaaaaaaabenchmarkuser`;
    for (const kind of ["platform", "undici"] as const) {
      const label = kind === "platform" ? "platform fetch" : "undiciTransport()";
      log(`  ${label}: ${fmt(total)} requests in a fresh process`);
      const report = await runChild(built.nodeArgs, file, [url, keyFile, kind, String(first), String(total), String(giveUpMs)]);
      const [a, b] = report.snapshots as [Snapshot, Snapshot];
      const mib = (n: number): string => fmt(n / 2 ** 20, 1);
      rows.push(
        row(`${label}: RSS after ${fmt(b.requests)} requests ÷ after ${fmt(a.requests)}`, [b.rss / a.rss], "×",
          `${mib(b.rss)} MiB vs ${mib(a.rss)} MiB (heap ${mib(b.heapUsed)} vs ${mib(a.heapUsed)} MiB)`, { op: "<=", value: 1.1 }),
        row(`${label}: active handles after ${fmt(b.requests)} ÷ after ${fmt(a.requests)}`, [b.handles.length / Math.max(1, a.handles.length)], "×",
          `${countBy(b.handles)} vs ${countBy(a.handles)}`, { op: "<=", value: 1.1 }),
        row(`${label}: handles left open after the client is dropped`, [report.left.length], "handles",
          report.left.length === 0
            ? `none (all closed ${fmt(report.closedAfterMs)} ms after the drop${kind === "undici" ? ", transport.close()" : ", idle keep-alive sockets time out"})`
            : `${countBy(report.left)} still open ${fmt(report.closedAfterMs)} ms after the drop`,
          { op: "==", value: 0 }),
      );
    }
  } finally {
    await server.close();
  }
  if (built.stale) notes.push(built.stale);
  return { id: 6, title: "Steady state", rows, notes };
}
