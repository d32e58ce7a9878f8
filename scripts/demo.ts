/**
 * `npm run demo` — oci-raw end to end on an embedded default, with no OCI account:
 * generate typed clients from specs/, start the local OCI emulator, call typed functions,
 * then make raw signed requests (as on the Python SDK's "Raw Requests" page) against it.
 * Everything talks to 127.0.0.1 only.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiKeySigner, OciServiceError, createClient, paginate, signedFetch } from "oci-raw";
import { summaryLine, writeService } from "../codegen/generate.js";
import { generateClients } from "./generate.js";
import { EMULATOR_COMPARTMENT_ID, EMULATOR_NAMESPACE, startEmulator } from "oci-raw/emulator";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dim = (s: string) => (process.stdout.isTTY && !process.env["NO_COLOR"] ? `\x1b[2m${s}\x1b[0m` : s);
const say = (s = "") => console.log(s);
const step = (s: string) => say(`\n== ${s}`);

async function main(): Promise<void> {
  step("1. Generate typed clients from specs/");
  // The same generation as `npm run generate`: committed output stays byte-identical.
  for (const service of await generateClients(root)) {
    writeService(service, root);
    say(`   ${summaryLine(service).trimEnd()}`);
  }

  step("2. Start the local OCI emulator (loopback; verifies every signature)");
  const emulator = await startEmulator();
  try {
    const key = await emulator.createApiKey();
    say(`   ${emulator.url}  with a throw-away 2048-bit API key ${dim(key.fingerprint)}`);
    const signer = new ApiKeySigner({ tenancy: key.tenancy, user: key.user, fingerprint: key.fingerprint, privateKeyContent: key.privateKeyPem });
    // The generated operations carry their service's base path; `endpoint` points them at the emulator.
    const client = createClient({ signer, endpoint: emulator.url, validation: "strict" });

    step("3. Typed functions generated from specs/");
    const identity = await import("../generated/identity/index.js");
    const objectstorage = await import("../generated/objectstorage/index.js");
    const created = await identity.createUser(client, {
      body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: "TestUser", description: "Created with a typed call" },
    });
    say(`   createUser       → ${created.status}  id=${created.data.id}  lifecycleState=${created.data.lifecycleState}`);
    for (const name of ["ana", "bo", "cy", "di", "ed"]) {
      await identity.createUser(client, { body: { compartmentId: EMULATOR_COMPARTMENT_ID, name, description: "demo" } });
    }
    const names: string[] = [];
    for await (const user of paginate(identity.listUsers, client, { compartmentId: EMULATOR_COMPARTMENT_ID, limit: 2 })) {
      names.push(user.name);
    }
    say(`   paginate(listUsers, limit 2) → ${names.length} users over ${Math.ceil(names.length / 2)} pages: ${names.join(", ")}`);
    const namespace = await objectstorage.getNamespace(client, {});
    say(`   getNamespace     → ${JSON.stringify(namespace.data)}`);
    try {
      await identity.getUser(client, { userId: "ocid1.user.oc1..doesnotexist" });
    } catch (error) {
      if (!(error instanceof OciServiceError)) throw error;
      say(`   getUser(unknown) → OciServiceError ${error.status} ${error.code}: ${error.message.slice(0, 60)}… (opc-request-id ${error.opcRequestId})`);
    }

    step("4. Raw signed requests (the Python SDK's Raw Requests page, in TypeScript)");
    const post = await signedFetch(`${emulator.url}/20160918/users/`, {
      method: "POST",
      signer,
      body: JSON.stringify({ compartmentId: key.tenancy, name: "RawUser", description: "Created with a raw request" }),
    });
    const rawUser = (await post.json()) as { id: string };
    say(`   POST /20160918/users/                 → ${post.status}  id=${rawUser.id}`);
    const sent = emulator.requests.at(-1)!;
    for (const name of ["date", "host", "content-type", "content-length", "x-content-sha256", "authorization"]) {
      const value = String(sent.headers[name] ?? "");
      // The signature is no secret, but it is long: show its start.
      say(dim(`      ${name}: ${name === "authorization" ? value.replace(/signature="(.{12})[^"]*"/, 'signature="$1…"') : value}`));
    }
    const pages: number[] = [];
    let page: string | null = null;
    do {
      const url = new URL(`${emulator.url}/20160918/instances`);
      url.searchParams.set("compartmentId", EMULATOR_COMPARTMENT_ID);
      url.searchParams.set("limit", "10");
      if (page) url.searchParams.set("page", page);
      const response = await signedFetch(url, { signer });
      pages.push(((await response.json()) as unknown[]).length);
      page = response.headers.get("opc-next-page");
    } while (page);
    say(`   GET /20160918/instances (opc-next-page) → pages of ${pages.join(" + ")} instances`);

    // An operation no spec in specs/ covers: Object Storage ListObjects, paged by nextStartWith.
    await objectstorage.createBucket(client, { namespaceName: EMULATOR_NAMESPACE, body: { name: "demo", compartmentId: EMULATOR_COMPARTMENT_ID } });
    for (const objectName of ["a.txt", "b.txt", "c.txt"]) {
      await objectstorage.putObject(client, { namespaceName: EMULATOR_NAMESPACE, bucketName: "demo", objectName, body: `hello ${objectName}` });
    }
    const list = await signedFetch(`${emulator.url}/n/${EMULATOR_NAMESPACE}/b/demo/o?limit=2`, { signer });
    const listing = (await list.json()) as { objects: Array<{ name: string }>; nextStartWith?: string };
    say(`   GET /n/${EMULATOR_NAMESPACE}/b/demo/o?limit=2 (no spec) → ${listing.objects.map((o) => o.name).join(", ")}; nextStartWith=${listing.nextStartWith}`);

    const missing = await signedFetch(`${emulator.url}/20160918/users/ocid1.user.oc1..doesnotexist`, { signer });
    const error = (await missing.json()) as { code: string; message: string };
    say(`   GET a missing user                    → ${missing.status} ${error.code} (opc-request-id ${missing.headers.get("opc-request-id")})`);

    const verified = emulator.requests.filter((r) => r.verification?.ok).length;
    step(`Done: ${emulator.requests.length} requests, ${verified} with signatures the emulator verified.`);
  } finally {
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
