import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import "./support/fc-seed.js";
import { loadConfig, requireKeys, signerFromConfig, configFilePath, configProfileName } from "../runtime/config.js";
import { ConfigError, KeyError } from "../runtime/errors.js";

const dir = mkdtempSync(join(tmpdir(), "oci-raw-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function writeConfig(text: string): string {
  const file = join(dir, `config-${++counter}`);
  writeFileSync(file, text);
  return file;
}

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const keyFile = join(dir, "key.pem");
writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
const encryptedKeyFile = join(dir, "key-encrypted.pem");
const PASS = "s3cret-Pass#phrase";
writeFileSync(
  encryptedKeyFile,
  privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASS }),
);

const noEnv = {};

/** The error `fn` throws (assert.throws returns nothing in Node 20). */
function thrown<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${type.name} to be thrown`);
}

describe("loadConfig: file and profile selection", () => {
  test("argument beats OCI_CLI_CONFIG_FILE beats OCI_CONFIG_FILE beats ~/.oci/config", () => {
    const env = { OCI_CLI_CONFIG_FILE: "/cli", OCI_CONFIG_FILE: "/sdk" };
    assert.equal(configFilePath({ file: "/arg", env }), "/arg");
    assert.equal(configFilePath({ env }), "/cli");
    assert.equal(configFilePath({ env: { OCI_CONFIG_FILE: "/sdk" } }), "/sdk");
    assert.match(configFilePath({ env: noEnv }), /[/\\]\.oci[/\\]config$/);
    assert.doesNotMatch(configFilePath({ env: noEnv }), /^~/);
  });

  test("profile: argument beats OCI_CLI_PROFILE beats DEFAULT", () => {
    assert.equal(configProfileName({ profile: "A", env: { OCI_CLI_PROFILE: "B" } }), "A");
    assert.equal(configProfileName({ env: { OCI_CLI_PROFILE: "B" } }), "B");
    assert.equal(configProfileName({ env: noEnv }), "DEFAULT");
  });

  test("reads the file named by the environment", () => {
    const file = writeConfig("[DEFAULT]\nregion=us-ashburn-1\n[OTHER]\nregion=eu-frankfurt-1\n");
    const config = loadConfig({ env: { OCI_CONFIG_FILE: file, OCI_CLI_PROFILE: "OTHER" } });
    assert.equal(config.file, file);
    assert.equal(config.profile, "OTHER");
    assert.equal(config.region, "eu-frankfurt-1");
  });
});

describe("loadConfig: parsing", () => {
  test("DEFAULT is inherited, profiles override it, lines are recorded", () => {
    const file = writeConfig(
      [
        "# a comment",
        "[DEFAULT]",
        "tenancy = ocid1.tenancy.oc1..t",
        "region=us-phoenix-1",
        "",
        "[DEV]",
        "user: ocid1.user.oc1..u",
        "Region = eu-zurich-1",
        "custom_thing = kept",
      ].join("\n"),
    );
    const config = loadConfig({ file, profile: "DEV", env: noEnv });
    assert.equal(config.tenancy, "ocid1.tenancy.oc1..t");
    assert.equal(config.user, "ocid1.user.oc1..u");
    assert.equal(config.region, "eu-zurich-1", "keys are case-insensitive, the profile wins");
    assert.equal(config.values["custom_thing"], "kept");
    assert.deepEqual(config.locations["tenancy"], { line: 3, section: "DEFAULT" });
    assert.deepEqual(config.locations["region"], { line: 8, section: "DEV" });
    assert.equal(config.profileLine, 6);
  });

  test("comments are full-line only, as Python's configparser: inline # and ; stay in the value", () => {
    const file = writeConfig("[DEFAULT]\n  ; indented comment\n#x=1\npass_phrase = abc # def\nuser = u;v\n");
    const config = loadConfig({ file, env: noEnv });
    assert.equal(config.passPhrase, "abc # def");
    assert.equal(config.user, "u;v");
    assert.equal(config.values["x"], undefined);
  });

  test("~ expands in key_file and security_token_file", () => {
    const file = writeConfig("[DEFAULT]\nkey_file=~/k.pem\nsecurity_token_file=~/t\n");
    const config = loadConfig({ file, env: noEnv });
    assert.doesNotMatch(config.keyFile!, /^~/);
    assert.match(config.keyFile!, /k\.pem$/);
    assert.match(config.securityTokenFile!, /[/\\]t$/);
  });

  test("indented lines continue the previous value; CRLF and a BOM are fine", () => {
    const file = writeConfig("\uFEFF[DEFAULT]\r\nmulti = a\r\n   b\r\nregion=x\r\n");
    const config = loadConfig({ file, env: noEnv });
    assert.equal(config.values["multi"], "a\nb");
    assert.equal(config.region, "x");
  });

  test("a session-token profile (security_token_file + key_file, no user) loads", () => {
    const file = writeConfig(
      `[DEFAULT]\n[SESSION]\nfingerprint=aa\nkey_file=${keyFile}\ntenancy=ocid1.tenancy.oc1..t\nregion=us-ashburn-1\nsecurity_token_file=${join(dir, "token")}\n`,
    );
    const config = loadConfig({ file, profile: "SESSION", env: noEnv });
    assert.equal(config.user, undefined);
    assert.equal(config.securityTokenFile, join(dir, "token"));
    requireKeys(config, ["security_token_file", "key_file", "region"]);
  });
});

describe("loadConfig: diagnostics", () => {
  test("missing file names it and says how to fix", () => {
    const file = join(dir, "nope", "config");
    const err = thrown(() => loadConfig({ file, env: noEnv }), ConfigError);
    assert.equal(err.code, "CONFIG_FILE_NOT_FOUND");
    assert.equal(err.file, file);
    assert.match(err.message, new RegExp(`${file.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")} does not exist`));
    assert.match(err.message, /--config-file|OCI_CLI_CONFIG_FILE/);
  });

  test("a directory is not a config file", () => {
    const sub = join(dir, "adir");
    mkdirSync(sub, { recursive: true });
    const err = thrown(() => loadConfig({ file: sub, env: noEnv }), ConfigError);
    assert.equal(err.code, "CONFIG_FILE_UNREADABLE");
    assert.match(err.message, /directory/);
  });

  test("missing profile lists the profiles that exist", () => {
    const file = writeConfig("[DEFAULT]\nregion=x\n[ALPHA]\n[beta]\n");
    const err = thrown(() => loadConfig({ file, profile: "GAMMA", env: noEnv }), ConfigError);
    assert.ok(err instanceof ConfigError);
    assert.equal(err.code, "CONFIG_PROFILE_NOT_FOUND");
    assert.equal(err.profile, "GAMMA");
    assert.match(err.message, /\[GAMMA\]/);
    assert.match(err.message, /DEFAULT, ALPHA, beta/);
    const cased = thrown(() => loadConfig({ file, profile: "BETA", env: noEnv }), ConfigError);
    assert.match(cased.message, /case-sensitive: did you mean beta\?/);
  });

  test("DEFAULT requested from a file without [DEFAULT]", () => {
    const file = writeConfig("[ONLY]\nregion=x\n");
    const err = thrown(() => loadConfig({ file, env: noEnv }), ConfigError);
    assert.equal(err.code, "CONFIG_PROFILE_NOT_FOUND");
    assert.match(err.message, /profiles: ONLY/);
  });

  test("a bad line names file, profile and line", () => {
    const file = writeConfig("[DEFAULT]\nregion=x\n[P]\nthis line is junk\n");
    const err = thrown(() => loadConfig({ file, profile: "P", env: noEnv }), ConfigError);
    assert.equal(err.code, "CONFIG_PARSE_ERROR");
    assert.equal(err.line, 4);
    assert.equal(err.profile, "P");
    assert.match(err.message, new RegExp(`line 4 \\(profile \\[P\\]\\)`));
    assert.ok(err.message.includes(file));
  });

  test("a setting before any header, an empty key, duplicates", () => {
    const before = thrown(() => loadConfig({ file: writeConfig("region=x\n"), env: noEnv }), ConfigError);
    assert.equal(before.code, "CONFIG_PARSE_ERROR");
    assert.equal(before.line, 1);
    const emptyKey = thrown(() => loadConfig({ file: writeConfig("[DEFAULT]\n=x\n"), env: noEnv }), ConfigError);
    assert.equal(emptyKey.line, 2);
    const dupKey = thrown(() =>
      loadConfig({ file: writeConfig("[DEFAULT]\nregion=a\nREGION=b\n"), env: noEnv }),
      ConfigError,
    );
    assert.equal(dupKey.code, "CONFIG_DUPLICATE_KEY");
    assert.match(dupKey.message, /line 3: region is set twice .*first on line 2/);
    const dupSection = thrown(() =>
      loadConfig({ file: writeConfig("[A]\n[DEFAULT]\n[A]\n"), profile: "A", env: noEnv }),
      ConfigError,
    );
    assert.equal(dupSection.code, "CONFIG_DUPLICATE_PROFILE");
    assert.equal(dupSection.line, 3);
  });

  test("a bad line never echoes its content (it could be a pass phrase)", () => {
    const file = writeConfig("[DEFAULT]\nhunter2-secret-line\n");
    const err = thrown(() => loadConfig({ file, env: noEnv }), ConfigError);
    assert.ok(!err.message.includes("hunter2"));
  });

  test("requireKeys names every missing key, the file, the profile line and the fix", () => {
    const file = writeConfig("[DEFAULT]\ntenancy=t\n\n[P]\nuser=u\nfingerprint=\n");
    const config = loadConfig({ file, profile: "P", env: noEnv });
    const err = thrown(() => requireKeys(config, ["user", "fingerprint", "key_file", "tenancy"]), ConfigError);
    assert.equal(err.code, "CONFIG_KEY_MISSING");
    assert.equal(err.key, "fingerprint");
    assert.equal(err.line, 4);
    assert.match(err.message, /Profile \[P\] \(line 4\) in .* lacks fingerprint, key_file\./);
    assert.match(err.message, /key_file=~\/\.oci\/oci_api_key\.pem/);
    assert.ok(err.message.includes(file));
  });
});

describe("signerFromConfig", () => {
  function apiKeyProfile(extra = ""): string {
    return writeConfig(
      `[DEFAULT]\ntenancy=ocid1.tenancy.oc1..t\nuser=ocid1.user.oc1..u\nfingerprint=11:22\nregion=us-phoenix-1\nkey_file=${keyFile}\n${extra}`,
    );
  }

  test("signs with keyId tenancy/user/fingerprint and the configured key", async () => {
    const config = loadConfig({ file: apiKeyProfile(), env: noEnv });
    const signer = signerFromConfig(config);
    assert.equal(signer.keyId, "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/11:22");
    const details = await signer.signWithDetails({ method: "GET", url: "https://x.example/a" });
    const signature = /signature="([^"]+)"/.exec(details.headers["authorization"]!)![1]!;
    assert.ok(verify("sha256", Buffer.from(details.signingString), publicKey, Buffer.from(signature, "base64")));
  });

  test("encrypted key with pass_phrase from the config", async () => {
    const config = loadConfig({ file: apiKeyProfile(`[ENC]\nkey_file=${encryptedKeyFile}\npass_phrase=${PASS}\n`), profile: "ENC", env: noEnv });
    const signer = signerFromConfig(config);
    assert.ok((await signer.sign({ method: "GET", url: "https://x.example/" }))["authorization"]);
  });

  test("wrong pass phrase: KeyError naming key_file's line, profile and config file, never the pass phrase", () => {
    const file = apiKeyProfile(`[ENC]\nkey_file=${encryptedKeyFile}\npass_phrase=not-the-${PASS}\n`);
    const config = loadConfig({ file, profile: "ENC", env: noEnv });
    const err = thrown(() => signerFromConfig(config), KeyError);
    assert.ok(err instanceof KeyError);
    assert.equal(err.code, "KEY_PASSPHRASE_WRONG");
    assert.match(err.message, /key_file \(line 8\) of profile \[ENC\]/);
    assert.ok(err.message.includes(file));
    assert.ok(!err.message.includes(PASS));
  });

  test("pass phrase not needed: works, warns naming the profile", () => {
    const warnings: string[] = [];
    const config = loadConfig({ file: apiKeyProfile(`pass_phrase=${PASS}\n`), env: noEnv });
    signerFromConfig(config, { onWarning: (m) => warnings.push(m) });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /not encrypted.*profile \[DEFAULT\]|profile \[DEFAULT\].*not encrypted/);
    assert.ok(!warnings[0]!.includes(PASS));
  });

  test("missing key file names the profile", () => {
    const config = loadConfig({ file: apiKeyProfile(`[GONE]\nkey_file=${join(dir, "absent.pem")}\n`), profile: "GONE", env: noEnv });
    const err = thrown(() => signerFromConfig(config), KeyError);
    assert.equal(err.code, "KEY_FILE_NOT_FOUND");
    assert.match(err.message, /profile \[GONE\]/);
  });

  test("missing keys → ConfigError; a session-token profile is told to use --auth security_token", () => {
    const partial = loadConfig({ file: writeConfig("[DEFAULT]\nuser=u\n"), env: noEnv });
    const err = thrown(() => signerFromConfig(partial), ConfigError);
    assert.equal(err.code, "CONFIG_KEY_MISSING");
    assert.match(err.message, /lacks fingerprint, key_file, tenancy, needed to sign with an API key/);
    const session = loadConfig({ file: writeConfig(`[DEFAULT]\nkey_file=${keyFile}\nsecurity_token_file=/t\n`), env: noEnv });
    const err2 = thrown(() => signerFromConfig(session), ConfigError);
    assert.match(err2.message, /--auth security_token/);
  });
});

describe("loadConfig: hostile files (issue 18)", () => {
  // A hang guard, not a timing assertion: the quadratic parser took over 20 s on this line, and
  // a synchronous parse cannot be interrupted in-process, so it runs in a child with a limit.
  test("a 200 000-character line of spaces without = or : is a parse error naming the line, at once", async () => {
    const { execFileSync } = await import("node:child_process");
    const file = writeConfig(`[DEFAULT]\nuser=u\nx${" ".repeat(200_000)}y\n`);
    const script = `
      const { loadConfig } = await import(${JSON.stringify(new URL("../runtime/config.ts", import.meta.url).href)});
      try { loadConfig({ file: ${JSON.stringify(file)}, profile: "DEFAULT", env: {} }); console.log("loaded"); }
      catch (error) { console.log(JSON.stringify({ code: error.code, name: error.name, message: error.message })); }`;
    const out = execFileSync(process.execPath, ["--conditions=source", "--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 15_000,
    });
    const error = JSON.parse(out.trim().split("\n").pop()!) as { code: string; name: string; message: string };
    assert.equal(error.name, "ConfigError");
    assert.equal(error.code, "CONFIG_PARSE_ERROR");
    assert.match(error.message, /line 3/);
    assert.ok(error.message.length < 500, "the line is not quoted");
  });

  test("hostile config files (2 000): truncated, binary, huge lines, duplicate keys and profiles, missing profiles — a profile, or a ConfigError naming the file (and the line, for a bad line), never another error, a hang or a value", async () => {
    const { default: fc } = await import("fast-check");
    const { inspect } = await import("node:util");
    const SECRET = "Cfg-Secret-Value-8Hq2";
    const good = [
      "[DEFAULT]",
      "[P]",
      "[p]",
      "user=ocid1.user.oc1..u",
      "tenancy = ocid1.tenancy.oc1..t",
      "region: us-phoenix-1",
      `pass_phrase = ${SECRET}`,
      `key_file=~/.oci/${SECRET}.pem`,
      "# comment",
      "; comment",
      "",
      "  continued",
    ];
    const line = fc.oneof(
      { weight: 40, arbitrary: fc.constantFrom(...good) },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom("[", "]", "[]", "=", ":x", "[P", "novalue", "\u0000", "\uFFFD\uFFFD") },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(" ", "x", "=", "a b"), fc.integer({ min: 1_000, max: 60_000 })).map(([c, n]) => c.repeat(n)) },
    );
    const file = fc.record({
      lines: fc.array(line, { maxLength: 12 }).map((l) => (l[0] === "[DEFAULT]" || l[0] === "[P]" ? l : ["[DEFAULT]", ...l])),
      eol: fc.constantFrom("\n", "\r\n", "\r"),
      cut: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
      binary: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }) }),
      bom: fc.boolean(),
      profile: fc.constantFrom("DEFAULT", "DEFAULT", "P", "p", "missing"),
    });
    let tried = 0;
    let loaded = 0;
    let slowest = 0;
    fc.assert(
      fc.property(file, ({ lines, eol, cut, binary, bom, profile }) => {
        tried++;
        let text = (bom ? "\uFEFF" : "") + lines.join(eol);
        if (cut !== undefined) text = text.slice(0, cut % (text.length + 1));
        const bytes = binary ? Buffer.concat([Buffer.from(text), Buffer.from(binary), Buffer.from(eol + lines.slice(0, 3).join(eol))]) : Buffer.from(text);
        const path = join(dir, "hostile-config");
        writeFileSync(path, bytes, { mode: 0o600 });
        const lineCount = bytes.toString("utf8").split(/\r\n|\n|\r/).length;
        const started = performance.now();
        try {
          const config = loadConfig({ file: path, profile, env: {}, onWarning: () => {} });
          loaded++;
          assert.equal(config.profile, profile);
          assert.equal(config.file, path);
        } catch (error) {
          assert.ok(error instanceof ConfigError, `not a ConfigError: ${inspect(error)}`);
          assert.equal(error.file, path);
          if (["CONFIG_PARSE_ERROR", "CONFIG_DUPLICATE_KEY", "CONFIG_DUPLICATE_PROFILE"].includes(error.code)) {
            assert.ok(Number.isInteger(error.line) && error.line! >= 1 && error.line! <= lineCount, `line ${error.line} of ${lineCount}`);
            assert.ok(error.message.includes(`line ${error.line}`), error.message);
          } else {
            assert.equal(error.code, "CONFIG_PROFILE_NOT_FOUND", error.message);
          }
          const told = [error.message, error.stack ?? "", inspect(error), JSON.stringify(error)].join("\n");
          assert.ok(!told.includes(SECRET), `a value is in the error: ${error.message}`);
          assert.ok(error.message.length < 2_000, `message of ${error.message.length} characters`);
        } finally {
          slowest = Math.max(slowest, performance.now() - started);
        }
        // A hang guard with room for a slow machine: the quadratic parser took seconds on 60 000 spaces.
        assert.ok(performance.now() - started < 1_000, "one file took over a second");
      }),
      { numRuns: 2_000 },
    );
    console.log(`# property hostile config files: ${tried} inputs, ${loaded} loaded, slowest ${slowest.toFixed(1)} ms`);
  });

  test("random INI text (2 000 files): a profile or a ConfigError, never another error; key = value split at the first = or :", async () => {
    const { default: fc } = await import("fast-check");
    const piece = fc.constantFrom("[DEFAULT]", "[P]", "[", "]", "=", ":", " ", "\t", "\n", "\r\n", "#", ";", "key", "user", "region", "x".repeat(50), "é", "\u0000");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        const text = parts.join("");
        const file = writeConfig(text);
        try {
          const config = loadConfig({ file, profile: "DEFAULT", env: {} });
          for (const [key, value] of Object.entries(config.values)) {
            assert.ok(!/[=:]/.test(key) && key === key.trim(), `key ${JSON.stringify(key)}`);
            assert.equal(value, value.trim());
          }
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
