import { generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadPrivateKey } from "../runtime/keys.js";
import { KeyError } from "../runtime/errors.js";

const dir = mkdtempSync(join(tmpdir(), "oci-raw-keys-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const PASS = "correct horse battery staple";
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

const pems = {
  pkcs1: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  pkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  // Traditional OpenSSL encryption: "BEGIN RSA PRIVATE KEY" with Proc-Type/DEK-Info headers.
  pkcs1Encrypted: privateKey.export({ type: "pkcs1", format: "pem", cipher: "aes-128-cbc", passphrase: PASS }).toString(),
  pkcs8Encrypted: privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASS }).toString(),
  publicSpki: publicKey.export({ type: "spki", format: "pem" }).toString(),
};

/** Every secret a message must never contain: the pass phrase and the key's base64 lines. */
const SECRETS = [PASS, ...Object.values(pems).flatMap((pem) => pem.split("\n").filter((l) => l.length > 40))];

function write(name: string, content: string): string {
  const file = join(dir, name);
  // 0600 as a key file should be (a 0644 one warns, item 15); the tests of that warning chmod their own.
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

function assertSigns(key: KeyObject): void {
  const data = Buffer.from("date: x");
  assert.ok(verify("sha256", data, publicKey, sign("sha256", data, key)));
}

function keyError(fn: () => unknown): KeyError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof KeyError, `expected a KeyError, got ${String(err)}`);
    // The whole cause chain is shown by util.inspect and loggers, so it must be clean too.
    for (let e: unknown = err; e instanceof Error; e = e.cause) {
      for (const secret of SECRETS) assert.ok(!e.message.includes(secret), "message leaks a secret");
      assert.ok(!String(e.stack).includes(PASS));
    }
    return err;
  }
  assert.fail("expected a KeyError");
}

describe("loadPrivateKey", () => {
  test("PKCS#1 and PKCS#8, from PEM text and from a file", () => {
    assert.ok(pems.pkcs1.includes("BEGIN RSA PRIVATE KEY"));
    assert.ok(pems.pkcs8.includes("BEGIN PRIVATE KEY"));
    assertSigns(loadPrivateKey(pems.pkcs1));
    assertSigns(loadPrivateKey(pems.pkcs8));
    assertSigns(loadPrivateKey(write("pkcs1.pem", pems.pkcs1)));
    assertSigns(loadPrivateKey(write("pkcs8.pem", pems.pkcs8)));
  });

  test("encrypted PKCS#1 (Proc-Type header) and encrypted PKCS#8 with the right pass phrase", () => {
    assert.match(pems.pkcs1Encrypted, /Proc-Type: 4,ENCRYPTED/);
    assert.ok(pems.pkcs8Encrypted.includes("BEGIN ENCRYPTED PRIVATE KEY"));
    assertSigns(loadPrivateKey(write("enc1.pem", pems.pkcs1Encrypted), PASS));
    assertSigns(loadPrivateKey(write("enc8.pem", pems.pkcs8Encrypted), PASS));
  });

  test("pass phrase given but not needed: works and warns (without the pass phrase)", () => {
    const warnings: string[] = [];
    const key = loadPrivateKey(write("plain.pem", pems.pkcs8), PASS, { onWarning: (m) => warnings.push(m) });
    assertSigns(key);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /not encrypted/);
    assert.ok(!warnings[0]!.includes(PASS));
  });

  test("a public key instead of the private one", () => {
    const err = keyError(() => loadPrivateKey(write("pub.pem", pems.publicSpki)));
    assert.equal(err.code, "KEY_IS_PUBLIC");
    assert.match(err.message, /public key/);
    assert.match(err.message, /pub\.pem/);
  });

  test("encrypted key, pass phrase missing (both encodings)", () => {
    for (const [name, pem] of [["m1.pem", pems.pkcs1Encrypted], ["m8.pem", pems.pkcs8Encrypted]] as const) {
      const err = keyError(() => loadPrivateKey(write(name, pem)));
      assert.equal(err.code, "KEY_PASSPHRASE_MISSING");
      assert.match(err.message, /encrypted and no pass phrase/);
      assert.match(err.message, /pass_phrase/);
    }
  });

  test("wrong pass phrase (both encodings): a typed error, not a crash", () => {
    for (const [name, pem] of [["w1.pem", pems.pkcs1Encrypted], ["w8.pem", pems.pkcs8Encrypted]] as const) {
      const err = keyError(() => loadPrivateKey(write(name, pem), `${PASS}!`));
      assert.equal(err.code, "KEY_PASSPHRASE_WRONG");
      assert.equal(err.file, join(dir, name));
    }
  });

  test("missing file names it", () => {
    const file = join(dir, "absent.pem");
    const err = keyError(() => loadPrivateKey(file));
    assert.equal(err.code, "KEY_FILE_NOT_FOUND");
    assert.equal(err.file, file);
    assert.ok(err.message.includes(file));
  });

  test("garbage: not PEM, and a PEM with a corrupt body", () => {
    const notPem = keyError(() => loadPrivateKey(write("garbage.txt", "this is not a key\n")));
    assert.equal(notPem.code, "KEY_NOT_PEM");
    const lines = pems.pkcs8.split("\n");
    lines[3] = "!!!!corrupted!!!!";
    const corrupt = keyError(() => loadPrivateKey(write("corrupt.pem", lines.join("\n"))));
    assert.equal(corrupt.code, "KEY_INVALID");
    assert.match(corrupt.message, /truncated or corrupt/);
    // The same PEM given as text: the error must not quote it either.
    assert.equal(keyError(() => loadPrivateKey(lines.join("\n"))).code, "KEY_INVALID");
    assert.equal(keyError(() => loadPrivateKey(pems.pkcs8Encrypted, "wrong")).code, "KEY_PASSPHRASE_WRONG");
  });

  test("the source option is named in messages", () => {
    const err = keyError(() => loadPrivateKey(join(dir, "x.pem"), undefined, { source: "key_file of profile [P] in /cfg" }));
    assert.match(err.message, /key_file of profile \[P\] in \/cfg/);
  });
});

describe("key text with a mangled header is never taken for a path (issue 18, item 2)", () => {
  test("four dashes, lower-case begin, the base64 body alone: KeyError KEY_NOT_PEM that quotes none of it", async () => {
    const { inspect } = await import("node:util");
    const { ApiKeySigner, SecurityTokenSigner } = await import("../runtime/signers.js");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const body = pem.split("\n").filter((line) => line && !line.startsWith("-----"));
    const variants = {
      "four dashes": pem.replaceAll("-----", "----"),
      "lower-case begin": pem.replace("-----BEGIN PRIVATE KEY-----", "-----begin private key-----"),
      "body alone, lines": body.join("\n"),
      "body alone, one line": body.join(""),
    };
    for (const [name, text] of Object.entries(variants)) {
      const attempts: Array<() => unknown> = [
        () => loadPrivateKey(text),
        () => new ApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKeyFile: text }),
        () => new SecurityTokenSigner("token", text),
      ];
      for (const attempt of attempts) {
        assert.throws(attempt, (error: unknown) => {
          assert.ok(error instanceof KeyError, `${name}: ${String(error)}`);
          assert.equal(error.code, "KEY_NOT_PEM", name);
          assert.match(error.message, /looks like key text, not a path/);
          assert.equal(error.file, undefined);
          const told = [error.message, error.stack ?? "", inspect(error), JSON.stringify(error)].join("\n");
          for (const line of body) assert.ok(!told.includes(line.slice(8, 40)), `${name}: key text in the error`);
          return true;
        });
      }
    }
  });

  test("an ordinary missing path is still named", () => {
    assert.throws(() => loadPrivateKey("/nonexistent/oci_api_key.pem"), (error: unknown) => error instanceof KeyError && error.code === "KEY_FILE_NOT_FOUND" && error.message.includes("/nonexistent/oci_api_key.pem"));
  });
});

describe("a truncated or corrupt encrypted key is not blamed on the pass phrase (issue 18, item 13)", () => {
  /** The PEM with `keep` of its base64 lines, header lines and the END line kept. */
  function truncated(pem: string, keep: number): string {
    const lines = pem.trimEnd().split("\n");
    const body = lines.findIndex((l, i) => i > 0 && !l.startsWith("-----") && !l.includes(":") && l !== "");
    return [...lines.slice(0, body + keep), lines.at(-1)!, ""].join("\n");
  }

  test("truncated with the right pass phrase: KEY_INVALID saying truncated or corrupt, not KEY_PASSPHRASE_WRONG (both encodings)", () => {
    for (const [name, pem] of [["t1.pem", pems.pkcs1Encrypted], ["t8.pem", pems.pkcs8Encrypted]] as const) {
      for (const keep of [1, 5, 12]) {
        const file = write(name, truncated(pem, keep));
        const err = keyError(() => loadPrivateKey(file, PASS));
        assert.equal(err.code, "KEY_INVALID", `${name} keeping ${keep} lines: ${err.message}`);
        assert.match(err.message, /truncated or corrupt/);
        assert.doesNotMatch(err.message, /pass phrase is wrong/);
        assert.equal(err.file, file);
      }
      // Cut in the middle of a line, END line gone.
      const err = keyError(() => loadPrivateKey(pem.slice(0, Math.floor(pem.length / 2)), PASS));
      assert.equal(err.code, "KEY_INVALID", name);
    }
  });

  test("a wrong pass phrase is still reported as wrong, intact or truncated (traditional encryption is checked by decrypting)", () => {
    for (const pem of [pems.pkcs1Encrypted, pems.pkcs8Encrypted]) {
      assert.equal(keyError(() => loadPrivateKey(pem, `${PASS}?`)).code, "KEY_PASSPHRASE_WRONG");
    }
    // Traditional (Proc-Type) encryption decrypts before it parses, so a wrong pass phrase is still detectable.
    assert.equal(keyError(() => loadPrivateKey(truncated(pems.pkcs1Encrypted, 5), `${PASS}?`)).code, "KEY_PASSPHRASE_WRONG");
  });
});

describe("a key or config file others can read warns once, with the chmod that fixes it (issue 18, item 15)", { skip: process.platform === "win32" ? "POSIX modes" : false }, () => {
  test("a 0644 key file and config file: one warning each naming the file and `chmod 600 <file>`; 0600 none; a second load none", async () => {
    const { chmodSync } = await import("node:fs");
    const { loadConfig, signerFromConfig } = await import("../runtime/config.js");
    const { ApiKeySigner } = await import("../runtime/signers.js");
    const open = write("open.pem", pems.pkcs8);
    const closed = write("closed.pem", pems.pkcs8);
    chmodSync(open, 0o644);
    chmodSync(closed, 0o600);
    const warnings: string[] = [];
    const onWarning = (m: string): void => void warnings.push(m);

    loadPrivateKey(closed, undefined, { onWarning });
    assert.equal(warnings.length, 0, "a 0600 key file is fine");
    loadPrivateKey(open, undefined, { onWarning });
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(`chmod 600 ${open}`), warnings[0]);
    assert.match(warnings[0]!, /too open/);
    // Again, by another way in: once per file and process.
    loadPrivateKey(open, undefined, { onWarning });
    new ApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKeyFile: open, onWarning });
    assert.equal(warnings.length, 1);

    // The config file and the key it names, through signerFromConfig.
    const key2 = write("open2.pem", pems.pkcs8);
    chmodSync(key2, 0o640);
    const config = write("open-config", `[DEFAULT]\nuser=ocid1.user.oc1..u\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..t\nregion=us-phoenix-1\nkey_file=${key2}\n`);
    chmodSync(config, 0o604);
    warnings.length = 0;
    signerFromConfig(loadConfig({ file: config, env: {}, onWarning }), { onWarning });
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.ok(warnings.some((w) => w.includes(`chmod 600 ${config}`)), "config file warning");
    assert.ok(warnings.some((w) => w.includes(`chmod 600 ${key2}`)), "key file warning");
    signerFromConfig(loadConfig({ file: config, env: {}, onWarning }), { onWarning });
    assert.equal(warnings.length, 2, "no second warning");
    for (const w of warnings) for (const secret of SECRETS) assert.ok(!w.includes(secret));

    // A 0600 config file: no warning.
    const closedConfig = write("closed-config", `[DEFAULT]\nregion=us-phoenix-1\n`);
    chmodSync(closedConfig, 0o600);
    loadConfig({ file: closedConfig, env: {}, onWarning });
    assert.equal(warnings.length, 2);
  });

  test("the default goes to process.emitWarning (code OCI_RAW_KEY_WARNING), and the CLI's auth path warns to its onWarning", async () => {
    const { chmodSync } = await import("node:fs");
    const { authFromEnvironment } = await import("../runtime/auth/from-environment.js");
    const open = write("open-default.pem", pems.pkcs8);
    chmodSync(open, 0o644);
    const emitted: Array<{ message: string; code: unknown }> = [];
    const listener = (w: Error & { code?: unknown }): void => void emitted.push({ message: w.message, code: w.code });
    process.on("warning", listener);
    try {
      loadPrivateKey(open);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", listener);
    }
    assert.equal(emitted.length, 1);
    assert.equal(emitted[0]!.code, "OCI_RAW_KEY_WARNING");
    assert.ok(emitted[0]!.message.includes(`chmod 600 ${open}`));

    const key = write("open-cli.pem", pems.pkcs8);
    chmodSync(key, 0o644);
    const config = write("open-cli-config", `[DEFAULT]\nuser=ocid1.user.oc1..u\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..t\nregion=us-phoenix-1\nkey_file=${key}\n`);
    chmodSync(config, 0o644);
    const warnings: string[] = [];
    await authFromEnvironment({ configFile: config, env: {}, onWarning: (m) => warnings.push(m) });
    assert.equal(warnings.length, 2, warnings.join("\n"));
    assert.ok(warnings.some((w) => w.includes(`chmod 600 ${config}`)));
    assert.ok(warnings.some((w) => w.includes(`chmod 600 ${key}`)));
  });
});
