/**
 * Configuration from the environment, as the OCI CLI reads it (src/oci_cli/cli_util.py
 * `build_config`, `is_config_valid_from_env`; cli_constants.py `OCI_CONFIG_ENV_VARS`): each
 * OCI_CLI_* variable beats the profile's value; user, tenancy, fingerprint, region (or
 * --region) and a key from the environment mean no config file is read at all. From code and
 * from the CLI in a clean shell (HOME an empty directory); secrets (OCI_CLI_KEY_CONTENT,
 * OCI_CLI_PASSPHRASE) never printed. Loopback only.
 */
import assert from "node:assert/strict";
import "./support/fc-seed.js";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import { CONFIG_ENV_VARS, isConfigValidFromEnv, loadConfig, signerFromConfig } from "../runtime/config.js";
import { ConfigError, KeyError } from "../runtime/errors.js";
import { signedFetch } from "../runtime/request.js";
import { authFromEnvironment, instancePrincipalsSigner } from "../runtime/auth/index.js";
import { startEmulator, type ApiKey, type Emulator } from "../emulator/index.js";
import { mountInstancePrincipals, type MountedImds } from "../emulator/imds.js";
import type { MountedFederation } from "../emulator/federation.js";
import { runCli } from "./support/cli-run.js";
import { watchProcess } from "./support/hygiene.js";

const hygiene = watchProcess();

const PASS = "Env-Pass-Phrase-Zq81";

let emulator: Emulator;
let imds: MountedImds;
let federation: MountedFederation;
let key: ApiKey;
let dir: string;
let keyFile: string;
let encryptedPem: string;
let encryptedKeyId: string;
let home: string;

before(async () => {
  emulator = await startEmulator();
  ({ imds, federation } = await mountInstancePrincipals(emulator));
  key = await emulator.createApiKey();
  dir = await mkdtemp(join(tmpdir(), "oci-raw-cfg-env-"));
  keyFile = join(dir, "key.pem");
  await writeFile(keyFile, key.privateKeyPem, { mode: 0o600 });
  // An encrypted key for OCI_CLI_KEY_CONTENT + OCI_CLI_PASSPHRASE.
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  encryptedPem = pair.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASS }).toString();
  encryptedKeyId = `${key.tenancy}/ocid1.user.oc1..encrypteduser/aa:bb`;
  emulator.registerApiKey(encryptedKeyId, pair.publicKey);
  home = join(dir, "home");
  await mkdir(home);
});

after(async () => {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
  await hygiene.assertClean();
});

/** The five variables that make a configuration without a file. */
function fullEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    OCI_CLI_USER: key.user,
    OCI_CLI_TENANCY: key.tenancy,
    OCI_CLI_FINGERPRINT: key.fingerprint,
    OCI_CLI_REGION: "us-phoenix-1",
    OCI_CLI_KEY_FILE: keyFile,
    ...extra,
  };
}

async function getNamespace(signer: Parameters<typeof signedFetch>[1]["signer"]): Promise<number> {
  const response = await signedFetch(`${emulator.url}/n/`, { signer });
  await response.arrayBuffer();
  return response.status;
}

describe("loadConfig and the OCI_CLI_* variables", () => {
  test("all five set: no config file is read (a missing one is no error), the signer signs", async () => {
    const config = loadConfig({ file: join(dir, "does-not-exist"), env: fullEnv() });
    assert.equal(config.source, "environment");
    assert.equal(config.file, undefined);
    assert.equal(config.user, key.user);
    assert.equal(config.keyFile, keyFile);
    assert.equal(config.region, "us-phoenix-1");
    assert.deepEqual(config.fromEnvironment, { user: "OCI_CLI_USER", tenancy: "OCI_CLI_TENANCY", fingerprint: "OCI_CLI_FINGERPRINT", region: "OCI_CLI_REGION", key_file: "OCI_CLI_KEY_FILE" });
    assert.equal(await getNamespace(signerFromConfig(config)), 200);
    assert.equal(emulator.requests.at(-1)?.verification?.ok, true);
  });

  test("the region may come from the region option (--region) instead of OCI_CLI_REGION; without either, the file is needed", () => {
    const { OCI_CLI_REGION: _, ...noRegion } = fullEnv();
    assert.equal(isConfigValidFromEnv({ env: noRegion }), false);
    assert.equal(isConfigValidFromEnv({ env: noRegion, region: "us-ashburn-1" }), true);
    assert.equal(loadConfig({ file: join(dir, "nope"), env: noRegion, region: "us-ashburn-1" }).region, "us-ashburn-1");
    assert.throws(() => loadConfig({ file: join(dir, "nope"), env: noRegion }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, "CONFIG_FILE_NOT_FOUND");
      assert.match(error.message, /OCI_CLI_USER, OCI_CLI_TENANCY, OCI_CLI_FINGERPRINT, OCI_CLI_REGION and OCI_CLI_KEY_FILE \(or OCI_CLI_KEY_CONTENT\)/);
      return true;
    });
  });

  test("precedence, every subset of the variables (property): a set variable beats the profile, the region option beats both; no file read exactly when the CLI's rule says so", async () => {
    const { default: fc } = await import("fast-check");
    const profile = join(dir, "profile-config");
    const fileValues: Record<string, string> = {
      user: "ocid1.user.oc1..fromfile",
      fingerprint: "11:22",
      key_file: "/file/key.pem",
      key_content: "-----BEGIN PRIVATE KEY-----file",
      tenancy: "ocid1.tenancy.oc1..fromfile",
      pass_phrase: "file-pass",
      delegation_token_file: "/file/obo",
      security_token_file: "/file/token",
      region: "us-ashburn-1",
    };
    await writeFile(profile, `[DEFAULT]\n${Object.entries(fileValues).map(([k, v]) => `${k}=${v}`).join("\n")}\n`, { mode: 0o600 });
    const names = Object.keys(CONFIG_ENV_VARS);
    assert.equal(names.length, 9);
    const arbitrary = fc.record({
      set: fc.subarray(names),
      empty: fc.subarray(names, { maxLength: 2 }),
      region: fc.option(fc.constantFrom("eu-frankfurt-1", ""), { nil: undefined }),
      useFile: fc.boolean(),
    });
    fc.assert(
      fc.property(arbitrary, ({ set, empty, region, useFile }) => {
        const env: Record<string, string> = {};
        for (const name of set) env[name] = `/env/${name}`;
        for (const name of empty) if (!set.includes(name)) env[name] = "";
        const file = useFile ? profile : join(dir, "missing-config");
        const fromEnvAlone =
          ["OCI_CLI_USER", "OCI_CLI_TENANCY", "OCI_CLI_FINGERPRINT"].every((n) => set.includes(n)) &&
          (set.includes("OCI_CLI_REGION") || (region ?? "") !== "") &&
          (set.includes("OCI_CLI_KEY_FILE") || set.includes("OCI_CLI_KEY_CONTENT"));
        assert.equal(isConfigValidFromEnv({ env, region }), fromEnvAlone);
        let config;
        try {
          config = loadConfig({ file, env, region, onWarning: () => {} });
        } catch (error) {
          assert.ok(!useFile && !fromEnvAlone, `unexpected ${String(error)}`);
          assert.ok(error instanceof ConfigError && error.code === "CONFIG_FILE_NOT_FOUND");
          return;
        }
        assert.equal(config.source, fromEnvAlone ? "environment" : "file");
        for (const [name, configKey] of Object.entries(CONFIG_ENV_VARS)) {
          const expected =
            configKey === "region" && (region ?? "") !== ""
              ? region
              : set.includes(name)
                ? `/env/${name}`
                : fromEnvAlone
                  ? undefined
                  : fileValues[configKey];
          assert.equal(config.values[configKey], expected, `${configKey} (${name})`);
        }
        assert.equal(config.keyFile, config.values["key_file"]);
        assert.equal(config.passPhrase, config.values["pass_phrase"]);
        assert.equal(config.keyContent, config.values["key_content"]);
        assert.equal(config.delegationTokenFile, config.values["delegation_token_file"]);
        assert.equal(config.securityTokenFile, config.values["security_token_file"]);
      }),
      { numRuns: 400 },
    );
  });

  test("a table of precedence cases, as the CLI decides them", async () => {
    const profile = join(dir, "table-config");
    await writeFile(profile, "[DEFAULT]\nuser=ocid1.user.oc1..file\nregion=us-ashburn-1\nkey_file=/file/key.pem\n[OTHER]\nuser=ocid1.user.oc1..other\n", { mode: 0o600 });
    const cases: Array<{ name: string; env: Record<string, string>; region?: string; profile?: string; expect: Record<string, string | undefined> }> = [
      { name: "profile alone", env: {}, expect: { user: "ocid1.user.oc1..file", region: "us-ashburn-1" } },
      { name: "OCI_CLI_USER beats the profile", env: { OCI_CLI_USER: "ocid1.user.oc1..env" }, expect: { user: "ocid1.user.oc1..env", region: "us-ashburn-1" } },
      { name: "OCI_CLI_REGION beats the profile", env: { OCI_CLI_REGION: "eu-frankfurt-1" }, expect: { region: "eu-frankfurt-1" } },
      { name: "--region beats OCI_CLI_REGION", env: { OCI_CLI_REGION: "eu-frankfurt-1" }, region: "uk-london-1", expect: { region: "uk-london-1" } },
      { name: "an empty variable counts as unset", env: { OCI_CLI_USER: "" }, expect: { user: "ocid1.user.oc1..file" } },
      { name: "OCI_CLI_PROFILE picks the profile the variables go over", env: { OCI_CLI_PROFILE: "OTHER", OCI_CLI_KEY_FILE: "/env/key" }, expect: { user: "ocid1.user.oc1..other", key_file: "/env/key" } },
      { name: "the key file from the variable, ~ not in it", env: { OCI_CLI_KEY_FILE: "/env/key" }, expect: { key_file: "/env/key" } },
    ];
    for (const c of cases) {
      const config = loadConfig({ file: profile, env: c.env, region: c.region, profile: c.profile });
      for (const [k, v] of Object.entries(c.expect)) assert.equal(config.values[k], v, `${c.name}: ${k}`);
      assert.equal(config.source, "file", c.name);
    }
  });

  test("OCI_CLI_KEY_CONTENT with OCI_CLI_PASSPHRASE: signs; neither shows in inspect, JSON or an error", async () => {
    const env = { ...fullEnv(), OCI_CLI_USER: "ocid1.user.oc1..encrypteduser", OCI_CLI_FINGERPRINT: "aa:bb", OCI_CLI_KEY_FILE: "", OCI_CLI_KEY_CONTENT: encryptedPem, OCI_CLI_PASSPHRASE: PASS };
    const config = loadConfig({ env });
    assert.equal(config.source, "environment");
    const shown = [inspect(config, { depth: 5 }), JSON.stringify(config)].join("\n");
    assert.ok(!shown.includes(PASS), "the pass phrase shows");
    assert.ok(!shown.includes("ENCRYPTED PRIVATE KEY"), "the key content shows");
    assert.equal(config.passPhrase, PASS, "still readable by name");
    assert.equal(await getNamespace(signerFromConfig(config)), 200);
    assert.equal(emulator.requests.at(-1)?.verification?.ok && emulator.requests.at(-1)?.verification?.keyId, encryptedKeyId);

    // A wrong pass phrase: a KeyError naming the variable, quoting neither secret.
    const wrong = loadConfig({ env: { ...env, OCI_CLI_PASSPHRASE: `not-${PASS}` } });
    assert.throws(() => signerFromConfig(wrong), (error: unknown) => {
      assert.ok(error instanceof KeyError);
      assert.match(error.message, /OCI_CLI_KEY_CONTENT/);
      const told = [error.message, error.stack ?? "", inspect(error), JSON.stringify(error)].join("\n");
      assert.ok(!told.includes(PASS) && !told.includes("MII"), told);
      return true;
    });
  });

  test("OCI_CLI_KEY_CONTENT beats OCI_CLI_KEY_FILE (the SDKs' key_content rule); escaped \\n is refused as the CLI refuses it; not PEM is not a path", async () => {
    const withBoth = loadConfig({ env: fullEnv({ OCI_CLI_KEY_FILE: join(dir, "no-such-key.pem"), OCI_CLI_KEY_CONTENT: key.privateKeyPem }) });
    assert.equal(await getNamespace(signerFromConfig(withBoth)), 200);

    const escaped = key.privateKeyPem.trim().replaceAll("\n", "\\n");
    assert.throws(() => signerFromConfig(loadConfig({ env: fullEnv({ OCI_CLI_KEY_CONTENT: escaped }) })), (error: unknown) => {
      assert.ok(error instanceof KeyError);
      assert.equal(error.code, "KEY_CONTENT_ESCAPED_NEWLINES");
      assert.match(error.message, /environment variable OCI_CLI_KEY_CONTENT/);
      assert.match(error.message, /\$\(cat ~\/\.oci\/oci_api_key\.pem\)/);
      assert.ok(!error.message.includes(escaped.slice(40, 80)));
      return true;
    });
    assert.throws(() => signerFromConfig(loadConfig({ env: fullEnv({ OCI_CLI_KEY_CONTENT: keyFile }) })), (error: unknown) => {
      assert.ok(error instanceof KeyError);
      assert.equal(error.code, "KEY_NOT_PEM");
      assert.match(error.message, /not PEM text.*OCI_CLI_KEY_FILE/);
      return true;
    });
  });

  test("a key missing from an environment-only configuration says which variable to set", async () => {
    await assert.rejects(authFromEnvironment({ auth: "security_token", env: fullEnv() }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, "CONFIG_KEY_MISSING");
      assert.match(error.message, /^The OCI_CLI_\* environment variables \(no config file was read\) lack security_token_file.*Set OCI_CLI_SECURITY_TOKEN_FILE\./);
      return true;
    });
  });
});

describe("authFromEnvironment from OCI_CLI_* alone", () => {
  test("api key: a signed request with HOME's config absent", async () => {
    const signer = await authFromEnvironment({ env: fullEnv({ OCI_CLI_CONFIG_FILE: join(dir, "absent") }) });
    assert.equal(await getNamespace(signer), 200);
    assert.equal(emulator.requests.at(-1)?.verification?.ok && emulator.requests.at(-1)?.verification?.keyId, key.keyId);
  });

  test("federation endpoint: OCI_RAW_FEDERATION_ENDPOINT beats OCI_CLI_FEDERATION_ENDPOINT; the CLI's alone works", async () => {
    const unused = `${emulator.url}/no-such-federation/v1/x509`;
    const both = await instancePrincipalsSigner({ env: { OCI_METADATA_BASE_URL: imds.baseUrl, OCI_RAW_FEDERATION_ENDPOINT: federation.url, OCI_CLI_FEDERATION_ENDPOINT: unused } });
    assert.equal(both.federationClient.federationEndpoint, federation.url);
    const cliOnly = await instancePrincipalsSigner({ env: { OCI_METADATA_BASE_URL: imds.baseUrl, OCI_CLI_FEDERATION_ENDPOINT: ` ${federation.url} ` } });
    assert.equal(cliOnly.federationClient.federationEndpoint, federation.url);
    assert.equal(await getNamespace(cliOnly), 200);
  });
});

describe("oci-raw raw-request in a shell with only OCI_CLI_* variables", () => {
  test("no config file (HOME empty): a signed request; --debug says so and prints no secret", async () => {
    const env = { ...fullEnv({ OCI_CLI_KEY_FILE: "" }), OCI_CLI_KEY_CONTENT: encryptedPem, OCI_CLI_PASSPHRASE: PASS, OCI_CLI_USER: "ocid1.user.oc1..encrypteduser", OCI_CLI_FINGERPRINT: "aa:bb" };
    delete (env as Record<string, string>)["OCI_CLI_KEY_FILE"];
    const result = await runCli(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`, "--debug"], home, env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).data, "emulatorns");
    assert.equal(emulator.requests.at(-1)?.verification?.ok && emulator.requests.at(-1)?.verification?.keyId, encryptedKeyId);
    assert.match(result.stderr, /Auth:.*config; the OCI_CLI_\* variables \(no config file read\), key from key_content/);
    for (const secret of [PASS, "ENCRYPTED PRIVATE KEY", encryptedPem.split("\n")[1]!]) {
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `printed: ${secret.slice(0, 12)}…`);
    }
  });

  test("--region completes the set when OCI_CLI_REGION is absent", async () => {
    const { OCI_CLI_REGION: _, ...env } = fullEnv();
    const without = await runCli(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], home, env);
    assert.notEqual(without.code, 0);
    assert.match(without.stderr, /does not exist/);
    const withFlag = await runCli(["raw-request", "--region", "us-phoenix-1", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], home, env);
    assert.equal(withFlag.code, 0, withFlag.stderr);
  });

  test("a variable beats the profile's value (profile with a wrong user, OCI_CLI_USER right)", async () => {
    const ociDir = join(home, ".oci");
    await mkdir(ociDir, { recursive: true });
    await writeFile(join(ociDir, "config"), `[DEFAULT]\nuser=ocid1.user.oc1..notregistered\nfingerprint=${key.fingerprint}\ntenancy=${key.tenancy}\nregion=us-phoenix-1\nkey_file=${keyFile}\n`, { mode: 0o600 });
    try {
      const args = ["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`];
      const profileOnly = await runCli(args, home, {});
      assert.equal(profileOnly.code, 1, "the profile's user is unknown to the emulator: 401");
      assert.match(profileOnly.stderr, /NotAuthenticated/);
      const overridden = await runCli(args, home, { OCI_CLI_USER: key.user });
      assert.equal(overridden.code, 0, overridden.stderr);
      assert.equal(emulator.requests.at(-1)?.verification?.ok && emulator.requests.at(-1)?.verification?.keyId, key.keyId);
    } finally {
      await rm(ociDir, { recursive: true, force: true });
    }
  });

  test("OCI_CLI_CERT_BUNDLE is --cert-bundle's default, named in its error", async () => {
    const result = await runCli(["raw-request", "--http-method", "GET", "--target-uri", `${emulator.url}/n/`], home, fullEnv({ OCI_CLI_CERT_BUNDLE: join(dir, "no-bundle.pem") }));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /OCI_CLI_CERT_BUNDLE=.*no-bundle\.pem: the file/);
  });
});
