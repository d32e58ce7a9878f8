/**
 * Figure 8 — the emulator, as a user's test suite runs it: in the test's own process.
 *  - Signed requests per CPU-second of that process (client signing + server handling), 16 in
 *    flight: the emulator verifying every signature ÷ a bare node:http server in the same
 *    process answering the same bytes without verifying. The goal: the emulator at most doubles
 *    what a request costs a test, so it is not what makes a suite slow.
 *  - Start-up: `startEmulator()` to listening, in milliseconds beside a bare server's listen
 *    (wall time; reported, no goal), and once with Oracle's identity spec served (`specs`).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiKeySigner, signedFetch } from "oci-raw";
import { startEmulator } from "oci-raw/emulator";
import { missingSpecMessage, oracleSpec } from "../lib/paths.js";
import { fmt, row, type FigureOptions, type FigureOutcome } from "../lib/results.js";
import { interleave, interleaveOps, ratios, summarize } from "../lib/stats.js";

const IN_FLIGHT = 16;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

export async function emulatorFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  const rounds = smoke ? 1 : 15;
  const warmupRounds = smoke ? 0 : 1;
  const perRound = smoke ? 32 : 320;
  const notes: string[] = [];

  const emulator = await startEmulator();
  const bare = createServer();
  try {
    const key = await emulator.createApiKey({ modulusLength: 2048 });
    const signer = new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem });
    const path = "/n/";
    // The bare server answers exactly what the emulator answers to this request.
    const sample = await signedFetch(`${emulator.url}${path}`, { signer });
    if (sample.status !== 200) throw new Error(`the emulator answered ${sample.status} to GET ${path}`);
    const body = Buffer.from(await sample.arrayBuffer());
    const type = sample.headers.get("content-type") ?? "application/json";
    bare.on("request", (request, response) => {
      request.resume();
      request.on("end", () => response.writeHead(200, { "content-type": type, "content-length": body.length }).end(body));
    });
    const bareUrl = await listen(bare);

    const wave = (origin: string) => () =>
      Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          const response = await signedFetch(`${origin}${path}`, { signer });
          await response.arrayBuffer();
        }),
      );
    log(`  requests: ${rounds} rounds of ${perRound} per arm, ${IN_FLIGHT} in flight`);
    const rates = await interleaveOps(
      { emulator: wave(emulator.url), bare: wave(bareUrl) },
      { rounds, warmupRounds, opsPerRound: Math.max(1, Math.round(perRound / IN_FLIGHT)), clock: "cpu" },
    );
    for (const name of ["emulator", "bare"] as const) rates[name] = rates[name].map((r) => r * IN_FLIGHT);
    const failures = emulator.requests.filter((r) => r.verification?.ok !== true).length;
    if (failures > 0) throw new Error(`${failures} requests failed the emulator's signature check`);

    const startRounds = smoke ? 1 : 11;
    log(`  start-up: ${startRounds} rounds`);
    const startup = await interleave(
      {
        emulator: async () => {
          const started = performance.now();
          const e = await startEmulator();
          const ms = performance.now() - started;
          await e.stop();
          return ms;
        },
        bare: async () => {
          const started = performance.now();
          const server = createServer();
          await listen(server);
          const ms = performance.now() - started;
          await close(server);
          return ms;
        },
      },
      { rounds: startRounds, warmupRounds: smoke ? 0 : 1 },
    );

    const spec = smoke ? undefined : oracleSpec("identity.swagger.yaml");
    if (spec) {
      const started = performance.now();
      const withSpec = await startEmulator({ specs: [spec] });
      const ms = performance.now() - started;
      notes.push(`Emulator: start-up serving Oracle's identity spec (${withSpec.specOperationCount} operations, specs loaded on first use of the option): ${fmt(ms)} ms, once.`);
      await withSpec.stop();
    } else if (!smoke) {
      notes.push(`Emulator: start-up with a spec not measured; ${missingSpecMessage("identity.swagger.yaml")}.`);
    }
    notes.push(
      `Emulator: requests signed with an RSA-2048 key, ${IN_FLIGHT} in flight, client and server in one process as in a test suite; rates per CPU-second of that process.`,
    );

    return {
      rows: [
        row("signed GET per CPU-second, client included: emulator verifying ÷ bare node:http server", ratios(rates.emulator, rates.bare), "×",
          `${fmt(summarize(rates.emulator).median)}/CPU-s vs ${fmt(summarize(rates.bare).median)}/CPU-s`, { op: ">=", value: 0.5 }),
        // Milliseconds, not a ratio: a bare listen takes a fraction of a millisecond, so a ratio would be noise.
        row("start-up to listening: startEmulator() (wall)", startup.emulator, "ms",
          `bare node:http listen ${fmt(summarize(startup.bare).median, 2)} ms`),
      ],
      notes,
    };
  } finally {
    await close(bare);
    await emulator.stop();
  }
}
