/**
 * The runtime matrix: Node 20 (this process's), Node 22, Bun and Deno — each from its npm
 * package (`node@22`, `bun`, `deno`), installed into a temp dir that later runs reuse — run
 * one program that signs OCI's published vectors, makes a signed round trip to the emulator
 * (signedFetch POST and GET) and a generated typed call (identity getUser). The program is
 * plain JavaScript in a throwaway project whose node_modules/oci-raw is this package as it
 * ships (package.json + the esbuild half of scripts/build.ts), so each runtime resolves
 * `oci-raw` through the "exports" conditions on its own, with no bundler and no flag: `node`,
 * `bun` and `deno` must land on the Node entry (node:crypto); `oci-raw/web` — and, on Node,
 * `--conditions=worker` for the root — on the web entry (Web Crypto), the worker conditions
 * coming before `node` in the exports.
 * The emulator runs here, on loopback, and verifies every signature independently.
 *
 * A runtime whose package cannot be installed (no registry, an unsupported platform) is
 * skipped with a visible line naming it and why; the registry is the only network used.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";
import { javascriptBuilds } from "../scripts/build.js";
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

/**
 * The program, as a user would write it (plain ESM, bare specifiers). argv: the input as JSON.
 * `input.entry` says which specifier to import: "oci-raw" (whatever the runtime's conditions
 * pick) or "oci-raw/web". It reports which entry it got: only the Node entry has loadConfig.
 */
const PROGRAM = `
import * as identity from "./generated/identity/index.js";

const input = JSON.parse((globalThis.Deno?.args ?? globalThis.process.argv.slice(2))[0]);
const oci = input.entry === "web" ? await import("oci-raw/web") : await import("oci-raw");
const web = !("loadConfig" in oci);
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

/**
 * A project with oci-raw installed as it ships: node_modules/oci-raw holds package.json and a
 * fresh dist/ (JavaScript only: runtimes need no declarations), zod links to this repo's copy,
 * and generated/identity is the generated client compiled to JavaScript.
 */
async function makeProject(dir: string): Promise<void> {
  const pkgDir = join(dir, "node_modules", "oci-raw");
  await mkdir(pkgDir, { recursive: true });
  await copyFile(join(root, "package.json"), join(pkgDir, "package.json"));
  for (const options of javascriptBuilds(join(pkgDir, "dist"))) await build(options);
  await symlink(join(root, "node_modules", "zod"), join(dir, "node_modules", "zod"), "dir");
  await mkdir(join(dir, "generated", "identity"), { recursive: true });
  const source = await readFile(join(root, "generated", "identity", "index.ts"), "utf8");
  const compiled = await transform(source, { loader: "ts", format: "esm", target: "es2022" });
  await writeFile(join(dir, "generated", "identity", "index.js"), compiled.code);
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "matrix-project", private: true, type: "module" }));
  await writeFile(join(dir, "program.mjs"), PROGRAM);
}

const installs = await Promise.all(RUNTIMES.map(async (runtime) => ({ runtime, result: await install(runtime) })));

let emulator: Emulator;
let work: string;

before(async () => {
  emulator = await startEmulator();
  work = await mkdtemp(join(tmpdir(), "oci-raw-matrix-"));
  await makeProject(work);
});
after(async () => {
  await emulator.stop();
  await rm(work, { recursive: true, force: true });
});

/** Which specifier the program imports, runtime flags for it, and the entry that must answer. */
const CASES = [
  { label: 'import "oci-raw" (the runtime\'s own conditions)', entry: "root", flags: [], expect: "node" },
  { label: 'import "oci-raw/web"', entry: "web", flags: [], expect: "web" },
  { label: 'import "oci-raw" under --conditions=worker (Node only)', entry: "root", flags: ["--conditions=worker"], expect: "web", nodeOnly: true },
] as const;

for (const { runtime, result } of installs) {
  if ("error" in result) {
    test.skip(`${runtime.name} could not be installed: ${result.error}`, () => {});
    continue;
  }
  for (const c of CASES) {
    if ("nodeOnly" in c && runtime.name.startsWith("Node") === false) continue;
    test(`${runtime.name}, ${c.label} → the ${c.expect} entry: the vectors, a signed round trip, a generated typed call`, { timeout: 180_000 }, async () => {
      const key = await emulator.createApiKey();
      const name = `${runtime.name}-${c.entry}-${c.flags.length}@example.com`.replace(/[^\w@.-]/g, "-");
      const input = {
        entry: c.entry,
        vectors: { tenancy: v.TENANCY, user: v.USER, fingerprint: v.FINGERPRINT, pem: v.TEST_PRIVATE_KEY_PEM, getUrl: v.GET_URL, postUrl: v.POST_URL, postBody: v.POST_BODY, date: v.DATE },
        key: { tenancy: key.tenancy, user: key.user, fingerprint: key.fingerprint, pem: key.privateKeyPem },
        url: emulator.url,
        compartmentId: EMULATOR_COMPARTMENT_ID,
        name,
      };
      const out = await run(result.path, [...runtime.args, ...c.flags, join(work, "program.mjs"), JSON.stringify(input)], { cwd: work });
      assert.equal(out.code, 0, `${runtime.name} exited ${out.code}\n${out.stderr}`);
      const report = JSON.parse(out.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
      assert.deepEqual(report, {
        entry: c.expect,
        get: `Signature version="1",headers="${v.GET_SIGNED_HEADERS}",keyId="${v.KEY_ID}",algorithm="rsa-sha256",signature="${v.GET_SIGNATURE}"`,
        post: `Signature version="1",headers="${v.POST_SIGNED_HEADERS}",keyId="${v.KEY_ID}",algorithm="rsa-sha256",signature="${v.POST_SIGNATURE}"`,
        created: 200,
        listed: 200,
        typedName: name,
      });
      // The emulator saw this key's three signed requests.
      const mine = emulator.requests.filter((r) => String(r.headers["authorization"]).includes(key.keyId));
      assert.equal(mine.length, 3);
    });
  }
}
