/**
 * Figure 2 — signed requests. Requests per second, 16 in flight, to a loopback server that
 * answers 200 without verifying:
 *  - signedFetch ÷ the same transport sending unsigned with one bare crypto.sign added per
 *    request, for the platform fetch and for an undici Agent (undiciTransport());
 *  - a generated typed list operation (identity listUsers, 100 users) with validation
 *    "strict" and "off" ÷ signedFetch + response.json() on the same URL.
 */
import { createPrivateKey, sign as rsaSign } from "node:crypto";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { ApiKeySigner, createClient, signedFetch, type CallOptions, type Client, type FetchFunction, type OciResponse } from "oci-raw";
import { undiciTransport } from "oci-raw/undici";
import { ensureGenerated } from "../lib/generated.js";
import { TENANCY, generatedKey, identityOf } from "../lib/keys.js";
import { startLoopbackServer, type LoopbackServer } from "../lib/loopback-server.js";
import { ROOT, missingSpecMessage, oracleSpec } from "../lib/paths.js";
import { fmt, row, type FigureOptions, type FigureOutcome, type Row } from "../lib/results.js";
import { interleaveOps, ratios, summarize } from "../lib/stats.js";

const IN_FLIGHT = 16;
/**
 * Requests per CPU-second of this (client) process: the client is CPU-bound (RSA), so on a
 * quiet machine this is its requests/s, and on a shared one it doesn't count other processes' time.
 */
const CLOCK = "cpu" as const;
const COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaabenchmarkcompartment";

interface Settings {
  rounds: number;
  warmupRounds: number;
  /** Requests per arm per round. */
  perRound: number;
}

function settings(smoke: boolean): Settings {
  return smoke ? { rounds: 1, warmupRounds: 0, perRound: 20 } : { rounds: 15, warmupRounds: 1, perRound: 160 };
}

/** 100 users as OCI's ListUsers returns them (every required field and the usual optional ones). */
function usersBody(count = 100): string {
  const users = Array.from({ length: count }, (_, i) => ({
    id: `ocid1.user.oc1..aaaaaaaa${String(i).padStart(4, "0")}benchmarkuserxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
    compartmentId: TENANCY,
    name: `user-${i}@example.com`,
    description: `Benchmark user number ${i}`,
    email: `user-${i}@example.com`,
    emailVerified: true,
    timeCreated: "2024-05-01T12:34:56.789Z",
    lifecycleState: "ACTIVE",
    isMfaActivated: i % 2 === 0,
    freeformTags: { team: "bench", index: String(i) },
    // Oracle's spec types a tag value as a bare `object`; the service sends strings.
    definedTags: { Operations: { CostCenter: "42" }, "Oracle-Tags": { CreatedBy: "bench" } },
    capabilities: {
      canUseConsolePassword: true,
      canUseApiKeys: true,
      canUseAuthTokens: false,
      canUseSmtpCredentials: false,
      canUseDbCredentials: false,
      canUseCustomerSecretKeys: true,
      canUseOAuth2ClientCredentials: false,
    },
    lastSuccessfulLoginTime: "2024-06-01T08:00:00.000Z",
  }));
  return JSON.stringify(users);
}

/**
 * Requests per CPU-second of each arm, measured in waves of IN_FLIGHT concurrent requests
 * that alternate between the arms (a few ms each), so slow drifts in the shared machine's
 * speed fall on all arms alike.
 */
async function waves<K extends string>(arms: Record<K, () => Promise<unknown>>, s: Settings): Promise<Record<K, number[]>> {
  const wave = (op: () => Promise<unknown>) => () => Promise.all(Array.from({ length: IN_FLIGHT }, op));
  const ops = Object.fromEntries(Object.entries<() => Promise<unknown>>(arms).map(([name, op]) => [name, wave(op)])) as Record<K, () => Promise<unknown[]>>;
  const perSecond = await interleaveOps(ops, { rounds: s.rounds, warmupRounds: s.warmupRounds, opsPerRound: Math.max(1, Math.round(s.perRound / IN_FLIGHT)), clock: CLOCK });
  for (const name of Object.keys(perSecond) as K[]) perSecond[name] = perSecond[name].map((r) => r * IN_FLIGHT);
  return perSecond;
}

type ListUsers = (client: Client, params: { compartmentId: string }, options?: CallOptions) => Promise<OciResponse<unknown[]>>;

export async function signedRequestsFigure({ smoke, log }: FigureOptions): Promise<FigureOutcome> {
  const s = settings(smoke);
  const key = generatedKey(2048);
  const keyObject = createPrivateKey(key.pem);
  const signer = new ApiKeySigner({ ...identityOf(key), privateKeyContent: key.pem });
  const rows: Row[] = [];
  const notes: string[] = [];
  const servers: LoopbackServer[] = [];
  const undici = undiciTransport({ connections: IN_FLIGHT });
  try {
    const server = await startLoopbackServer();
    servers.push(server);
    const url = `${server.url}/20160918/users/ocid1.user.oc1..aaaaaaaabenchmarkuser`;
    // The bytes a signer would sign for this request (same length), prepared once.
    const { signingString } = await signer.signWithDetails({ method: "GET", url });
    const toSign = Buffer.from(signingString, "utf8");

    const transports: Array<{ label: string; fetch: FetchFunction; dispatcher: unknown }> = [
      { label: "platform fetch", fetch: globalThis.fetch, dispatcher: undefined },
      { label: "undiciTransport()", fetch: undici.fetch, dispatcher: undici.dispatcher },
    ];
    for (const t of transports) {
      const unsigned = async (): Promise<void> => {
        rsaSign("sha256", toSign, keyObject);
        const response = await t.fetch(url, { method: "GET" });
        await response.arrayBuffer();
      };
      const signed = async (): Promise<void> => {
        const response = await signedFetch(url, { signer, fetch: t.fetch, dispatcher: t.dispatcher });
        await response.arrayBuffer();
      };
      log(`  ${t.label}: ${s.rounds} rounds of ${s.perRound} requests per arm`);
      const runs = await waves({ unsigned, signed }, s);
      rows.push(
        row(`${t.label}: signedFetch ÷ unsigned + one bare crypto.sign`, ratios(runs.signed, runs.unsigned), "×",
          `${fmt(summarize(runs.signed).median)}/CPU-s vs ${fmt(summarize(runs.unsigned).median)}/CPU-s`, { op: ">=", value: 0.95 }),
      );
    }

    {
      // Oracle's full identity spec when it is there (its User has every field the service
      // sends); the smoke run and machines without ../shared generate from this repo's trimmed
      // specs/identity.yaml. Either way through oci-raw/codegen into bench/.work/, as a user would.
      const oracle = smoke ? undefined : oracleSpec("identity.swagger.yaml");
      const spec = oracle ?? join(ROOT, "specs", "identity.yaml");
      const dir = await ensureGenerated(spec, "identity", oracle ? "fig2" : "fig2-repo-spec", log);
      const { listUsers } = (await import(pathToFileURL(join(dir, "index.ts")).href)) as { listUsers: ListUsers };
      notes.push(oracle
        ? "Typed call: listUsers generated from Oracle's identity spec."
        : `Typed call: listUsers generated from this repo's specs/identity.yaml${smoke ? "" : `; ${missingSpecMessage("identity.swagger.yaml")}`}.`);
      const identity = { listUsers };
      const usersServer = await startLoopbackServer({ body: usersBody(100) });
      servers.push(usersServer);
      const endpoint = usersServer.url;
      const strict = createClient({ signer, endpoint, validation: "strict" });
      const off = createClient({ signer, endpoint, validation: "off" });
      const check = await identity.listUsers(strict, { compartmentId: COMPARTMENT });
      if (!Array.isArray(check.data) || check.data.length !== 100) throw new Error("listUsers did not return the 100 users");
      const listUrl = `${endpoint}/20160918/users/?compartmentId=${encodeURIComponent(COMPARTMENT)}`;
      const raw = async (): Promise<void> => {
        const response = await signedFetch(listUrl, { signer, headers: { accept: "application/json" } });
        await response.json();
      };
      log(`  typed listUsers: ${s.rounds} rounds of ${s.perRound} requests per arm`);
      const runs = await waves(
        {
          raw,
          strict: () => identity.listUsers(strict, { compartmentId: COMPARTMENT }),
          off: () => identity.listUsers(off, { compartmentId: COMPARTMENT }),
        },
        s,
      );
      const rawRate = fmt(summarize(runs.raw).median);
      rows.push(
        row("listUsers (100 users), validation strict ÷ signedFetch + json()", ratios(runs.strict, runs.raw), "×",
          `${fmt(summarize(runs.strict).median)}/CPU-s vs ${rawRate}/CPU-s`, { op: ">=", value: 0.9 }),
        row("listUsers (100 users), validation off ÷ signedFetch + json()", ratios(runs.off, runs.raw), "×",
          `${fmt(summarize(runs.off).median)}/CPU-s vs ${rawRate}/CPU-s`),
      );
    }
  } finally {
    await undici.close();
    for (const server of servers) await server.close();
  }
  notes.push(`Signed requests: RSA-2048 key, ${IN_FLIGHT} in flight (waves of ${IN_FLIGHT} alternating between the arms), loopback server in its own process; rates are requests per CPU-second of the client process (on a quiet machine, its requests/s; the shared machine's other load doesn't count).`);
  return { rows, notes };
}
