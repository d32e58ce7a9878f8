/**
 * The OCI CLI flags `oci-raw raw-request` takes with the OCI CLI's meaning: retries
 * (--no-retry, --max-retries), timeouts (--read-timeout, --connection-timeout), TLS
 * (--cert-bundle), output (--raw-output), --wait-for-state with --max-wait-seconds and
 * --wait-interval-seconds, --region, and what --debug says signed. Child processes against
 * the emulator in this process; every flag's effect is read from what the emulator received.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { json, startEmulator, type Emulator } from "oci-raw/emulator";
import { runCli } from "./support/cli-run.js";

const home = mkdtempSync(join(tmpdir(), "oci-raw-cli-flags-"));
let emulator: Emulator;
let configFile: string;
/** The lifecycleState each next GET /wait/thing answers ("404": gone); the last one repeats. */
let states: string[] = [];

const run = (args: readonly string[], env?: Record<string, string>) => runCli(args, home, env);
const get = (path: string, ...more: string[]) =>
  run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}${path}`, ...more]);
const received = (path: string): number => emulator.requests.filter((r) => r.path === path).length;

before(async () => {
  emulator = await startEmulator();
  configFile = await emulator.writeConfigFile(join(home, "oci"));
  emulator.route("GET", "/wait/thing", () => {
    const state = states.length > 1 ? states.shift()! : states[0]!;
    if (state === "404") return json(404, { code: "NotAuthorizedOrNotFound", message: "gone" });
    if (state === "204") return { status: 204 };
    return json(200, { id: "ocid1.thing.oc1..aaaa", lifecycleState: state });
  });
  emulator.route("GET", "/text/string", () => json(200, "just a string"));
});
after(async () => {
  await emulator.stop();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.faults.clear();
  emulator.clearRequests();
});

test("raw-request --help lists every new flag with an example", async () => {
  const help = await run(["raw-request", "--help"]);
  assert.equal(help.code, 0);
  for (const flag of ["region", "cert-bundle", "connection-timeout", "read-timeout", "max-retries", "no-retry", "wait-for-state", "max-wait-seconds", "wait-interval-seconds", "raw-output"]) {
    assert.match(help.stdout, new RegExp(`--${flag}\\b[^\\n]*\\n[^\\n]*e\\.g\\. --${flag}`), flag);
  }
});

describe("--no-retry and --max-retries", () => {
  const busy = (count: number) => emulator.faults.failNext(count, 429, "TooManyRequests", "slow down", { "retry-after": "0" });

  test("by default a 429 is retried; --no-retry sends once", async () => {
    busy(1);
    assert.equal((await get("/n/")).code, 0);
    assert.equal(received("/n/"), 2);
    emulator.clearRequests();
    busy(1);
    const once = await get("/n/", "--no-retry");
    assert.equal(once.code, 1);
    assert.match(once.stderr, /TooManyRequests/);
    assert.equal(received("/n/"), 1);
  });

  test("--max-retries N allows N retries after the first attempt", async () => {
    busy(2);
    assert.equal((await get("/n/", "--max-retries", "2")).code, 0);
    assert.equal(received("/n/"), 3);
    emulator.clearRequests();
    busy(2);
    assert.equal((await get("/n/", "--max-retries", "1")).code, 1);
    assert.equal(received("/n/"), 2);
  });

  test("bad values and both flags together are usage errors, before anything is sent", async () => {
    for (const args of [["--max-retries", "-1"], ["--max-retries", "two"], ["--max-retries", "1.5"], ["--no-retry", "--max-retries", "3"]]) {
      const result = await get("/n/", ...args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    }
    assert.equal(received("/n/"), 0);
  });
});

describe("--read-timeout and --connection-timeout", () => {
  test("an answer slower than --read-timeout fails as a timeout, long before the answer comes", async () => {
    emulator.faults.delayNext(1, 20_000);
    const started = Date.now();
    const result = await get("/n/", "--read-timeout", "0.5", "--no-retry");
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /time|Timeout/i);
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  });

  test("a --read-timeout the answer beats, and a --connection-timeout, leave the request alone", async () => {
    emulator.faults.delayNext(1, 200);
    const result = await get("/n/", "--read-timeout", "10", "--connection-timeout", "5");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(received("/n/"), 1);
  });

  test("values that are not seconds > 0 are usage errors", async () => {
    for (const args of [["--read-timeout", "0"], ["--read-timeout", "soon"], ["--connection-timeout", "-3"], ["--connection-timeout", ""]]) {
      const result = await get("/n/", ...args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /seconds/);
    }
  });
});

describe("--cert-bundle", () => {
  let https: Emulator;
  let httpsConfig: string;
  let caFile: string;
  before(async () => {
    https = await startEmulator({ https: true });
    httpsConfig = await https.writeConfigFile(join(home, "oci-https"));
    caFile = join(home, "emulator-ca.pem");
    writeFileSync(caFile, https.caCertificatePem!);
  });
  after(() => https.stop());
  const call = (...more: string[]) =>
    run(["raw-request", "--config-file", httpsConfig, "--http-method", "GET", "--target-uri", `${https.url}/n/`, "--no-retry", ...more]);

  test("verifies TLS with the bundle given; without it, the emulator's test CA is not trusted", async () => {
    const trusted = await call("--cert-bundle", caFile);
    assert.equal(trusted.code, 0, trusted.stderr);
    const untrusted = await call();
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /certificate/i);
  });

  test("a missing file or one without a certificate is a usage error naming it", async () => {
    const missing = await call("--cert-bundle", join(home, "nope.pem"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.pem/);
    writeFileSync(join(home, "not-a-cert.pem"), "hello");
    const notPem = await call("--cert-bundle", join(home, "not-a-cert.pem"));
    assert.equal(notPem.code, 2);
    assert.match(notPem.stderr, /no PEM certificate/);
  });
});

describe("--raw-output", () => {
  test("prints the body alone as received; a JSON string without its quotes", async () => {
    states = ["RUNNING"];
    const object = await get("/wait/thing", "--raw-output");
    assert.equal(object.code, 0, object.stderr);
    assert.equal(object.stdout, '{"id":"ocid1.thing.oc1..aaaa","lifecycleState":"RUNNING"}\n');
    const text = await get("/text/string", "--raw-output");
    assert.equal(text.stdout, "just a string\n");
  });

  test("with --output-file it is a usage error", async () => {
    const result = await get("/n/", "--raw-output", "--output-file", join(home, "out.bin"));
    assert.equal(result.code, 2);
  });
});

describe("--wait-for-state", () => {
  test("polls the GET target every --wait-interval-seconds until a state given, and prints that response", async () => {
    states = ["PROVISIONING", "PROVISIONING", "RUNNING"];
    const result = await get("/wait/thing", "--wait-for-state", "AVAILABLE", "--wait-for-state", "RUNNING", "--wait-interval-seconds", "0.05");
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { data: { lifecycleState: string } }).data.lifecycleState, "RUNNING");
    assert.equal(received("/wait/thing"), 3);
  });

  test("a poll answered 204 (no body, no state) is polled again, not a crash", async () => {
    states = ["204", "RUNNING"];
    const result = await get("/wait/thing", "--wait-for-state", "RUNNING", "--wait-interval-seconds", "0.05");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(received("/wait/thing"), 2);
  });

  test("a terminal state that is not wanted fails at once (exit 1, WaitError, the state)", async () => {
    states = ["PROVISIONING", "FAILED", "RUNNING"];
    const result = await get("/wait/thing", "--wait-for-state", "RUNNING", "--wait-interval-seconds", "0.05");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /WaitError: .*FAILED/);
    assert.equal(received("/wait/thing"), 2);
  });

  test("--max-wait-seconds gives up with a timeout naming the last state", async () => {
    states = ["PROVISIONING"];
    const result = await get("/wait/thing", "--wait-for-state", "RUNNING", "--wait-interval-seconds", "0.05", "--max-wait-seconds", "0.3");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Timed out waiting for RUNNING .*last state PROVISIONING/);
  });

  test("waiting for DELETED, a 404 means gone: exit 0", async () => {
    states = ["DELETING", "404"];
    const result = await get("/wait/thing", "--wait-for-state", "DELETED", "--wait-interval-seconds", "0.05");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /gone \(404\)/);
  });

  test("only with GET, and its companions only with it", async () => {
    const post = await run(["raw-request", "--config-file", configFile, "--http-method", "POST", "--target-uri", `${emulator.url}/wait/thing`, "--request-body", "{}", "--wait-for-state", "RUNNING"]);
    assert.equal(post.code, 2);
    assert.match(post.stderr, /GET/);
    const alone = await get("/wait/thing", "--max-wait-seconds", "5");
    assert.equal(alone.code, 2);
    assert.equal(received("/wait/thing"), 0);
  });
});

describe("--region and --debug", () => {
  test("an unknown --region is a usage error with the closest name", async () => {
    const result = await get("/n/", "--region", "us-ashburn-9");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /us-ashburn-9/);
    assert.equal(received("/n/"), 0);
  });

  test("a target in another region than --region is warned about (checked before anything is sent)", async () => {
    // The missing CA bundle stops the command after the check: nothing leaves loopback.
    const result = await run([
      "raw-request", "--config-file", configFile, "--http-method", "GET",
      "--target-uri", "https://identity.us-phoenix-1.oraclecloud.com/20160918/users/",
      "--region", "us-ashburn-1", "--cert-bundle", join(home, "missing.pem"),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /warning: --target-uri is in us-phoenix-1 but --region says us-ashburn-1/);
  });

  test("--debug names the auth mode, profile, config file and key file that signed (never the key)", async () => {
    const result = await get("/n/", "--debug", "--region", "us-ashburn-1");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`Auth: config; profile DEFAULT of ${configFile.replaceAll("/", "\\/")}, key file \\S+\\.pem`));
    assert.doesNotMatch(result.stderr, /PRIVATE KEY/);
  });
});
