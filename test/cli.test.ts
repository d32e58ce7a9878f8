import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, EMULATOR_TENANCY_ID, type Emulator } from "../emulator/index.js";
import { startForwardProxy } from "./support/forward-proxy.js";
import { redactHeader } from "../bin/commands/raw-request.js";
import { runCli, startCliEmulator, type CliRun } from "./support/cli-run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin", "oci-raw.ts");
const dir = mkdtempSync(join(tmpdir(), "oci-raw-cli-"));
let emulator: Emulator;
let configFile: string;

/** The CLI in a child process, HOME in the test's temp dir and nothing else inherited. */
function run(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, dir, env);
}

function assertOneCleanLine(stderr: string): void {
  assert.equal(stderr.trim().split("\n").length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  assert.doesNotMatch(stderr, /\u001b\[/, "no colour when stderr is not a TTY");
}

before(async () => {
  emulator = await startEmulator();
  configFile = await emulator.writeConfigFile(join(dir, "oci"));
});
after(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("oci-raw CLI manners", () => {
  test("--help lists the commands and exit codes; raw-request --help every flag with an example", async () => {
    const top = await run(["--help"]);
    assert.equal(top.code, 0);
    for (const word of ["raw-request", "generate", "emulator", "--version", "Exit codes", "3  config"]) assert.ok(top.stdout.includes(word), word);
    const sub = await run(["raw-request", "--help"]);
    assert.equal(sub.code, 0);
    for (const flag of ["http-method", "target-uri", "request-body", "request-headers", "config-file", "profile", "auth", "debug"]) {
      assert.match(sub.stdout, new RegExp(`--${flag}\\b[^\\n]*\\n[^\\n]*e\\.g\\. --${flag}`), flag);
    }
    assert.match(sub.stdout, /Exit codes/);
  });

  test("--version is package.json's", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    const result = await run(["--version"]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  test("unknown command and unknown flag: exit 2, one line, the closest valid one", async () => {
    const command = await run(["raw-requets"]);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command "raw-requets"\. Did you mean raw-request\?/);
    assertOneCleanLine(command.stderr);
    const flag = await run(["raw-request", "--http-methd", "GET", "--target-uri", `${emulator.url}/n/`]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown flag --http-methd\. Did you mean --http-method\?/);
    assertOneCleanLine(flag.stderr);
    const missing = await run(["raw-request", "--http-method", "GET"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing --target-uri/);
    const noArgs = await run([]);
    assert.equal(noArgs.code, 2);
    assert.match(noArgs.stderr, /Usage: oci-raw/);
  });

  test("bad JSON in --request-body / --request-headers: exit 2 with the reason", async () => {
    const base = ["raw-request", "--config-file", configFile, "--http-method", "POST", "--target-uri", `${emulator.url}/20160918/users/`];
    const body = await run([...base, "--request-body", "{name: x}"]);
    assert.equal(body.code, 2);
    assert.match(body.stderr, /--request-body is not valid JSON/);
    assertOneCleanLine(body.stderr);
    const headers = await run([...base, "--request-body", "{}", "--request-headers", "[1]"]);
    assert.equal(headers.code, 2);
    assert.match(headers.stderr, /--request-headers must be a JSON object/);
  });

  test("a body on GET and a header fetch would refuse: exit 2 before anything is sent", async () => {
    emulator.clearRequests();
    const base = ["raw-request", "--config-file", configFile, "--target-uri", `${emulator.url}/n/`];
    const body = await run([...base, "--http-method", "GET", "--request-body", "{}"]);
    assert.equal(body.code, 2, body.stderr);
    assert.match(body.stderr, /--request-body cannot be sent with --http-method GET/);
    assertOneCleanLine(body.stderr);
    const header = await run([...base, "--http-method", "GET", "--request-headers", JSON.stringify({ "x-a": "one\ntwo" })]);
    assert.equal(header.code, 2, header.stderr);
    assert.match(header.stderr, /--request-headers: "x-a" is not a valid header/);
    assertOneCleanLine(header.stderr);
    assert.equal(emulator.requests.length, 0);
  });

  test("missing config file: exit 3 naming the file, no stack", async () => {
    const result = await run(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`]);
    assert.equal(result.code, 3);
    assert.ok(result.stderr.includes(join(dir, ".oci", "config")), result.stderr);
    assert.match(result.stderr, /does not exist/);
    assertOneCleanLine(result.stderr);
    const profile = await run(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--profile", "NOPE"], {
      OCI_CLI_CONFIG_FILE: configFile,
    });
    assert.equal(profile.code, 3);
    assert.match(profile.stderr, /Profile \[NOPE\] is not in config file .*profiles: DEFAULT/);
  });
});

describe("oci-raw raw-request against the emulator", () => {
  let userId: string;

  test("create a user with a raw POST (the Python seed's example)", async () => {
    const body = JSON.stringify({ compartmentId: EMULATOR_TENANCY_ID, name: "TestUser", description: "Created with a raw request" });
    const result = await run([
      "raw-request",
      "--config-file",
      configFile,
      "--http-method",
      "POST",
      "--target-uri",
      `${emulator.url}/20160918/users/`,
      "--request-body",
      body,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { data: { id: string; name: string }; headers: Record<string, string>; status: string };
    assert.equal(output.status, "200 OK");
    assert.equal(output.data.name, "TestUser");
    assert.ok(output.headers["opc-request-id"]);
    assert.ok(result.stdout.startsWith('{\n  "data": {\n    "'), "2-space indent like the OCI CLI");
    userId = output.data.id;
    assert.equal(emulator.requests.at(-1)?.verification?.ok, true);
  });

  test("GET it back, config chosen by OCI_CLI_CONFIG_FILE and OCI_CLI_PROFILE", async () => {
    const result = await run(["raw-request", "--http-method", "get", "--target-uri", `${emulator.url}/20160918/users/${userId}`], {
      OCI_CLI_CONFIG_FILE: configFile,
      OCI_CLI_PROFILE: "DEFAULT",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as { data: { id: string } }).data.id, userId);
  });

  test("a body from file:// and headers from --request-headers", async () => {
    const bodyFile = join(dir, "update.json");
    writeFileSync(bodyFile, JSON.stringify({ description: "from a file ✓" }));
    const result = await run([
      "raw-request",
      "--config-file",
      configFile,
      "--http-method",
      "PUT",
      "--target-uri",
      `${emulator.url}/20160918/users/${userId}`,
      "--request-body",
      `file://${bodyFile}`,
      "--request-headers",
      JSON.stringify({ "opc-request-id": "cli-test-123" }),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as { data: { description: string }; headers: Record<string, string> };
    assert.equal(output.data.description, "from a file ✓");
    assert.match(output.headers["opc-request-id"]!, /^cli-test-123\//);
  });

  test("a 404: exit 1, the OCI error on stderr, nothing on stdout", async () => {
    const result = await run([
      "raw-request",
      "--config-file",
      configFile,
      "--http-method",
      "GET",
      "--target-uri",
      `${emulator.url}/20160918/users/ocid1.user.oc1..doesnotexist`,
    ]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^ServiceError:/);
    const details = JSON.parse(result.stderr.slice(result.stderr.indexOf("{"))) as Record<string, unknown>;
    assert.equal(details["code"], "NotAuthorizedOrNotFound");
    assert.equal(details["status"], 404);
    assert.ok(details["opc-request-id"]);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  test("--debug shows the signing string and headers with the signature redacted", async () => {
    const result = await run([
      "raw-request",
      "--config-file",
      configFile,
      "--http-method",
      "POST",
      "--target-uri",
      `${emulator.url}/20160918/users/`,
      "--request-body",
      JSON.stringify({ compartmentId: EMULATOR_TENANCY_ID, name: "DebugUser", description: "d" }),
      "--debug",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const sent = emulator.requests.at(-1)!;
    const signature = /signature="([^"]+)"/.exec(String(sent.headers["authorization"]))![1]!;
    assert.match(result.stderr, /Signing string:\n  date: .*\n  \(request-target\): post \/20160918\/users\/\n  host: 127\.0\.0\.1:\d+/);
    assert.match(result.stderr, /x-content-sha256: /);
    assert.match(result.stderr, /authorization: Signature .*signature="<redacted>"/);
    assert.ok(!result.stderr.includes(signature), "the real signature is not shown");
    assert.ok(!result.stderr.includes("PRIVATE KEY"));
    assert.match(result.stderr, /Response: 200/);
  });

  test("--auth with an unknown mode names the supported ones (exit 2, a bad flag; OCI_CLI_AUTH=nope stays 3)", async () => {
    const result = await run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--auth", "api-key"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /api_key/);
    assertOneCleanLine(result.stderr);
    const fromEnv = await run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], { OCI_CLI_AUTH: "nope" });
    assert.equal(fromEnv.code, 3, fromEnv.stderr);
  });

  test("--request-headers takes file://path, as its error message suggests", async () => {
    const headersFile = join(dir, "headers.json");
    writeFileSync(headersFile, JSON.stringify({ "opc-retry-token": "from-a-file" }));
    const ok = await run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--request-headers", `file://${headersFile}`]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(emulator.requests.at(-1)?.headers["opc-retry-token"], "from-a-file");
    const bad = await run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--request-headers", "{nope"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /file:\/\/path/);
    const missing = await run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--request-headers", `file://${join(dir, "nope.json")}`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does not exist/);
  });

  test("a binary response is not printed as a garbled string: a warning says to use --output-file, which saves the bytes", async () => {
    const payload = Uint8Array.from({ length: 256 }, (_, i) => i);
    emulator.route("GET", "/binary", () => ({ status: 200, headers: { "content-type": "application/octet-stream" }, body: payload }));
    const args = ["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}/binary`];
    const printed = await run(args);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal((JSON.parse(printed.stdout) as { data: unknown }).data, null);
    assert.match(printed.stderr, /256 bytes of application\/octet-stream, not text.*--output-file/);
    const file = join(dir, "download.bin");
    const saved = await run([...args, "--output-file", file]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.deepEqual(new Uint8Array(readFileSync(file)), payload);
    const meta = JSON.parse(saved.stdout) as Record<string, unknown>;
    assert.equal(meta["status"], "200 OK");
    assert.equal(meta["data"], undefined);
  });

  test("a port fetch refuses to connect to: the message says so (exit 1, one line)", async () => {
    const result = await run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", "http://127.0.0.1:6000/x"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /blocked ports/);
    assertOneCleanLine(result.stderr);
  });

  test("HTTP_PROXY goes through the proxy; NO_PROXY bypasses it", async () => {
    const proxy = await startForwardProxy();
    try {
      const args = ["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", `${emulator.url}/20160918/users/${userId}`];
      const proxied = await run(args, { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
      assert.equal(proxied.code, 0, proxied.stderr);
      assert.equal(proxy.seen.length, 1, proxy.seen.join("\n"));
      assert.ok(proxy.seen[0]!.includes(new URL(emulator.url).host), proxy.seen[0]);
      assert.equal(emulator.requests.at(-1)?.verification?.ok, true);

      const bypassed = await run(args, { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" });
      assert.equal(bypassed.code, 0, bypassed.stderr);
      assert.equal(proxy.seen.length, 1, "NO_PROXY: nothing more through the proxy");
    } finally {
      await proxy.stop();
    }
  });

  test("a refused connection: exit 1, one line", async () => {
    const result = await run(["raw-request", "--config-file", configFile, "--http-method", "GET", "--target-uri", "http://127.0.0.1:1/x", "--no-retry"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /NETWORK_ERROR|failed without a response/);
    assertOneCleanLine(result.stderr);
  });
});

describe("oci-raw emulator", () => {
  test("a start-up error (a --config-dir whose config has [DEFAULT]) exits 2 with one line, and stops listening", async () => {
    const taken = join(dir, "taken");
    await emulator.writeConfigFile(taken);
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", cli, "emulator", "--config-dir", taken], {
      cwd: root,
      env: { PATH: process.env["PATH"] ?? "", HOME: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    assert.equal(code, 2, `exit ${code} (null: still running after 20 s): ${stderr}`);
    assert.match(stderr, /--config-dir .*already has a \[DEFAULT\] profile/);
    assert.doesNotMatch(stderr, /--debug/, "the emulator command has no --debug to suggest");
    assertOneCleanLine(stderr);
  });

  test("prints its URL and a config file that works, stops on SIGINT and cleans up", async () => {
    const { child, stderr, url, configFile: config, exited } = await startCliEmulator([], dir);
    try {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(config, "");
      const result = await run(["raw-request", "--config-file", config, "--http-method", "GET", "--target-uri", `${url}/n/`]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok((JSON.parse(result.stdout) as { data: unknown }).data);
      child.kill("SIGINT");
      assert.equal(await exited, 0, stderr());
      assert.throws(() => readFileSync(config), /ENOENT/, "the temporary config directory is removed");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

describe("oci-raw emulator --spec", () => {
  test("serves every operation of the specs given, and a spec that cannot be read is a usage error", async () => {
    const spec = join(root, "..", "shared", "oci-specs", "vault-secretmgmt.swagger.yaml");
    const missing = await run(["emulator", "--spec", join(dir, "no-such.yaml")]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--spec .*no-such\.yaml.*file not found/);
    const { child, stdout, stderr, url, configFile: config, exited } = await startCliEmulator(["--spec", spec, "--seed", "1"], dir);
    try {
      assert.match(stdout, /Serving 13 operations from .*vault-secretmgmt\.swagger\.yaml/);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(config, "");
      const listed = await run(["raw-request", "--config-file", config, "--http-method", "GET", "--target-uri", `${url}/20180608/secrets?compartmentId=ocid1.compartment.oc1..c`]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual((JSON.parse(listed.stdout) as { data: unknown }).data, []);
      const unknown = await run(["raw-request", "--config-file", config, "--http-method", "GET", "--target-uri", `${url}/20180608/secrets/ocid1.vaultsecret.oc1..nope`]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stdout + unknown.stderr, /NotAuthorizedOrNotFound/);
      child.kill("SIGINT");
      assert.equal(await exited, 0, stderr());
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

describe("--debug redaction rules", () => {
  test("signatures, security tokens and bearer tokens never reach the terminal", () => {
    const auth = 'Signature version="1",headers="date",keyId="ST$eyJhbGciOi.secret.token",algorithm="rsa-sha256",signature="c2lnbmF0dXJl"';
    const shown = redactHeader("Authorization", auth);
    assert.equal(shown, 'Signature version="1",headers="date",keyId="ST$<redacted>",algorithm="rsa-sha256",signature="<redacted>"');
    assert.equal(redactHeader("authorization", "Bearer abc.def"), "Bearer <redacted>");
    assert.equal(redactHeader("x-security-token", "abc"), "<redacted>");
    assert.equal(redactHeader("opc-obo-token", "abc"), "<redacted>");
    assert.equal(redactHeader("date", "Thu, 05 Jan 2014 21:31:40 GMT"), "Thu, 05 Jan 2014 21:31:40 GMT");
  });
});
