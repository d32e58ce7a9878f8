/**
 * The runtime matrix: Node 20 (this process's), Node 22, Bun and Deno — each from its npm
 * package (`node@22`, `bun`, `deno`), installed into a temp dir that later runs reuse — run
 * one program that signs OCI's published vectors, makes a signed round trip to the emulator
 * (signedFetch POST and GET) and a generated typed call (identity getUser), twice: bundled
 * against the Node entry (node:crypto; what the `node`, `bun` and `deno` export conditions
 * give) and against the web entry (Web Crypto; what `workerd`, `worker` and `browser` give).
 * The emulator runs here, on loopback, and verifies every signature independently.
 *
 * A runtime whose package cannot be installed (no registry, an unsupported platform) is
 * skipped with a visible line naming it and why; the registry is the only network used.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { EMULATOR_COMPARTMENT_ID, startEmulator, type Emulator } from "oci-raw/emulator";
import * as v from "./vectors/oci-request-signatures.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Shared between runs (and worktrees): the packages are ~100 MB each and never change per version. */
const CACHE = join(tmpdir(), "oci-raw-runtimes-v1");

interface Runtime {
  readonly name: string;
  /** npm package spec, or undefined for this process's Node. */
  readonly pkg?: string;
  /** The binary inside the install dir. */
  readonly bin?: string;
  /** Arguments before the script. */
  readonly args: readonly string[];
}

const RUNTIMES: readonly Runtime[] = [
  { name: `Node ${process.versions.node} (this process)`, args: [] },
  { name: "Node 22", pkg: "node@22", bin: "node_modules/node/bin/node", args: [] },
  { name: "Bun", pkg: "bun", bin: "node_modules/bun/bin/bun.exe", args: ["run"] },
  // Loopback only: the emulator is the only host the program talks to.
  { name: "Deno", pkg: "deno", bin: "node_modules/deno/deno", args: ["run", "--no-prompt", "--allow-net=127.0.0.1"] },
];

function run(file: string, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(file, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      done({ code, stdout, stderr: stderr + (error && typeof error.code !== "number" ? `\n${error.message}` : "") });
    });
  });
}

/** The runtime's binary: installed from npm (once per cache), or why it could not be. */
async function install(runtime: Runtime): Promise<{ path: string } | { error: string }> {
  if (runtime.pkg === undefined) return { path: process.execPath };
  const dir = join(CACHE, runtime.pkg.replace(/[^\w.-]/g, "_"));
  const path = join(dir, runtime.bin!);
  if (existsSync(path) && (await run(path, ["--version"], { timeoutMs: 30_000 })).code === 0) return { path };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "oci-raw-runtime", private: true }));
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const installed = await run(npm, ["install", "--no-audit", "--no-fund", "--prefer-offline", runtime.pkg], { cwd: dir, timeoutMs: 300_000 });
  if (installed.code !== 0) return { error: `npm install ${runtime.pkg} failed: ${installed.stderr.trim().split("\n").slice(-3).join(" ")}` };
  const version = await run(path, ["--version"], { timeoutMs: 30_000 });
  if (version.code !== 0) return { error: `${runtime.bin} --version failed: ${version.stderr.trim().split("\n").slice(-2).join(" ")}` };
  return { path };
}

/** One program for both entries: which signer it makes depends on the entry the bundle resolved. */
const PROGRAM = `
import * as oci from "oci-raw";
import * as identity from "./generated/identity/index.js";

const input = JSON.parse((globalThis.Deno?.args ?? globalThis.process.argv.slice(2))[0]);
const web = "WebCryptoApiKeySigner" in oci;
const makeSigner = (k) => web
  ? new oci.WebCryptoApiKeySigner({ tenancy: k.tenancy, user: k.user, fingerprint: k.fingerprint, privateKeyPem: k.pem })
  : new oci.ApiKeySigner({ tenancy: k.tenancy, user: k.user, fingerprint: k.fingerprint, privateKeyContent: k.pem });

const vectors = makeSigner(input.vectors);
const v = input.vectors;
const get = await vectors.sign({ method: "GET", url: v.getUrl, headers: { date: v.date } });
const post = await vectors.sign({ method: "POST", url: v.postUrl, headers: { date: v.date }, body: v.postBody });

const signer = makeSigner(input.key);
const created = await oci.signedFetch(input.url + "/20160918/users", {
  signer, method: "POST",
  body: JSON.stringify({ compartmentId: input.compartmentId, name: input.name, description: "runtime matrix" }),
});
const user = await created.json();
const listed = await oci.signedFetch(input.url + "/20160918/users?compartmentId=" + input.compartmentId, { signer });
const client = oci.createClient({ signer, endpoint: input.url, validation: "strict" });
const typed = await identity.getUser(client, { userId: user.id });

console.log(JSON.stringify({
  entry: web ? "web" : "node",
  get: get.authorization, post: post.authorization,
  created: created.status, listed: listed.status, typedName: typed.data.name,
}));
`;

async function bundle(entry: "node" | "web", outfile: string): Promise<void> {
  await build({
    stdin: { contents: PROGRAM, resolveDir: root, sourcefile: "program.ts", loader: "ts" },
    bundle: true,
    outfile,
    format: "esm",
    target: "es2022",
    // The Node entry as the node/bun/deno conditions resolve it; the web entry as wrangler's.
    ...(entry === "node" ? { platform: "node", conditions: ["source"] } : { platform: "browser", conditions: ["source", "workerd", "worker", "browser"] }),
    logLevel: "silent",
  });
}

const installs = await Promise.all(RUNTIMES.map(async (runtime) => ({ runtime, result: await install(runtime) })));

let emulator: Emulator;
let work: string;
const programs: Record<"node" | "web", string> = { node: "", web: "" };

before(async () => {
  emulator = await startEmulator();
  work = await mkdtemp(join(tmpdir(), "oci-raw-matrix-"));
  for (const entry of ["node", "web"] as const) {
    programs[entry] = join(work, `program-${entry}.mjs`);
    await bundle(entry, programs[entry]);
  }
});
after(async () => {
  await emulator.stop();
  await rm(work, { recursive: true, force: true });
});

for (const { runtime, result } of installs) {
  if ("error" in result) {
    test.skip(`${runtime.name} could not be installed: ${result.error}`, () => {});
    continue;
  }
  for (const entry of ["node", "web"] as const) {
    test(`${runtime.name}, ${entry === "node" ? "Node entry (node:crypto)" : "web entry (Web Crypto)"}: the vectors, a signed round trip, a generated typed call`, { timeout: 180_000 }, async () => {
      const key = await emulator.createApiKey();
      const name = `${runtime.name}-${entry}@example.com`.replace(/[^\w@.-]/g, "-");
      const input = {
        vectors: { tenancy: v.TENANCY, user: v.USER, fingerprint: v.FINGERPRINT, pem: v.TEST_PRIVATE_KEY_PEM, getUrl: v.GET_URL, postUrl: v.POST_URL, postBody: v.POST_BODY, date: v.DATE },
        key: { tenancy: key.tenancy, user: key.user, fingerprint: key.fingerprint, pem: key.privateKeyPem },
        url: emulator.url,
        compartmentId: EMULATOR_COMPARTMENT_ID,
        name,
      };
      const out = await run(result.path, [...runtime.args, programs[entry], JSON.stringify(input)], { cwd: work });
      assert.equal(out.code, 0, `${runtime.name} exited ${out.code}\n${out.stderr}`);
      const report = JSON.parse(out.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
      assert.deepEqual(report, {
        entry,
        get: `Signature version="1",headers="${v.GET_SIGNED_HEADERS}",keyId="${v.KEY_ID}",algorithm="rsa-sha256",signature="${v.GET_SIGNATURE}"`,
        post: `Signature version="1",headers="${v.POST_SIGNED_HEADERS}",keyId="${v.KEY_ID}",algorithm="rsa-sha256",signature="${v.POST_SIGNATURE}"`,
        created: 200,
        listed: 200,
        typedName: name,
      });
      // The emulator saw this key's signatures (and refused none of them).
      const mine = emulator.requests.filter((r) => String(r.headers["authorization"]).includes(key.keyId));
      assert.equal(mine.length, 3);
    });
  }
}
