/**
 * Every code block in README.md is checked. The line before each block says how:
 *
 *   <!-- check: example examples/x.ts -->  the block equals that file, and the file runs here
 *   <!-- check: shell -->                  run with bash, in order, in a sandbox
 *   <!-- check: config -->                 written to the sandbox's ~/.oci/config
 *   <!-- check: contributor -->            npm commands: scripts that exist; the demo runs
 *   <!-- check: packaging -->              run by test/packaging.test.ts (the install command)
 *
 * The sandbox is a temp HOME and project dir, `oci-raw` on PATH is this repo's CLI from
 * sources, and `npx` there runs only that. `toEmulator` is the only change made to a block
 * before it runs: the README's `https://<service>.us-ashburn-1.oraclecloud.com` origins become
 * the emulator's URL and its example tenancy, user and fingerprint become the emulator key's;
 * any other URL that is not loopback fails the test. Instance metadata and federation go to
 * the emulator through OCI_METADATA_BASE_URL and OCI_RAW_FEDERATION_ENDPOINT.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { mountFederation, mountImds, startEmulator, type ApiKey, type Emulator } from "oci-raw/emulator";
import { readmeBlocks, type ReadmeBlock } from "./support/readme-blocks.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const readme = await readFile(join(repo, "README.md"), "utf8");
const tsxLoader = import.meta.resolve("tsx");

const blocks = readmeBlocks(readme);

/** The README's example values, and what they become against the emulator. */
const EXAMPLE_TENANCY = "ocid1.tenancy.oc1..aaaaaaaaexampletenancy";
const EXAMPLE_USER = "ocid1.user.oc1..aaaaaaaaexampleuser";
const EXAMPLE_FINGERPRINT = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34";

function toEmulator(text: string, emulator: Emulator, key: ApiKey): string {
  const mapped = text
    .replace(/https:\/\/[a-z0-9-]+\.us-ashburn-1\.oraclecloud\.com/g, emulator.url)
    .replaceAll(EXAMPLE_TENANCY, key.tenancy)
    .replaceAll(EXAMPLE_USER, key.user)
    .replaceAll(EXAMPLE_FINGERPRINT, key.fingerprint);
  for (const match of mapped.matchAll(/https?:\/\/[^\s"'`)]+/g)) {
    assert.match(match[0], /^https?:\/\/(127\.0\.0\.1|\[::1\])[:/]/, `a README block would reach ${match[0]}: only loopback is allowed`);
  }
  return mapped;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeout = 60_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function describe(block: ReadmeBlock, result: RunResult): string {
  return `README.md:${block.line} exited ${result.code}\n--- block\n${block.code}--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

test("every README code block says how it is checked", () => {
  assert.ok(blocks.length > 0);
  for (const block of blocks) {
    assert.match(
      block.check,
      /^(example examples\/[\w./-]+|shell|config|contributor|packaging)$/,
      `README.md:${block.line}: put <!-- check: … --> above this block (see test/readme.test.ts)`,
    );
  }
});

test("README example blocks are exactly their examples/ files", async () => {
  const examples = blocks.filter((b) => b.check.startsWith("example "));
  assert.ok(examples.length > 0);
  for (const block of examples) {
    const path = block.check.slice("example ".length);
    const file = await readFile(join(repo, path), "utf8");
    assert.equal(block.code, file, `README.md:${block.line} differs from ${path}`);
  }
});

test("contributor commands: npm install, scripts that exist, and npm test is what CI runs", async () => {
  const scripts = (JSON.parse(await readFile(join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const ci = await readFile(join(repo, ".ci/run"), "utf8");
  const commands = blocks.filter((b) => b.check === "contributor").flatMap((b) => b.code.trim().split("\n"));
  assert.ok(commands.includes("npm install"), "the newcomer's first command is npm install");
  assert.ok(commands.includes("npm test"), "the test command is exactly npm test");
  assert.match(ci, /^npm test$/m, ".ci/run must run npm test");
  for (const command of commands) {
    const script = /^npm run ([\w:-]+)$/.exec(command)?.[1];
    if (script) assert.ok(scripts[script], `README runs "npm run ${script}", which package.json lacks`);
    else assert.ok(command === "npm install" || command === "npm test", `unexpected contributor command: ${command}`);
  }
  assert.ok(scripts["test"]);
});

test("npm run demo (the newcomer's second command) succeeds", { timeout: 120_000 }, async () => {
  const result = await run("npm", ["run", "--silent", "demo"], repo, { ...process.env }, 110_000);
  assert.equal(result.code, 0, `npm run demo failed\n${result.stdout}\n${result.stderr}`);
});

test("the Python SDK name map names real exports of oci-raw (or of oci-raw/auth, where it says so)", async () => {
  const entries: Record<string, Record<string, unknown>> = { "oci-raw": await import("oci-raw"), "oci-raw/auth": await import("oci-raw/auth") };
  const section = readme.slice(readme.indexOf("## Coming from the Python SDK"));
  const rows = [...section.matchAll(/^\| `([\w.]+)` \| `(\w+)`(?: \(`(oci-raw\/auth)`\))? \|$/gm)];
  assert.ok(rows.length >= 15, `expected the name map table, found ${rows.length} rows`);
  assert.ok(rows.some((row) => row[3] !== undefined), "some rows name oci-raw/auth");
  for (const [, python, name, entry = "oci-raw"] of rows) {
    assert.ok(name && entries[entry]?.[name] !== undefined, `${python} → ${name}: ${entry} exports no ${name}`);
  }
});

test("every environment variable in the README's table is read by the code", async () => {
  const section = readme.slice(readme.indexOf("## Environment variables"));
  const table = section.slice(0, section.indexOf("\n\n", section.indexOf("| Variable")));
  const names = [...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] ?? "");
  assert.ok(names.length >= 10);
  const sources: string[] = [];
  for (const dir of ["runtime", "runtime/auth", "bin", "bin/commands"]) {
    const full = join(repo, dir);
    if (!existsSync(full)) continue;
    for (const file of await readdir(full)) if (file.endsWith(".ts")) sources.push(await readFile(join(full, file), "utf8"));
  }
  const code = sources.join("\n");
  for (const name of new Set(names)) assert.ok(code.includes(name), `README lists ${name}, which nothing in runtime/ or bin/ reads`);
});

test('typed-call.ts: `region: config.region` reaches the same URL as its `endpoint`', async () => {
  const { createClient, serviceBaseUrl, ApiKeySigner } = await import("oci-raw");
  const { service } = await import("../examples/oci/identity/index.js");
  const { generateKeyPairSync } = await import("node:crypto");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signer = new ApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKey });
  const example = await readFile(join(repo, "examples/typed-call.ts"), "utf8");
  const endpoint = /endpoint: "([^"]+)", \/\/ or: region: config\.region/.exec(example)?.[1];
  assert.ok(endpoint, "examples/typed-call.ts sets endpoint with the `or: region` comment");
  const byRegion = serviceBaseUrl(createClient({ signer, region: "us-ashburn-1" }), { service, operationId: "ListUsers" });
  const byEndpoint = serviceBaseUrl(createClient({ signer, endpoint }), { service, operationId: "ListUsers" });
  assert.equal(byRegion, byEndpoint);
});

test("the benchmark section has its markers, once each, in order", () => {
  const start = readme.indexOf("<!-- bench:start -->");
  const end = readme.indexOf("<!-- bench:end -->");
  assert.ok(start >= 0 && end > start);
  assert.equal(readme.indexOf("<!-- bench:start -->", start + 1), -1);
  assert.equal(readme.indexOf("<!-- bench:end -->", end + 1), -1);
});

test("README config, shell and example blocks run against the emulator", { timeout: 180_000 }, async (t) => {
  const emulator = await startEmulator();
  t.after(() => emulator.stop());
  // Instance principals: the emulator's instance metadata and federation endpoint.
  const imds = await mountImds(emulator);
  mountFederation(emulator, { caCertificatePem: imds.ca.certificatePem });
  // examples/custom-ca.ts talks HTTPS to a server whose CA it is given.
  const httpsEmulator = await startEmulator({ https: true });
  t.after(() => httpsEmulator.stop());
  // examples/official-sdk.ts creates "ada" too: an emulator of its own, as a user would start one.
  const sdkEmulator = await startEmulator();
  t.after(() => sdkEmulator.stop());
  const sandbox = await mkdtemp(join(tmpdir(), "oci-raw-readme-"));
  const written: string[] = [];
  t.after(async () => {
    await rm(sandbox, { recursive: true, force: true });
    for (const file of written) await rm(file, { force: true });
  });
  const home = join(sandbox, "home");
  const project = join(sandbox, "project");
  const shims = join(sandbox, "bin");
  await mkdir(join(home, ".oci"), { recursive: true });
  await mkdir(project);
  await mkdir(shims);
  await copyFile(join(repo, "specs/identity.yaml"), join(project, "identity.yaml"));

  // `oci-raw` is this repo's CLI from sources; `npx` may only run it (never the registry).
  const cli = `#!/bin/sh\nexec "${process.execPath}" --conditions=source --import "${tsxLoader}" "${join(repo, "bin/oci-raw.ts")}" "$@"\n`;
  const npx = `#!/bin/sh\nif [ "$1" = oci-raw ]; then shift; exec "${join(shims, "oci-raw")}" "$@"; fi\necho "readme test: only 'npx oci-raw' is allowed" >&2\nexit 97\n`;
  await writeFile(join(shims, "oci-raw"), cli);
  await writeFile(join(shims, "npx"), npx);
  await chmod(join(shims, "oci-raw"), 0o755);
  await chmod(join(shims, "npx"), 0o755);

  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // NODE_TEST_CONTEXT would make a child `node --test` think it runs inside this test.
    if (/^OCI_/.test(name) || /^(https?|no)_proxy$/i.test(name) || name === "NODE_OPTIONS" || name === "NODE_TEST_CONTEXT") continue;
    env[name] = value;
  }
  Object.assign(env, {
    HOME: home,
    PATH: `${shims}${delimiter}${process.env["PATH"] ?? ""}`,
    OCI_METADATA_BASE_URL: `${emulator.url}/opc/v2`,
    OCI_RAW_FEDERATION_ENDPOINT: `${emulator.url}/v1/x509`,
  });

  // The config block, with the emulator's key in place of the example values.
  const key = await emulator.createApiKey();
  httpsEmulator.registerApiKey(key.keyId, key.publicKeyPem);
  await writeFile(join(project, "corporate-ca.pem"), httpsEmulator.caCertificatePem ?? "");
  const configBlocks = blocks.filter((b) => b.check === "config");
  assert.equal(configBlocks.length, 1, "one config block");
  const config = toEmulator(configBlocks[0]?.code ?? "", emulator, key);
  const keyFile = /^key_file=~\/(.+)$/m.exec(config)?.[1];
  assert.ok(keyFile, "the config block's key_file is under ~/");
  await writeFile(join(home, ".oci/config"), config, { mode: 0o600 });
  await writeFile(join(home, keyFile), key.privateKeyPem, { mode: 0o600 });

  for (const block of blocks) {
    if (block.check === "shell") {
      await t.test(`README.md:${block.line} (shell)`, async () => {
        const script = toEmulator(block.code, emulator, key);
        const result = await run("bash", ["-euo", "pipefail", "-c", script], project, env);
        assert.equal(result.code, 0, describe(block, result));
        if (/\boci-raw generate\b/.test(block.code)) await compareWithCommittedClient(join(project, "src/oci/identity"));
        // Each raw request prints one JSON document with the answer's status.
        const requests = block.code.match(/\boci-raw raw-request\b/g)?.length ?? 0;
        assert.equal(result.stdout.match(/"status":\s*"200\b/g)?.length ?? 0, requests, describe(block, result));
      });
    } else if (block.check.startsWith("example ")) {
      const path = block.check.slice("example ".length);
      await t.test(`README.md:${block.line} (${path})`, async () => {
        // A copy beside the original, so its relative imports still resolve.
        const copy = join(repo, "examples", `.readme-run-${basename(path)}`);
        written.push(copy);
        const target = path === "examples/custom-ca.ts" ? httpsEmulator : path === "examples/official-sdk.ts" ? sdkEmulator : emulator;
        await writeFile(copy, toEmulator(await readFile(join(repo, path), "utf8"), target, key));
        const testFlag = path.endsWith(".test.ts") ? ["--test", "--test-reporter=tap"] : [];
        // The official SDK's example takes the emulator's URL and config file from the environment.
        const exampleEnv = path === "examples/official-sdk.ts" ? { ...env, EMULATOR_URL: sdkEmulator.url, EMULATOR_CONFIG: await sdkEmulator.writeConfigFile(join(sandbox, "sdk-emulator")) } : env;
        const result = await run(process.execPath, ["--conditions=source", "--import", tsxLoader, ...testFlag, copy], project, exampleEnv);
        assert.equal(result.code, 0, describe(block, result));
        const expect = EXPECTED_OUTPUT[path];
        assert.ok(expect, `no expected output for ${path} in test/readme.test.ts`);
        assert.match(result.stdout, expect, describe(block, result));
      });
    }
  }
});

test("README claim: NODE_EXTRA_CA_CERTS is enough for the platform fetch to trust a CA", { timeout: 60_000 }, async (t) => {
  const emulator = await startEmulator({ https: true });
  t.after(() => emulator.stop());
  const sandbox = await mkdtemp(join(tmpdir(), "oci-raw-readme-ca-"));
  t.after(() => rm(sandbox, { recursive: true, force: true }));
  const config = await emulator.writeConfigFile(sandbox);
  const ca = join(sandbox, "ca.pem");
  await writeFile(ca, emulator.caCertificatePem ?? "");
  const script = `import { loadConfig, signedFetch, signerFromConfig } from "oci-raw";
const config = loadConfig();
const response = await signedFetch("${emulator.url}/n/", { signer: signerFromConfig(config) });
console.log(response.status);`;
  const file = join(repo, "examples", ".readme-run-extra-ca.ts");
  await writeFile(file, script);
  t.after(() => rm(file, { force: true }));
  const env = { ...process.env, OCI_CLI_CONFIG_FILE: config, NODE_TEST_CONTEXT: undefined, NODE_OPTIONS: undefined };
  const without = await run(process.execPath, ["--conditions=source", "--import", tsxLoader, file], repo, env);
  assert.notEqual(without.code, 0, "without the CA the TLS handshake must fail (else this test proves nothing)");
  const withCa = await run(process.execPath, ["--conditions=source", "--import", tsxLoader, file], repo, { ...env, NODE_EXTRA_CA_CERTS: ca });
  assert.equal(withCa.code, 0, withCa.stderr);
  assert.equal(withCa.stdout.trim(), "200");
});

/** What each example prints against the emulator (whose identity service starts with no users). */
const EXPECTED_OUTPUT: Record<string, RegExp> = {
  // The README's raw request lists the (still empty) tenancy.
  "examples/raw-request.ts": /^200 \[\]\n$/,
  // The official OCI SDK (oci-identity, oci-objectstorage) against the emulator.
  "examples/official-sdk.ts": /^ACTIVE \[ 'ada' \]\n\[ 'hello\.txt' \]\n$/,
  // IMDS answers region "iad"; the signer reports the canonical name. The tenancy is the emulator's.
  "examples/instance-principal.ts": /^us-ashburn-1 200 \[/,
  "examples/typed-call.ts": /^200 ada true\nada ACTIVE\n404 NotAuthorizedOrNotFound true\n$/,
  "examples/custom-ca.ts": /^200\n$/,
  "examples/users.test.ts": /^# pass 1$/m,
  // The emulator's config: a client with its endpoint reaches it; one with only its region throws.
  "examples/emulator-config.test.ts": /^# pass 1$/m,
  // A Worker module: on its own it only defines its handler (and loads the web entry on Node)…
  "examples/worker.ts": /^$/,
  // …which its test calls, signing with Web Crypto against the emulator.
  "examples/worker.test.ts": /^# pass 1$/m,
};

/**
 * The README's generate command, run on specs/identity.yaml, must write the client the examples
 * import (examples/oci is a link to generated/): the same code, less the --checks extras
 * (schemas.check.ts, and the `@ts-nocheck` a plain run puts on index.ts) and the header's
 * "regenerate with" line.
 */
async function compareWithCommittedClient(dir: string): Promise<void> {
  const committed = join(repo, "generated/identity");
  const files = (await readdir(dir)).sort();
  assert.deepEqual(files, (await readdir(committed)).filter((file) => file !== "schemas.check.ts").sort(), "the README's generate command writes other files than generated/identity has");
  const code = (text: string) => text.split("\n").filter((line) => !line.startsWith("//")).join("\n");
  for (const file of files) {
    assert.equal(code(await readFile(join(dir, file), "utf8")), code(await readFile(join(committed, file), "utf8")), `the README's client differs from generated/identity/${file}: run \`npm run generate\``);
  }
}
