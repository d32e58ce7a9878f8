/**
 * Figure 9 — signing on each runtime: GET-request signatures per second of oci-raw's two
 * signers ÷ that runtime's bare signing primitive, on this process's Node, Node 22, Bun and
 * Deno (each from its npm package; bench/lib/runtimes.ts), so a runtime where the signer's
 * own JavaScript costs more than elsewhere shows up:
 *   - ApiKeySigner.sign (`oci-raw`, the Node entry, node:crypto) ÷ bare crypto.sign (SHA-256
 *     and RSA) with a cached KeyObject over a same-length signing string;
 *   - WebCryptoApiKeySigner.sign (`oci-raw/web`, Web Crypto) ÷ bare crypto.subtle.sign with an
 *     imported CryptoKey over the same bytes.
 * One plain-JavaScript program, run by each runtime in a project where oci-raw is installed
 * as it ships, interleaves the arms in ~5 ms batches over rounds and reports rates per round:
 * on the CPU clock (node:process cpuUsage, every thread of the process) where the runtime has
 * one — Node, Bun and Deno 2 all do — else on performance.now's wall clock.
 */
import { createPrivateKey } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBuilt, packageUnderTest } from "../lib/build.js";
import { TENANCY, USER, generatedKey } from "../lib/keys.js";
import { ROOT, WORK } from "../lib/paths.js";
import { fmt, row, type FigureOptions, type FigureOutcome, type Row } from "../lib/results.js";
import { OTHER_RUNTIMES, THIS_NODE, installRuntime, makeShippedProject, runFile, type Runtime } from "../lib/runtimes.js";
import { ratios, summarize } from "../lib/stats.js";

/** Figure 1's GET: a list with four query parameters. */
const GET_URL =
  "https://iaas.us-phoenix-1.oraclecloud.com/20160918/instances" +
  "?availabilityDomain=Bnch%3A%20PHX-AD-1" +
  "&compartmentId=ocid1.compartment.oc1..aaaaaaaabenchmarkcompartmentxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" +
  "&displayName=BenchInstances" +
  "&volumeId=ocid1.volume.oc1.phx.abyhqljrbenchmarkvolumexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

interface Input {
  tenancy: string;
  user: string;
  fingerprint: string;
  pem: string;
  /** The same key as PKCS#8 DER, base64: what the bare Web Crypto arm imports. */
  pkcs8: string;
  url: string;
  rounds: number;
  warmupRounds: number;
  /** CPU (or wall) seconds each arm spends per round; 0: three calls (smoke). */
  roundSeconds: number;
  /** Seconds per timed batch; 0: one call per batch. */
  batchSeconds: number;
}

interface Report {
  clock: "cpu" | "wall";
  node: { signer: number[]; bare: number[] };
  web: { signer: number[]; bare: number[] };
}

/** The program each runtime runs (plain ESM, bare specifiers); argv: the Input as JSON. */
const PROGRAM = `
import { createPrivateKey, sign as rsaSign } from "node:crypto";
import process from "node:process";
import { ApiKeySigner } from "oci-raw";
import { WebCryptoApiKeySigner } from "oci-raw/web";

const input = JSON.parse((globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2))[0]);
// The process's CPU clock (user + system, every thread) where node:process has one; else wall time.
const cpu = typeof process.cpuUsage === "function" && Number.isFinite(process.cpuUsage().user);
const now = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; } : () => performance.now() / 1e3;

async function rate(op, seconds) {
  for (let i = 0; i < 5; i++) await op();
  for (let n = 2; ; n *= 2) {
    const start = now();
    for (let i = 0; i < n; i++) await op();
    const took = now() - start;
    if (took >= seconds || n >= 1e6) return n / took;
  }
}

/** Arms interleaved in batches, the order rotating; each arm's rate per round. */
async function interleave(ops) {
  const names = Object.keys(ops);
  const smoke = input.roundSeconds === 0;
  const slowest = smoke ? 1 : Math.min(...(await Promise.all(names.map(async (n) => rate(ops[n], 0.05)))));
  const perRound = smoke ? 3 : Math.max(3, Math.round(input.roundSeconds * slowest));
  const batch = input.batchSeconds === 0 ? 1 : Math.max(1, Math.round(input.batchSeconds * slowest));
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < input.warmupRounds + input.rounds; round++) {
    const spent = names.map(() => 0), done = names.map(() => 0);
    for (let step = 0; done[0] < perRound; step++) {
      for (let j = 0; j < names.length; j++) {
        const k = (step + j) % names.length;
        const op = ops[names[k]];
        const n = Math.min(batch, perRound - done[k]);
        const start = now();
        for (let i = 0; i < n; i++) await op();
        spent[k] += now() - start;
        done[k] += n;
      }
    }
    if (round >= input.warmupRounds) names.forEach((n, k) => out[n].push(done[k] / spent[k]));
  }
  return out;
}

const identity = { tenancy: input.tenancy, user: input.user, fingerprint: input.fingerprint };
const request = { method: "GET", url: input.url };

// (a) the Node entry on node:crypto ÷ crypto.sign over a same-length signing string.
const nodeSigner = new ApiKeySigner({ ...identity, privateKeyContent: input.pem });
const nodeBytes = new TextEncoder().encode((await nodeSigner.signWithDetails(request)).signingString);
const keyObject = createPrivateKey(input.pem);
const node = await interleave({
  signer: () => nodeSigner.sign(request),
  bare: () => rsaSign("sha256", nodeBytes, keyObject),
});

// (b) the web entry on Web Crypto ÷ crypto.subtle.sign with an imported CryptoKey.
const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const webSigner = await WebCryptoApiKeySigner.create({ ...identity, privateKeyPem: input.pem });
const webBytes = new TextEncoder().encode((await webSigner.signWithDetails(request)).signingString);
const pkcs8 = Uint8Array.from(atob(input.pkcs8), (c) => c.charCodeAt(0));
const cryptoKey = await crypto.subtle.importKey("pkcs8", pkcs8, algorithm, false, ["sign"]);
const web = await interleave({
  signer: () => webSigner.sign(request),
  bare: () => crypto.subtle.sign("RSASSA-PKCS1-v1_5", cryptoKey, webBytes),
});

console.log(JSON.stringify({ clock: cpu ? "cpu" : "wall", node, web }));
`;

interface Target {
  runtime: Runtime;
  label: string;
  path: string;
  args: readonly string[];
  cwd: string;
  script: string;
}

export async function runtimesFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  const notes: string[] = [
    "Signing on each runtime: GET signatures per second, each signer ÷ the same runtime's bare primitive over a same-length signing string (figure 1's GET, 2048-bit generated key), " +
      "arms interleaved in ~5 ms batches after 3 warm-up rounds, 21 rounds, on the process's CPU clock (node:process cpuUsage: every thread, so Web Crypto's worker threads count), which Node, Bun and Deno all offer; " +
      "a runtime without it would be measured on performance.now's wall clock, its rows marked (wall).",
  ];
  const targets: Target[] = [];
  if (smoke) {
    // The TypeScript sources, resolved from the repository (self-reference); no installs.
    const dir = join(WORK, "runtimes-smoke");
    mkdirSync(dir, { recursive: true });
    const script = join(dir, "program.mjs");
    writeFileSync(script, PROGRAM);
    const built = packageUnderTest(true, log);
    targets.push({ runtime: THIS_NODE, label: THIS_NODE.name, path: process.execPath, args: built.nodeArgs, cwd: ROOT, script });
    notes.push("Smoke run: this process's Node only; Node 22, Bun and Deno are not installed.");
  } else {
    const built = ensureBuilt(log);
    if (built.stale) notes.push(built.stale);
    const dir = join(WORK, "runtimes-project");
    makeShippedProject(dir);
    const script = join(dir, "program.mjs");
    writeFileSync(script, PROGRAM);
    targets.push({ runtime: THIS_NODE, label: THIS_NODE.name, path: process.execPath, args: [], cwd: dir, script });
    for (const runtime of OTHER_RUNTIMES) {
      log(`  ${runtime.name}: installing ${runtime.pkg} (or reusing the cache)`);
      const installed = await installRuntime(runtime);
      if ("error" in installed) {
        notes.push(`Signing on each runtime: ${runtime.name} skipped: ${installed.error}`);
        continue;
      }
      const version = /\d+\.\d+\.\d+/.exec(installed.version)?.[0] ?? installed.version;
      const label = `${runtime.name.replace(/ \d+$/, "")} ${version}`;
      targets.push({ runtime, label, path: installed.path, args: runtime.args, cwd: dir, script });
    }
  }

  const key = generatedKey(2048);
  const pkcs8 = createPrivateKey(key.pem).export({ type: "pkcs8", format: "der" }).toString("base64");
  const input: Input = {
    tenancy: TENANCY, user: USER, fingerprint: key.fingerprint, pem: key.pem, pkcs8, url: GET_URL,
    rounds: smoke ? 1 : 21, warmupRounds: smoke ? 0 : 3, roundSeconds: smoke ? 0 : 0.1, batchSeconds: smoke ? 0 : 0.005,
  };
  const rows: Row[] = [];
  for (const target of targets) {
    log(`  ${target.label}`);
    const run = await runFile(target.path, [...target.args, target.script, JSON.stringify(input)], { cwd: target.cwd, timeoutMs: 300_000 });
    let report: Report;
    try {
      if (run.code !== 0) throw new Error(`exit ${run.code}`);
      report = JSON.parse(run.stdout.trim().split("\n").pop()!) as Report;
    } catch (error) {
      const output = (run.stderr.trim() || run.stdout.trim()).split("\n").slice(0, 6).join(" / ");
      // One runtime failing to run the program is reported; the other runtimes' rows still count.
      if (target.runtime === THIS_NODE) throw new Error(`${target.label} failed (${String(error)}): ${output}`);
      notes.push(`Signing on each runtime: ${target.label} skipped: the program failed (${String(error)}): ${output}`);
      continue;
    }
    const clock = report.clock === "cpu" ? "CPU" : "wall";
    const med = (v: number[]): number => summarize(v).median;
    rows.push(
      row(`${target.label}: ApiKeySigner.sign (oci-raw, node:crypto) ÷ bare crypto.sign`, ratios(report.node.signer, report.node.bare), "×",
        `${fmt(med(report.node.signer))}/s vs ${fmt(med(report.node.bare))}/s (${clock})`, { op: ">=", value: 0.9 }),
      row(`${target.label}: WebCryptoApiKeySigner.sign (oci-raw/web) ÷ bare crypto.subtle.sign`, ratios(report.web.signer, report.web.bare), "×",
        `${fmt(med(report.web.signer))}/s vs ${fmt(med(report.web.bare))}/s (${clock})`, { op: ">=", value: 0.9 }),
    );
  }
  return { rows, notes };
}
