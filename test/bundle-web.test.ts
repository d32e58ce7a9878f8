/**
 * The web entry as a Worker or browser build gets it: esbuild bundles a tiny program — the
 * published vectors signed with WebCryptoApiKeySigner, and one generated typed call
 * (generated/identity getUser) — for platform=browser with the worker conditions, resolving
 * `oci-raw` the way wrangler does (`workerd`/`worker`/`browser`; `source` only so this repo's
 * sources stand in for dist/). esbuild refuses Node built-ins for platform=browser, so the
 * build succeeding is the first proof; the bundle is then run in a bare `node:vm` context
 * holding only Web APIs (no require, process, Buffer or global), where it signs the vectors
 * byte for byte and makes the typed call against the emulator, which verifies the signature.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createContext, runInContext } from "node:vm";
import { build } from "esbuild";
import { EMULATOR_COMPARTMENT_ID, startEmulator, type Emulator } from "oci-raw/emulator";
import * as v from "./vectors/oci-request-signatures.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const PROGRAM = `
import { WebCryptoApiKeySigner, createClient } from "oci-raw";
import * as identity from "./generated/identity/index.js";

export async function signVectors(v) {
  const signer = new WebCryptoApiKeySigner({ tenancy: v.TENANCY, user: v.USER, fingerprint: v.FINGERPRINT, privateKeyPem: v.TEST_PRIVATE_KEY_PEM });
  const get = await signer.sign({ method: "GET", url: v.GET_URL, headers: { date: v.DATE } });
  const post = await signer.sign({ method: "POST", url: v.POST_URL, headers: { date: v.DATE }, body: v.POST_BODY });
  return { get: get.authorization, post: post.authorization, sha: post["x-content-sha256"] };
}

export async function typedCall(key, endpoint, userId) {
  const signer = new WebCryptoApiKeySigner({ ...key });
  const client = createClient({ signer, endpoint, validation: "strict" });
  const { data } = await identity.getUser(client, { userId });
  return data.name;
}
`;

async function bundle(conditions: string[], program = PROGRAM): Promise<string> {
  const result = await build({
    stdin: { contents: program, resolveDir: root, sourcefile: "program.ts", loader: "ts" },
    bundle: true,
    write: false,
    platform: "browser",
    format: "iife",
    globalName: "program",
    target: "es2022",
    conditions,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

/** A global object with the Web APIs a Worker has, and nothing of Node's (nor, `withCrypto: false`, Web Crypto). */
function bareWebContext({ withCrypto = true } = {}): object {
  const context = createContext({
    ...(withCrypto ? { crypto: globalThis.crypto } : {}),
    TextEncoder,
    TextDecoder,
    URL,
    URLSearchParams,
    Headers,
    Request,
    Response,
    fetch: globalThis.fetch,
    AbortController,
    AbortSignal,
    ReadableStream,
    atob,
    btoa,
    setTimeout,
    clearTimeout,
    console,
  });
  assert.equal(runInContext("typeof require + typeof process + typeof Buffer + typeof global + typeof module", context), "undefinedundefinedundefinedundefinedundefined");
  return context;
}

let code: string;
let emulator: Emulator;

before(async () => {
  code = await bundle(["source", "workerd", "worker", "browser"]);
  emulator = await startEmulator();
});
after(() => emulator.stop());

test("the Node entry cannot be bundled for platform=browser: esbuild names the node: built-in (what makes the next test mean something)", async () => {
  const nodeEntry = `import { ApiKeySigner } from "./runtime/index.js"; export const signer = ApiKeySigner;`;
  await assert.rejects(bundle(["source", "worker", "browser"], nodeEntry), (error: unknown) => /node:(crypto|fs|os|path)/.test(String((error as Error).message)));
});

test("platform=browser alone (esbuild's own browser condition, no worker flag) already resolves oci-raw to the web entry", async () => {
  assert.ok((await bundle(["source"])).includes("RSASSA-PKCS1-v1_5"));
});

test("the worker-conditions bundle of one typed call holds no Node built-in", () => {
  assert.ok(code.includes("RSASSA-PKCS1-v1_5"), "the bundle is the web entry's");
  assert.doesNotMatch(code, /["']node:/);
  assert.doesNotMatch(code, /\brequire\s*\(/);
  assert.doesNotMatch(code, /\bBuffer\.(from|byteLength|alloc|concat)\b/);
  // Node's file-system features stay out (not merely unused): their modules are not in the bundle.
  assert.doesNotMatch(code, /regions-config\.json.*readFileSync|loadPrivateKey|createPrivateKey/s);
});

test("in a bare V8 context with only Web APIs, the bundle signs the published vectors byte for byte", async () => {
  const context = bareWebContext();
  runInContext(code, context);
  const vectors = {
    TENANCY: v.TENANCY,
    USER: v.USER,
    FINGERPRINT: v.FINGERPRINT,
    TEST_PRIVATE_KEY_PEM: v.TEST_PRIVATE_KEY_PEM,
    GET_URL: v.GET_URL,
    POST_URL: v.POST_URL,
    POST_BODY: v.POST_BODY,
    DATE: v.DATE,
  };
  const run = runInContext("program.signVectors", context) as (input: typeof vectors) => Promise<{ get: string; post: string; sha: string }>;
  const out = await run(vectors);
  assert.equal(out.get, `Signature version="1",headers="${v.GET_SIGNED_HEADERS}",keyId="${v.KEY_ID}",algorithm="rsa-sha256",signature="${v.GET_SIGNATURE}"`);
  assert.equal(out.post, `Signature version="1",headers="${v.POST_SIGNED_HEADERS}",keyId="${v.KEY_ID}",algorithm="rsa-sha256",signature="${v.POST_SIGNATURE}"`);
  assert.equal(out.sha, v.POST_CONTENT_SHA256);
});

test("where there is no crypto.subtle (an insecure browser context), signing fails with WEBCRYPTO_UNAVAILABLE", async () => {
  const context = bareWebContext({ withCrypto: false });
  runInContext(code, context);
  const run = runInContext("program.signVectors", context) as (input: object) => Promise<unknown>;
  const input = { TENANCY: "t", USER: "u", FINGERPRINT: "f", TEST_PRIVATE_KEY_PEM: v.TEST_PRIVATE_KEY_PEM, GET_URL: v.GET_URL, POST_URL: v.POST_URL, POST_BODY: "{}", DATE: v.DATE };
  await assert.rejects(run(input), (error: unknown) => (error as { code?: unknown }).code === "WEBCRYPTO_UNAVAILABLE" && /secure contexts/.test((error as Error).message));
});

test("in the same bare context, the generated typed call reaches the emulator signed and comes back validated", async () => {
  const key = await emulator.createApiKey();
  const created = await (await import("oci-raw")).signedFetch(`${emulator.url}/20160918/users`, {
    signer: new (await import("oci-raw")).ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem }),
    method: "POST",
    body: JSON.stringify({ compartmentId: EMULATOR_COMPARTMENT_ID, name: "in-vm@example.com", description: "d" }),
  });
  assert.equal(created.status, 200);
  const { id } = (await created.json()) as { id: string };
  const context = bareWebContext();
  runInContext(code, context);
  const typedCall = runInContext("program.typedCall", context) as (k: object, endpoint: string, userId: string) => Promise<string>;
  const keyFields = { tenancy: key.tenancy, user: key.user, fingerprint: key.fingerprint, privateKeyPem: key.privateKeyPem };
  assert.equal(await typedCall(keyFields, emulator.url, id), "in-vm@example.com");
  const get = emulator.requests.findLast((r) => r.method === "GET");
  assert.match(String(get?.headers["authorization"]), new RegExp(`keyId="${key.keyId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`));
});

test("the web entry type-checks with only the DOM lib: no @types/node, worker conditions, a generated typed call", { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "oci-raw-dom-types-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, "node_modules"));
  await symlink(root, join(dir, "node_modules", "oci-raw"), "dir");
  await symlink(join(root, "node_modules", "zod"), join(dir, "node_modules", "zod"), "dir");
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      types: [],
      module: "ESNext",
      moduleResolution: "bundler",
      // "source" so this repo's sources stand in for dist/: they are what is checked.
      customConditions: ["source", "worker"],
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
    },
    files: ["worker.ts"],
  };
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  await writeFile(
    join(dir, "worker.ts"),
    `import { WebCryptoApiKeySigner, createClient, signedFetch, type OciResponse } from "oci-raw";
import * as identity from ${JSON.stringify(join(root, "generated/identity/index.js"))};
const signer = new WebCryptoApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKeyPem: "" });
const client = createClient({ signer, endpoint: "https://identity.example" });
export const user: Promise<OciResponse<identity.User>> = identity.getUser(client, { userId: "u" });
export const raw: Promise<Response> = signedFetch("https://identity.example", { signer });
`,
  );
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const result = await new Promise<{ code: number; out: string }>((done) =>
    execFile(process.execPath, [tsc, "-p", dir], { cwd: dir }, (error, stdout, stderr) => done({ code: error ? 1 : 0, out: stdout + stderr })),
  );
  assert.equal(result.code, 0, result.out);
});
