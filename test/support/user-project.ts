/**
 * The files of the user's project that test/packaging.test.ts builds in a temp dir. They are
 * strings, not files, because they only type-check there: against the installed package and
 * the code `oci-raw generate` writes into `src/oci/`.
 */

/** The spec the user project generates from (copied in as `identity.yaml`). */
export const PACKAGING_SPEC = "specs/identity.yaml";

/** src/main.ts: a generated call, a raw signedFetch and a typed service error, against the emulator. */
export const USER_SCRIPT = `import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, loadConfig, OciServiceError, signedFetch, signerFromConfig } from "oci-raw";
import { startEmulator } from "oci-raw/emulator";
import { undiciTransport } from "oci-raw/undici";
import { createUser, getUser, isUser, listUsers } from "./oci/identity/index.js";

const emulator = await startEmulator();
const dir = await mkdtemp(join(tmpdir(), "user-project-"));
try {
  const config = loadConfig({ file: await emulator.writeConfigFile(dir) });
  const signer = signerFromConfig(config);
  const client = createClient({ signer, region: "us-ashburn-1", endpoint: emulator.url, validation: "strict" });

  const tenancy: string = config.tenancy ?? "";
  await createUser(client, { body: { compartmentId: tenancy, name: "grace", description: "from a user project" } });
  const users = await listUsers(client, { compartmentId: tenancy });
  const names: string[] = users.data.map((user) => user.name);
  // The generated type guards, compiled into the outDir with the rest.
  const stored: unknown = JSON.parse(JSON.stringify(users.data[0]));
  const guards = [isUser(stored) && stored.name === "grace", isUser({ name: 42 })];

  const raw = await signedFetch(\`\${emulator.url}/20160918/users/?compartmentId=\${encodeURIComponent(tenancy)}\`, { signer });
  const rawBody: unknown = await raw.json();

  // A request through oci-raw/undici's transport (undici comes as oci-raw's dependency).
  const transport = undiciTransport({ connections: 2 });
  const viaUndici = await signedFetch(\`\${emulator.url}/20160918/users/\${users.data[0]?.id ?? "none"}\`, {
    signer,
    fetch: transport.fetch,
    dispatcher: transport.dispatcher,
  });
  const undiciUser = (await viaUndici.json()) as { name?: string };
  await transport.close();

  let serviceErrorIsTyped = false;
  let serviceErrorStatus = 0;
  try {
    await getUser(client, { userId: "ocid1.user.oc1..doesnotexist" });
  } catch (error) {
    serviceErrorIsTyped = error instanceof OciServiceError;
    if (error instanceof OciServiceError) serviceErrorStatus = error.status;
  }
  console.log(
    JSON.stringify({
      generatedStatus: users.status,
      names,
      rawStatus: raw.status,
      rawIsArray: Array.isArray(rawBody),
      undiciStatus: viaUndici.status,
      undiciName: undiciUser.name,
      serviceErrorIsTyped,
      serviceErrorStatus,
      guards,
    }),
  );
} finally {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
}
`;

/** src/require-check.cts: TypeScript (NodeNext) accepts require() of the ESM package. */
export const USER_CTS_CHECK = `import oci = require("oci-raw");
export const signedFetchType: string = typeof oci.signedFetch;
`;

/** main.cjs: plain CommonJS, require(esm) as Node ≥ 20.19 allows it. */
export const USER_CJS_SCRIPT = `const oci = require("oci-raw");
console.log(JSON.stringify({
  resolved: require.resolve("oci-raw"),
  signedFetch: typeof oci.signedFetch,
  serviceError: typeof oci.OciServiceError,
}));
`;
