/**
 * PEM inputs, hostile or careless (issue 18): random bytes, truncated and byte-flipped keys,
 * mangled headers, wrong and missing pass phrases, public keys, certificates, non-RSA keys —
 * through every way a key comes in (loadPrivateKey as text or path, ApiKeySigner's
 * privateKeyContent and privateKeyFile, a config profile's key_file). Property: a loaded RSA
 * key, or a KeyError with a documented code (the category's, where the category fixes it),
 * never another error; and neither the pass phrase nor any piece of the key appears in the
 * error's message, stack, util.inspect or JSON, nor in a warning.
 *
 * Keys are generated once up front (RSA generation is slow); each run costs one parse.
 */
import assert from "node:assert/strict";
import "./support/fc-seed.js";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, test } from "node:test";
import fc from "fast-check";
import forge from "node-forge";
import { loadPrivateKey } from "../runtime/keys.js";
import { ApiKeySigner } from "../runtime/signers.js";
import { loadConfig, signerFromConfig } from "../runtime/config.js";
import { KeyError, type OciRawErrorCode } from "../runtime/errors.js";

const RUNS = 1_500;
const dir = mkdtempSync(join(tmpdir(), "oci-raw-pkeys-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const PASS = "Right-Pass-Phrase-q7Zt9";
const WRONG = "Wrong-Pass-Phrase-k3Xw2";

/** Every code a KeyError may carry. */
const KEY_CODES: readonly OciRawErrorCode[] = [
  "KEY_FILE_NOT_FOUND",
  "KEY_FILE_UNREADABLE",
  "KEY_INVALID",
  "KEY_IS_PUBLIC",
  "KEY_NOT_PEM",
  "KEY_NOT_PRIVATE",
  "KEY_NOT_RSA",
  "KEY_PASSPHRASE_MISSING",
  "KEY_PASSPHRASE_WRONG",
];

interface Pem {
  name: string;
  text: string;
  encrypted: boolean;
  /** What loading the intact PEM gives: "ok" (with PASS when encrypted) or a code. */
  intact: "ok" | OciRawErrorCode;
}

function rsaPems(key: KeyObject, tag: string): Pem[] {
  return [
    { name: `${tag} pkcs1`, text: key.export({ type: "pkcs1", format: "pem" }).toString(), encrypted: false, intact: "ok" },
    { name: `${tag} pkcs8`, text: key.export({ type: "pkcs8", format: "pem" }).toString(), encrypted: false, intact: "ok" },
    { name: `${tag} pkcs1 aes-128`, text: key.export({ type: "pkcs1", format: "pem", cipher: "aes-128-cbc", passphrase: PASS }).toString(), encrypted: true, intact: "ok" },
    { name: `${tag} pkcs1 aes-256`, text: key.export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: PASS }).toString(), encrypted: true, intact: "ok" },
    { name: `${tag} pkcs8 aes-256`, text: key.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASS }).toString(), encrypted: true, intact: "ok" },
  ];
}

const rsa = [generateKeyPairSync("rsa", { modulusLength: 2048 }), generateKeyPairSync("rsa", { modulusLength: 2048 })];
const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const ed = generateKeyPairSync("ed25519");

function certificatePem(): string {
  const privateKey = forge.pki.privateKeyFromPem(rsa[0]!.privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  const publicKey = forge.pki.publicKeyFromPem(rsa[0]!.publicKey.export({ type: "spki", format: "pem" }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  const attrs = [{ name: "commonName", value: "oci-raw test" }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const PEMS: Pem[] = [
  ...rsaPems(rsa[0]!.privateKey, "rsa A"),
  ...rsaPems(rsa[1]!.privateKey, "rsa B"),
  { name: "ec pkcs8", text: ec.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), encrypted: false, intact: "KEY_NOT_RSA" },
  { name: "ec sec1", text: ec.privateKey.export({ type: "sec1", format: "pem" }).toString(), encrypted: false, intact: "KEY_NOT_RSA" },
  {
    name: "ec pkcs8 encrypted",
    text: ec.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASS }).toString(),
    encrypted: true,
    intact: "KEY_NOT_RSA",
  },
  { name: "ed25519", text: ed.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), encrypted: false, intact: "KEY_NOT_RSA" },
  { name: "rsa public spki", text: rsa[0]!.publicKey.export({ type: "spki", format: "pem" }).toString(), encrypted: false, intact: "KEY_IS_PUBLIC" },
  { name: "rsa public pkcs1", text: rsa[1]!.publicKey.export({ type: "pkcs1", format: "pem" }).toString(), encrypted: false, intact: "KEY_IS_PUBLIC" },
  { name: "certificate", text: certificatePem(), encrypted: false, intact: "KEY_IS_PUBLIC" },
];

/** The base64 lines of a PEM, as 20-character pieces: none may appear in an error. */
function keyPieces(pem: string): string[] {
  const pieces: string[] = [];
  for (const line of pem.split(/\r?\n/)) {
    if (line.startsWith("-----") || line.includes(":") || line.length < 40) continue;
    for (let at = 0; at + 20 <= line.length; at += 20) pieces.push(line.slice(at, at + 20));
  }
  return pieces;
}

/** One hostile input: the text, what pass phrase goes with it, and the codes its category allows. */
interface Case {
  label: string;
  text: string | Buffer;
  passPhrase: string | undefined;
  /** undefined: any documented KeyError code (or success). */
  expect: ReadonlyArray<"ok" | OciRawErrorCode> | undefined;
  secrets: string[];
}

/** Counterexamples print as their label, not as pages of key text. */
function labelled(c: Case): Case {
  return Object.assign(c, { [fc.toStringMethod]: () => `${c.label} (pass phrase ${c.passPhrase === undefined ? "none" : JSON.stringify(c.passPhrase)})` });
}

const pemArb = fc.constantFrom(...PEMS);
const passArb = fc.constantFrom<string | undefined>(PASS, WRONG, undefined, "");

/** A cut at a body line: the header and some lines kept, the END line restored (or not). */
function cutAtLine(pem: string, fraction: number, keepEnd: boolean): string {
  const lines = pem.trimEnd().split("\n");
  const first = lines.findIndex((l, i) => i > 0 && l !== "" && !l.startsWith("-----") && !l.includes(":"));
  const last = lines.length - 2; // the last body line
  const keep = first + Math.floor(fraction * (last - first)); // drops at least the last body line
  return [...lines.slice(0, keep), ...(keepEnd ? [lines.at(-1)!] : []), ""].join("\n");
}

const HEADER_MANGLES: Array<(pem: string) => string> = [
  (pem) => pem.replaceAll("-----", "----"),
  (pem) => pem.replace(/-----BEGIN ([A-Z ]+)-----/, (_, t: string) => `-----begin ${t.toLowerCase()}-----`),
  (pem) => pem.replace(/-----BEGIN [A-Z ]+-----\r?\n/, ""),
  (pem) => pem.replace(/-----END [A-Z ]+-----\r?\n?/, ""),
  (pem) => pem.replace(/BEGIN [A-Z ]+-----/, "BEGIN EC PRIVATE KEY-----"),
  (pem) => pem.replace(/BEGIN [A-Z ]+-----/, "BEGIN RSA PRIVATE KEY-----").replace(/END [A-Z ]+-----/, "END RSA PRIVATE KEY-----"),
  (pem) => pem.replace(/BEGIN [A-Z ]+-----/, "BEGIN PRIVATE KEY-----").replace(/END [A-Z ]+-----/, "END PRIVATE KEY-----"),
  (pem) => pem.replace(/Proc-Type: 4,ENCRYPTED\r?\n/, ""),
  (pem) => pem.replace(/DEK-Info: [^\n]*\n/, "DEK-Info: AES-256-CBC,00\n"),
  (pem) => pem.replaceAll("\n", "\r\n"),
  (pem) => pem.replaceAll("\n", ""),
];

const caseArb: fc.Arbitrary<Case> = fc.oneof<fc.Arbitrary<Case>[]>(
  // Intact keys, with the right, a wrong, no or an empty pass phrase.
  fc.tuple(pemArb, passArb).map(([pem, pass]): Case => {
    let expect: OciRawErrorCode | "ok" = pem.intact;
    if (pem.encrypted && (pass === undefined || pass === "")) expect = "KEY_PASSPHRASE_MISSING";
    else if (pem.encrypted && pass === WRONG) expect = "KEY_PASSPHRASE_WRONG";
    return { label: `intact ${pem.name}, pass ${String(pass)}`, text: pem.text, passPhrase: pass, expect: [expect], secrets: keyPieces(pem.text) };
  }),
  // Truncated at a body line (item 13): with the right pass phrase, never blamed on it.
  fc.tuple(pemArb, fc.double({ min: 0, max: 0.999, noNaN: true }), fc.boolean()).map(([pem, fraction, keepEnd]): Case => ({
    label: `${pem.name} cut at ${fraction.toFixed(3)}${keepEnd ? "" : ", no END line"}`,
    text: cutAtLine(pem.text, fraction, keepEnd),
    passPhrase: pem.encrypted ? PASS : undefined,
    expect: pem.intact === "ok" || pem.intact === "KEY_NOT_RSA" ? ["KEY_INVALID"] : ["KEY_INVALID", "KEY_NOT_PRIVATE", "KEY_IS_PUBLIC"],
    secrets: keyPieces(pem.text),
  })),
  // Truncated anywhere (a partial copy), any pass phrase.
  fc.tuple(pemArb, fc.nat(), passArb).map(([pem, at, pass]): Case => ({
    label: `${pem.name} cut at character ${at % pem.text.length}`,
    text: pem.text.slice(0, at % pem.text.length),
    passPhrase: pass,
    expect: undefined,
    secrets: keyPieces(pem.text),
  })),
  // A byte flipped in the body.
  fc.tuple(pemArb, fc.nat(), fc.constantFrom("A", "/", "!", "\u0000", "é"), passArb).map(([pem, at, c, pass]): Case => {
    const i = at % pem.text.length;
    return { label: `${pem.name} with ${JSON.stringify(c)} at ${i}`, text: pem.text.slice(0, i) + c + pem.text.slice(i + 1), passPhrase: pass, expect: undefined, secrets: keyPieces(pem.text) };
  }),
  // Mangled headers and line ends.
  fc.tuple(pemArb, fc.nat(HEADER_MANGLES.length - 1), passArb).map(([pem, m, pass]): Case => ({
    label: `${pem.name} mangle ${m}`,
    text: HEADER_MANGLES[m]!(pem.text),
    passPhrase: pass,
    expect: undefined,
    secrets: keyPieces(pem.text),
  })),
  // Random bytes, alone or after a PEM header.
  fc.tuple(fc.uint8Array({ maxLength: 3_000 }), fc.constantFrom("", "-----BEGIN RSA PRIVATE KEY-----\n", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), passArb).map(
    ([bytes, head, pass]): Case => ({
      label: `${bytes.length} random bytes after ${JSON.stringify(head)}`,
      text: Buffer.concat([Buffer.from(head), bytes]),
      passPhrase: pass,
      expect: undefined,
      secrets: [],
    }),
  ),
).map(labelled);

type Way = "text" | "file" | "content" | "privateKeyFile" | "key_file";
const wayArb = fc.constantFrom<Way>("text", "file", "content", "privateKeyFile", "key_file");

let counter = 0;
function writeKey(text: string | Buffer): string {
  const file = join(dir, `key-${++counter % 16}.pem`);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** Load the case's key the given way: the key, or what was thrown. Warnings are collected. */
function load(c: Case, way: Way, warnings: string[]): { key?: KeyObject; error?: unknown } {
  const onWarning = (m: string): void => void warnings.push(m);
  const text = typeof c.text === "string" ? c.text : c.text.toString("latin1");
  try {
    switch (way) {
      case "text":
        // Only PEM-looking text goes in as text: a short value without a header is a path by design.
        if (!/-{2,}\s*begin/i.test(text)) return load(c, "file", warnings);
        return { key: loadPrivateKey(text, c.passPhrase, { onWarning }) };
      case "file":
        return { key: loadPrivateKey(writeKey(c.text), c.passPhrase, { onWarning }) };
      case "content":
        if (!text.includes("-----BEGIN")) return load(c, "privateKeyFile", warnings);
        new ApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKeyContent: text, passPhrase: c.passPhrase, onWarning });
        return {};
      case "privateKeyFile":
        new ApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKeyFile: writeKey(c.text), passPhrase: c.passPhrase, onWarning });
        return {};
      case "key_file": {
        const keyFile = writeKey(c.text);
        const config = join(dir, "config");
        const pass = c.passPhrase ? `pass_phrase = ${c.passPhrase}\n` : "";
        writeFileSync(config, `[DEFAULT]\nuser=ocid1.user.oc1..u\nfingerprint=aa:bb\ntenancy=ocid1.tenancy.oc1..t\nkey_file=${keyFile}\n${pass}`, { mode: 0o600 });
        signerFromConfig(loadConfig({ file: config, env: {}, onWarning }), { onWarning });
        return {};
      }
    }
  } catch (error) {
    return { error };
  }
}

const stats = { tried: 0, loaded: 0, codes: new Map<string, number>(), leaked: 0 };

test(`PEM inputs through every way a key comes in (${RUNS} inputs): a key or a documented KeyError, never a secret in the error or a warning`, () => {
  fc.assert(
    fc.property(caseArb, wayArb, (c, way) => {
      stats.tried++;
      const warnings: string[] = [];
      const { error } = load(c, way, warnings);
      const where = `${c.label} via ${way}`;
      if (error === undefined) {
        stats.loaded++;
        if (c.expect) assert.ok(c.expect.includes("ok"), `${where}: loaded, expected ${c.expect.join(" or ")}`);
      } else {
        assert.ok(error instanceof KeyError, `${where}: ${inspect(error)}`);
        assert.ok(KEY_CODES.includes(error.code as OciRawErrorCode), `${where}: code ${error.code}`);
        if (c.expect) assert.ok(c.expect.includes(error.code as OciRawErrorCode), `${where}: ${error.code}, expected ${c.expect.join(" or ")}: ${error.message}`);
        stats.codes.set(error.code, (stats.codes.get(error.code) ?? 0) + 1);
      }
      const told = error === undefined ? warnings.join("\n") : [(error as Error).message, (error as Error).stack, inspect(error, { depth: 10 }), JSON.stringify(error), ...warnings].join("\n");
      for (const secret of [PASS, WRONG, ...c.secrets]) {
        if (told.includes(secret)) {
          stats.leaked++;
          assert.fail(`${where}: a secret (${secret === PASS || secret === WRONG ? "the pass phrase" : "a piece of the key"}) is in the error or a warning`);
        }
      }
    }),
    { numRuns: RUNS },
  );
  console.log(
    `# property PEM inputs: ${stats.tried} inputs, ${stats.loaded} loaded, ${[...stats.codes].map(([c, n]) => `${c} ${n}`).join(", ")}; ${stats.leaked} secrets leaked`,
  );
});
