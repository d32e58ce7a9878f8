/**
 * Figure 3 — token refresh under load. Instance principals against the emulator (its IMDS and
 * federation, all on loopback): 1 000 concurrent requests sent when the token is about to
 * expire — so every caller must wait for the one refresh — against 1 000 sent with a fresh
 * token. Federation calls during the burst (goal: exactly 1) and p99 latency ÷ p99 fresh.
 */
import { instancePrincipalsSigner, signedFetch, type InstancePrincipalsSigner } from "oci-raw";
import { startEmulator } from "oci-raw/emulator";
import { undiciTransport } from "oci-raw/undici";
import { mountInstancePrincipals } from "oci-raw/emulator";
import { fmt, row, type FigureOptions, type FigureOutcome } from "../lib/results.js";
import { interleave, percentile, ratios, summarize } from "../lib/stats.js";

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function tokenRefreshFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  const burst = smoke ? 50 : 1000;
  const rounds = smoke ? 1 : 4;
  const emulator = await startEmulator();
  // A bounded pool: 1 000 simultaneous connections would overflow a small machine's listen backlog.
  const transport = undiciTransport({ connections: 32 });
  try {
    const { imds, federation } = await mountInstancePrincipals(emulator);
    const create = (refreshWindowMs?: number): Promise<InstancePrincipalsSigner> =>
      instancePrincipalsSigner({
        metadataBaseUrl: imds.baseUrl,
        federationEndpoint: federation.url,
        env: {},
        fetch: transport.fetch,
        dispatcher: transport.dispatcher,
        ...(refreshWindowMs === undefined ? {} : { refreshWindowMs }),
      });

    /** Send the burst; every latency in ms, and the federation calls it caused. */
    const send = async (signer: InstancePrincipalsSigner): Promise<{ latencies: number[]; federationCalls: number }> => {
      const before = federation.tokenRequests;
      const latencies = await Promise.all(
        Array.from({ length: burst }, async () => {
          const started = performance.now();
          const response = await signedFetch(`${emulator.url}/n/`, { signer, fetch: transport.fetch, dispatcher: transport.dispatcher });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`GetNamespace answered ${response.status}`);
          return performance.now() - started;
        }),
      );
      return { latencies, federationCalls: federation.tokenRequests - before };
    };

    const federationCalls: number[] = [];
    const p99s = { fresh: [] as number[], expiring: [] as number[] };
    log(`  ${rounds} rounds of ${fmt(burst)} concurrent requests, fresh token vs across expiry`);
    await interleave(
      {
        fresh: async () => {
          const signer = await create();
          const { latencies } = await send(signer);
          p99s.fresh.push(percentile(latencies, 99));
          return 0;
        },
        expiring: async () => {
          federation.tokenLifetimeSeconds = smoke ? 1 : 2;
          let signer: InstancePrincipalsSigner;
          try {
            signer = await create(smoke ? 500 : 1000);
          } finally {
            federation.tokenLifetimeSeconds = 3600;
          }
          const { expiresAt } = await signer.federationClient.credentials();
          // Inside the last half of the refresh window: callers wait for the one refresh, and
          // the old token is still valid, so nothing is signed with an expired one.
          const window = Math.min(1000, (expiresAt - Date.now()) / 2);
          await delay(Math.max(0, expiresAt - window / 2 - Date.now() + 20));
          const { latencies, federationCalls: calls } = await send(signer);
          p99s.expiring.push(percentile(latencies, 99));
          federationCalls.push(calls);
          return 0;
        },
      },
      { rounds, warmupRounds: smoke ? 0 : 1 },
    );
    const ms = (v: number[]): string => `${fmt(summarize(v).median)} ms`;
    return {
      rows: [
        row(`federation calls during ${fmt(burst)} concurrent requests across expiry`, federationCalls, "calls",
          `per round: ${federationCalls.join(", ")}`, { op: "==", value: 1 }),
        row("p99 latency across expiry ÷ p99 with a fresh token", ratios(p99s.expiring, p99s.fresh), "×",
          `${ms(p99s.expiring)} vs ${ms(p99s.fresh)}`),
      ],
      notes: [
        `Token refresh: instance principals via the emulator's IMDS and federation (in the benchmark process), undiciTransport({ connections: 32 }); latency is wall time from call to body read, so it includes queueing behind the ${fmt(burst)} others.`,
      ],
    };
  } finally {
    await transport.close();
    await emulator.stop();
  }
}
