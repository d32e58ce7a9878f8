/**
 * `oci-raw emulator` from a shell: every auth path. The emulator runs as a child process; its
 * printed `export` lines are the only configuration the `raw-request` children get (a clean
 * environment: an empty HOME, no OCI_* from outside). Every request those children send goes
 * through a loopback recording proxy (HTTP_PROXY), so the test sees each host contacted: the
 * instance metadata must come from the printed variable, never 169.254.169.254, and nothing
 * may leave loopback.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli, startCliEmulator, type CliRun } from "./support/cli-run.js";
import { startForwardProxy, type ForwardProxy } from "./support/forward-proxy.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin", "oci-raw.ts");
const dir = mkdtempSync(join(tmpdir(), "oci-raw-cli-auth-"));
const home = join(dir, "home"); // never created: no ~/.oci/config to fall back on

/** What a shell needs, as `oci-raw emulator` must print it. */
const REQUIRED_EXPORTS = [
  "OCI_METADATA_BASE_URL",
  "OCI_RAW_FEDERATION_ENDPOINT",
  "OCI_RESOURCE_PRINCIPAL_VERSION",
  "OCI_RESOURCE_PRINCIPAL_RPST",
  "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM",
  "OCI_RESOURCE_PRINCIPAL_REGION",
] as const;

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: () => string;
  url: string;
  exports: Record<string, string>;
  exited: Promise<number | null>;
}

/** The `export NAME=value` lines of `text` (values bare or single-quoted, as a shell reads them). */
export function parseExports(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z][A-Z0-9_]*)=(.*)$/gm)) {
    const raw = match[2]!;
    found[match[1]!] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll("'\\''", "'") : raw;
  }
  return found;
}

/** The required variables `stdout` has no export line for. */
function missingExports(stdout: string): string[] {
  const found = parseExports(stdout);
  return REQUIRED_EXPORTS.filter((name) => found[name] === undefined || found[name] === "");
}

async function startCliEmulatorWithExports(args: readonly string[]): Promise<Started> {
  const started = await startCliEmulator(args, home);
  assert.ok(started.url, started.stdout);
  return { ...started, exports: parseExports(started.stdout) };
}

/** `oci-raw raw-request` with exactly `env` (plus PATH, an empty HOME and the recording proxy). */
function rawRequest(args: readonly string[], env: Record<string, string>, proxy: ForwardProxy): Promise<CliRun> {
  return runCli(["raw-request", ...args], home, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, ...env });
}

/** Every host the proxy saw is loopback; none is the link-local metadata address. */
function assertOnlyLoopback(proxy: ForwardProxy): void {
  assert.ok(proxy.seen.length > 0, "the requests went through the recording proxy");
  for (const line of proxy.seen) {
    assert.doesNotMatch(line, /169\.254\.169\.254|a9fe:a9fe/i, `a request went to the real instance metadata address: ${line}`);
    assert.match(line, /^(CONNECT (127\.0\.0\.1|\[::1\]|localhost):\d+|[A-Z]+ https?:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/])/, `not loopback: ${line}`);
  }
}

let emulator: Started;
let proxy: ForwardProxy;

before(async () => {
  proxy = await startForwardProxy();
  emulator = await startCliEmulatorWithExports(["--config-dir", join(dir, "emu"), "--log"]);
});
after(async () => {
  emulator.child.kill("SIGINT");
  await emulator.exited;
  await proxy.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("oci-raw emulator: the auth environment it prints", () => {
  test("prints every export line a shell needs, pointing at itself and at 0600 files in the config dir", () => {
    const { exports, url, stdout } = emulator;
    assert.deepEqual(missingExports(stdout), [], stdout);
    assert.equal(exports["OCI_METADATA_BASE_URL"], `${url}/opc/v2`);
    assert.equal(exports["OCI_RAW_FEDERATION_ENDPOINT"], `${url}/v1/x509`);
    assert.equal(exports["OCI_RESOURCE_PRINCIPAL_VERSION"], "2.2");
    assert.equal(exports["OCI_RESOURCE_PRINCIPAL_REGION"], "oci-raw-emulator");
    for (const name of ["OCI_RESOURCE_PRINCIPAL_RPST", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"]) {
      const file = exports[name]!;
      assert.ok(file.startsWith(join(dir, "emu")), `${name} is a file in the config dir: ${file}`);
      assert.equal(statSync(file).mode & 0o777, 0o600, `${file} is readable by its owner only`);
    }
    const key = readFileSync(exports["OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"]!, "utf8");
    assert.match(key, /BEGIN PRIVATE KEY/);
    assert.doesNotMatch(stdout, /PRIVATE KEY/, "no key text is printed");
    assert.ok(!stdout.includes(readFileSync(exports["OCI_RESOURCE_PRINCIPAL_RPST"]!, "utf8")), "the token is not printed");
    assert.match(stdout, new RegExp(`Endpoint: ${url.replaceAll(".", "\\.")}`), "the endpoint to pass is printed");
  });

  test("the check catches any missing export line, and without each resource principal variable the request fails", async () => {
    for (const name of REQUIRED_EXPORTS) {
      const without = emulator.stdout.replace(new RegExp(`^export ${name}=.*\\n`, "m"), "");
      assert.deepEqual(missingExports(without), [name]);
    }
    assert.deepEqual(parseExports("export A='x y'\nexport B='it'\\''s'\n"), { A: "x y", B: "it's" });
    for (const name of ["OCI_RESOURCE_PRINCIPAL_VERSION", "OCI_RESOURCE_PRINCIPAL_RPST", "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"]) {
      const env = { ...emulator.exports };
      delete env[name];
      const result = await rawRequest(["--auth", "resource_principal", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], env, proxy);
      assert.equal(result.code, 3, `${name}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(name), result.stderr);
    }
  });

  for (const mode of ["instance_principal", "resource_principal"] as const) {
    test(`--auth ${mode} with exactly the printed variables: 200, the signature verified, loopback only`, async () => {
      proxy.seen.length = 0;
      const before = emulator.stderr().length;
      const result = await rawRequest(["--auth", mode, "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], emulator.exports, proxy);
      assert.equal(result.code, 0, result.stderr);
      const answer = JSON.parse(result.stdout) as { status: string; data: unknown };
      assert.match(answer.status, /^200\b/);
      assert.equal(answer.data, "emulatorns");
      // The emulator's --log: the request to /n/ was verified under a security token.
      const log = emulator.stderr().slice(before);
      assert.match(log, /^200 GET \/n\/ key=ST\$<token>$/m, log);
      assertOnlyLoopback(proxy);
      // The proxy sees hosts (undici tunnels even plain HTTP with CONNECT): only the emulator's.
      const host = new URL(emulator.url).host;
      assert.deepEqual([...new Set(proxy.seen)], [`CONNECT ${host}`], proxy.seen.join("\n"));
      if (mode === "instance_principal") {
        // Instance metadata from the printed URL, then the token from the printed federation endpoint.
        assert.match(log, /^200 GET \/opc\/v2\/instance\/region key=-$/m, log);
        assert.match(log, /^200 GET \/opc\/v2\/identity\/cert\.pem key=-$/m, log);
        assert.match(log, /^200 POST \/v1\/x509 /m, log);
      } else {
        // Resource principals 2.2 read the printed files: the request itself is all that is sent.
        assert.deepEqual(log.trim().split("\n"), ["200 GET /n/ key=ST$<token>"], log);
      }
    });
  }

  test("without the federation variable, instance principals fail with a typed error and nothing reaches Oracle", async () => {
    proxy.seen.length = 0;
    const { OCI_RAW_FEDERATION_ENDPOINT: _dropped, ...rest } = emulator.exports;
    const result = await rawRequest(["--auth", "instance_principal", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], rest, proxy);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /IMDS_BAD_REGION|OCI_RAW_FEDERATION_ENDPOINT/);
    assertOnlyLoopback(proxy);
  });

  test("the config's credentials sign only for loopback: a README-style oraclecloud.com URL is refused before sending", async () => {
    proxy.seen.length = 0;
    const config = /Config file: (.+)/.exec(emulator.stdout)![1]!;
    const result = await rawRequest(
      ["--config-file", config, "--http-method", "GET", "--target-uri", "https://identity.us-ashburn-1.oraclecloud.com/20160918/users/"],
      {},
      proxy,
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /oci-raw emulator/);
    assert.match(result.stderr, /Nothing was sent/);
    assert.deepEqual(proxy.seen, [], "nothing was sent anywhere");
    const ip = await rawRequest(["--auth", "instance_principal", "--http-method", "GET", "--target-uri", "https://objectstorage.us-ashburn-1.oraclecloud.com/n/"], emulator.exports, proxy);
    assert.notEqual(ip.code, 0);
    assert.match(ip.stderr, /instance principal credentials .* belong to the oci-raw emulator/);
    assertOnlyLoopback(proxy); // the IMDS and federation requests, never the Oracle host
  });

  test("--https: the exports add NODE_EXTRA_CA_CERTS, and with it both auth paths trust the emulator's CA", { timeout: 120_000 }, async () => {
    const secure = await startCliEmulatorWithExports(["--https", "--config-dir", join(dir, "emu-https")]);
    try {
      assert.match(secure.url, /^https:/);
      assert.equal(secure.exports["NODE_EXTRA_CA_CERTS"], join(dir, "emu-https", "emulator-ca.pem"));
      assert.match(readFileSync(secure.exports["NODE_EXTRA_CA_CERTS"]!, "utf8"), /BEGIN CERTIFICATE/);
      assert.equal(secure.exports["OCI_METADATA_BASE_URL"], `${secure.url}/opc/v2`);
      for (const mode of ["instance_principal", "resource_principal"]) {
        proxy.seen.length = 0;
        const result = await rawRequest(["--auth", mode, "--http-method", "GET", "--target-uri", `${secure.url}/n/`], secure.exports, proxy);
        assert.equal(result.code, 0, `${mode}: ${result.stderr}`);
        assert.match((JSON.parse(result.stdout) as { status: string }).status, /^200\b/);
        assertOnlyLoopback(proxy);
      }
      // Without the CA, the same request is refused by TLS: the export is what makes it work.
      const { NODE_EXTRA_CA_CERTS: _ca, ...untrusted } = secure.exports;
      const refused = await rawRequest(["--auth", "resource_principal", "--http-method", "GET", "--target-uri", `${secure.url}/n/`], untrusted, proxy);
      assert.notEqual(refused.code, 0);
    } finally {
      secure.child.kill("SIGINT");
      await secure.exited;
    }
  });
});
