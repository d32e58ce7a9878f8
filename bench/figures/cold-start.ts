/**
 * Figure 4 — cold start: a fresh `node` running the built package (dist/), from process start
 * to the first signed response from a loopback server, minus a bare `node` start-up; oci-raw
 * ÷ oci-common (FetchHttpClient + DefaultRequestSigner) doing the same. And peak memory.
 *
 * Each child reports its own CPU time (user + system since exec) and wall time (since its
 * time origin) at the moment the response has been read, plus maxRSS. The goal is judged on
 * CPU time, which other load on a shared machine doesn't inflate; wall time is shown beside it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageUnderTest } from "../lib/build.js";
import { jsonStdout, runChild, type NodeRun } from "../lib/child.js";
import { TENANCY, USER, generatedKey } from "../lib/keys.js";
import { startLoopbackServer } from "../lib/loopback-server.js";
import { ROOT, WORK } from "../lib/paths.js";
import { fmt, row, type FigureOptions, type FigureOutcome } from "../lib/results.js";
import { interleave, ratios, summarize } from "../lib/stats.js";

interface ChildReport {
  status: number;
  cpuMs: number;
  wallMs: number;
  maxRssKiB: number;
}

// Peak RSS from /proc (VmHWM belongs to the address space exec created); getrusage's maxRSS
// survives exec on Linux and would report the forking parent's size instead.
export const PEAK_RSS_SOURCE = `function peakRssKiB() {
  try {
    const m = /VmHWM:\\s+(\\d+) kB/.exec(require("node:fs").readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}`;

const REPORT = `
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
${PEAK_RSS_SOURCE}
function report(status) {
  const cpu = process.cpuUsage();
  const wallMs = performance.now();
  process.stdout.write(JSON.stringify({ status, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, maxRssKiB: peakRssKiB() }));
  process.exit(0);
}
`;

// The key is generated per run, so its fingerprint comes in as an argument.
const IDS = `const tenancy = ${JSON.stringify(TENANCY)}, user = ${JSON.stringify(USER)};
const [url, keyFile, fingerprint] = process.argv.slice(2);`;

/** The three programs, as a user would write them (plain ESM, no TypeScript loader). */
const PROGRAMS: Record<"bare" | "ociRaw" | "ociCommon", string> = {
  bare: `${REPORT}\nreport(0);\n`,
  ociRaw: `import { readFileSync } from "node:fs";
import { ApiKeySigner, signedFetch } from "oci-raw";
${REPORT}
${IDS}
const signer = new ApiKeySigner({ tenancy, user, fingerprint, privateKeyContent: readFileSync(keyFile, "utf8") });
const response = await signedFetch(url, { signer });
await response.arrayBuffer();
report(response.status);
`,
  ociCommon: `import { readFileSync } from "node:fs";
import common from "oci-common";
${REPORT}
${IDS}
const provider = new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, readFileSync(keyFile, "utf8"), null);
const client = new common.FetchHttpClient(new common.DefaultRequestSigner(provider));
const response = await client.send({ method: "GET", uri: url, headers: new Headers() });
await response.arrayBuffer();
report(response.status);
`,
};

/** The child's report; any status but 0 (bare node) or 200 means the program did not do its job. */
function readReport(run: NodeRun): ChildReport {
  const report = jsonStdout<ChildReport>(run);
  if (report.status !== 0 && report.status !== 200) throw new Error(`status ${report.status}`);
  return report;
}

export async function coldStartFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  const built = packageUnderTest(smoke, log);
  const dir = join(WORK, "cold-start");
  mkdirSync(dir, { recursive: true });
  const files = Object.fromEntries(
    Object.entries(PROGRAMS).map(([name, source]) => {
      const file = join(dir, `${name}.mjs`);
      writeFileSync(file, source);
      return [name, file];
    }),
  ) as Record<keyof typeof PROGRAMS, string>;
  const keyFile = join(dir, "key.pem");
  const key = generatedKey(2048);
  writeFileSync(keyFile, key.pem, { mode: 0o600 });

  const server = await startLoopbackServer();
  try {
    const args = [`${server.url}/20160918/users/ocid1.user.oc1..aaaaaaaabenchmarkuser`, keyFile, key.fingerprint];
    const reports: Record<keyof typeof PROGRAMS, ChildReport[]> = { bare: [], ociRaw: [], ociCommon: [] };
    const arm = (name: keyof typeof PROGRAMS) => async (): Promise<number> => {
      // Plain node: no loader, no source condition, so "oci-raw" resolves to dist/.
      const r = await runChild({ nodeArgs: built.nodeArgs, script: files[name], args, cwd: ROOT, read: readReport });
      reports[name].push(r);
      return r.cpuMs;
    };
    const rounds = smoke ? 1 : 21;
    log(`  ${rounds} rounds of 3 fresh processes`);
    await interleave({ bare: arm("bare"), ociRaw: arm("ociRaw"), ociCommon: arm("ociCommon") }, { rounds, warmupRounds: smoke ? 0 : 1 });
    const warm = smoke ? 0 : 1;
    const kept = (name: keyof typeof PROGRAMS): ChildReport[] => reports[name].slice(warm);
    const bare = kept("bare"), raw = kept("ociRaw"), common = kept("ociCommon");
    const above = (list: ChildReport[], field: "cpuMs" | "wallMs"): number[] => list.map((r, i) => r[field] - bare[i]![field]);
    const cpuRaw = above(raw, "cpuMs"), cpuCommon = above(common, "cpuMs");
    const wallRaw = above(raw, "wallMs"), wallCommon = above(common, "wallMs");
    const med = (v: number[]): number => summarize(v).median;
    const rssRaw = raw.map((r) => r.maxRssKiB / 1024), rssCommon = common.map((r) => r.maxRssKiB / 1024), rssBare = bare.map((r) => r.maxRssKiB / 1024);
    const notes = [
      `Cold start: bare node ${fmt(med(bare.map((r) => r.cpuMs)))} ms CPU / ${fmt(med(bare.map((r) => r.wallMs)))} ms wall / ${fmt(med(rssBare))} MiB; ` +
        `start-up above bare node, wall time: oci-raw +${fmt(med(wallRaw))} ms, oci-common +${fmt(med(wallCommon))} ms (ratio ${(med(wallRaw) / med(wallCommon)).toFixed(2)}).`,
    ];
    if (built.stale) notes.push(built.stale);
    return {
      rows: [
        row("start-up to first signed response above bare node (CPU time): oci-raw ÷ oci-common", ratios(cpuRaw, cpuCommon), "×",
          `+${fmt(med(cpuRaw))} ms vs +${fmt(med(cpuCommon))} ms`, { op: "<=", value: 0.4 }),
        row("peak memory (peak RSS): oci-raw ÷ oci-common", ratios(rssRaw, rssCommon), "×",
          `${fmt(med(rssRaw))} MiB vs ${fmt(med(rssCommon))} MiB`, { op: "<", value: 1 }),
      ],
      notes,
    };
  } finally {
    await server.close();
  }
}
