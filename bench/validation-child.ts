/**
 * Child process for figure 2's "strict with zod/compile" row. zod's ahead-of-time compiler is
 * process-wide — `import "zod/compile"` installs a post-processor that compiles every schema
 * built after it — so that arm gets a process of its own, loading it first, as a user's entry
 * point would; the generated schemas are built on first use, after it. It measures its own
 * baseline (signedFetch + json()) interleaved with the typed call, as the parent does.
 *   validation-child.ts <generated identity dir> <endpoint> <key file> <rounds> <warmupRounds> <perRound>
 * Prints { raw, strict, compiled } as JSON: rates per round, and whether zod compiled the schema.
 */
import "zod/compile";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ApiKeySigner, createClient, signedFetch } from "oci-raw";
import { FINGERPRINT, TENANCY, USER } from "../test/vectors/oci-request-signatures.js";
import { COMPARTMENT, waves, type ListUsers } from "./figures/signed-requests.js";

export interface ValidationChildReport {
  raw: number[];
  strict: number[];
  compiled: boolean;
}

async function main(): Promise<void> {
  const [dir, endpoint, keyFile, rounds, warmupRounds, perRound] = process.argv.slice(2);
  if (!dir || !endpoint || !keyFile || !perRound) {
    throw new Error("usage: validation-child.ts <generated identity dir> <endpoint> <key file> <rounds> <warmupRounds> <perRound>");
  }
  const { listUsers } = (await import(pathToFileURL(join(dir, "index.ts")).href)) as { listUsers: ListUsers };
  const signer = new ApiKeySigner({ tenancy: TENANCY, user: USER, fingerprint: FINGERPRINT, privateKeyContent: readFileSync(keyFile, "utf8") });
  const strict = createClient({ signer, endpoint, validation: "strict" });
  const check = await listUsers(strict, { compartmentId: COMPARTMENT });
  if (!Array.isArray(check.data) || check.data.length !== 100) throw new Error("listUsers did not return the 100 users");
  // The schema the call used is now built and has parsed once: zod/compile has replaced its parser.
  const { ListUsersResponse } = (await import(pathToFileURL(join(dir, "schemas.js")).href)) as {
    ListUsersResponse: () => { _zod: { bag: { validator?: unknown } } };
  };
  const compiled = typeof ListUsersResponse()._zod.bag.validator === "function";
  const listUrl = `${endpoint}/20160918/users/?compartmentId=${encodeURIComponent(COMPARTMENT)}`;
  const runs = await waves(
    {
      raw: async () => {
        const response = await signedFetch(listUrl, { signer, headers: { accept: "application/json" } });
        await response.json();
      },
      strict: () => listUsers(strict, { compartmentId: COMPARTMENT }),
    },
    { rounds: Number(rounds), warmupRounds: Number(warmupRounds), perRound: Number(perRound) },
  );
  const report: ValidationChildReport = { raw: runs.raw, strict: runs.strict, compiled };
  process.stdout.write(JSON.stringify(report));
}

await main();
