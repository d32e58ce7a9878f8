/**
 * The Web Crypto signing core (runtime/webcrypto.ts) against OCI's published vectors, step by
 * step as test/signing.test.ts runs them for the Node core; then both cores on the same
 * requests, byte for byte; the PKCS#1 → PKCS#8 envelope against OpenSSL's own; the key errors;
 * and a signed round trip through the emulator (whose verifier is independent of both) with
 * the web entry's client and a generated typed call.
 */
import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync, webcrypto, type KeyObject } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { EMULATOR_COMPARTMENT_ID, startEmulator, type Emulator } from "oci-raw/emulator";
import { KeyError, OciServiceError, WebCryptoApiKeySigner, createClient, signedFetch } from "oci-raw/web";
import * as identity from "../generated/identity/index.js";
import { headersToSignWith, signingString, authorizationHeader } from "../runtime/signing-core.js";
import { signRequest } from "../runtime/signing.js";
import {
  bodyMeasureWebCrypto,
  importRsaPrivateKey,
  pkcs1ToPkcs8,
  pkcs8OfPem,
  rsaSha256WebCrypto,
  signRequestWebCrypto,
  type WebCryptoKey,
} from "../runtime/webcrypto.js";
import type { SignableRequest, SignatureHeaderLists } from "../runtime/signing-core.js";
import * as v from "./vectors/oci-request-signatures.js";

const getUrl = new URL(v.GET_URL);
const postUrl = new URL(v.POST_URL);
const getSigningString = [
  `date: ${v.DATE}`,
  "(request-target): get /20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1" +
    "&compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa" +
    "&displayName=TeamXInstances" +
    "&volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q",
  "host: iaas.us-phoenix-1.oraclecloud.com",
].join("\n");

function parseAuthorization(header: string): Record<string, string> {
  assert.match(header, /^Signature /);
  const out: Record<string, string> = {};
  for (const m of header.slice("Signature ".length).matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

let testKey: WebCryptoKey;
before(async () => {
  // The published key is PKCS#1 (BEGIN RSA PRIVATE KEY): this import goes through the envelope.
  testKey = await importRsaPrivateKey(v.TEST_PRIVATE_KEY_PEM);
});

describe("OCI's published test vector on the Web Crypto core, step by step", () => {
  test("1. headers to sign: the body's length and SHA-256 (crypto.subtle.digest) are the published ones", async () => {
    const getRequest = { method: "GET", url: getUrl, headers: { date: v.DATE } };
    const get = headersToSignWith(await bodyMeasureWebCrypto(getRequest), getRequest, getUrl);
    assert.equal(get.signedNames.join(" "), v.GET_SIGNED_HEADERS);
    const postRequest = { method: "POST", url: postUrl, headers: { date: v.DATE }, body: v.POST_BODY };
    const post = headersToSignWith(await bodyMeasureWebCrypto(postRequest), postRequest, postUrl);
    assert.equal(post.signedNames.join(" "), v.POST_SIGNED_HEADERS);
    assert.equal(post.headers["x-content-sha256"], v.POST_CONTENT_SHA256);
    assert.equal(post.headers["content-length"], v.POST_CONTENT_LENGTH);
  });

  test("2. signing string: byte for byte", async () => {
    const request = { method: "GET", url: getUrl, headers: { date: v.DATE } };
    const { headers, signedNames } = headersToSignWith(await bodyMeasureWebCrypto(request), request, getUrl);
    assert.equal(signingString("GET", getUrl, headers, signedNames), getSigningString);
  });

  test("3. signature: crypto.subtle's RSASSA-PKCS1-v1_5/SHA-256 of the published string is the published signature", async () => {
    assert.equal(await rsaSha256WebCrypto(testKey, getSigningString), v.GET_SIGNATURE);
  });

  test("4. authorization header: the shared step", () => {
    assert.match(authorizationHeader(v.KEY_ID, v.GET_SIGNED_HEADERS.split(" "), v.GET_SIGNATURE), new RegExp(`signature="${v.GET_SIGNATURE.replace(/[+/]/g, "\\$&")}"$`));
  });

  test("signRequestWebCrypto: GET and POST match the published signatures byte for byte", async () => {
    const credentials = { keyId: v.KEY_ID, privateKey: testKey };
    const get = await signRequestWebCrypto({ method: "GET", url: v.GET_URL, headers: { date: v.DATE } }, credentials);
    assert.equal(get.signingString, getSigningString);
    assert.deepEqual(parseAuthorization(get.headers["authorization"]!), {
      version: "1",
      headers: v.GET_SIGNED_HEADERS,
      keyId: v.KEY_ID,
      algorithm: "rsa-sha256",
      signature: v.GET_SIGNATURE,
    });
    const post = await signRequestWebCrypto({ method: "POST", url: v.POST_URL, headers: { date: v.DATE }, body: v.POST_BODY }, credentials);
    assert.equal(parseAuthorization(post.headers["authorization"]!)["signature"], v.POST_SIGNATURE);
  });

  test("WebCryptoApiKeySigner from the PKCS#1 PEM: the vectors, string and Uint8Array bodies", async () => {
    const signer = new WebCryptoApiKeySigner({ tenancy: v.TENANCY, user: v.USER, fingerprint: v.FINGERPRINT, privateKeyPem: v.TEST_PRIVATE_KEY_PEM });
    assert.equal(signer.keyId, v.KEY_ID);
    const get = await signer.sign({ method: "GET", url: getUrl, headers: { Date: v.DATE } });
    assert.equal(parseAuthorization(get["authorization"]!)["signature"], v.GET_SIGNATURE);
    for (const body of [v.POST_BODY, new TextEncoder().encode(v.POST_BODY)]) {
      const post = await signer.sign({ method: "POST", url: postUrl, headers: { Date: v.DATE }, body });
      assert.equal(parseAuthorization(post["authorization"]!)["signature"], v.POST_SIGNATURE);
    }
  });
});

describe("both cores, the same requests: identical headers and signatures", () => {
  const bodies: Array<string | Uint8Array | undefined> = [undefined, "", '{"name":"Zoë 日本"}', "x\uD800y", new Uint8Array([0, 255, 128]), "q".repeat(70_000)];
  const requests: Array<[SignableRequest, SignatureHeaderLists]> = [];
  for (const method of ["GET", "HEAD", "DELETE", "POST", "PUT", "PATCH"]) {
    for (const body of ["GET", "HEAD"].includes(method) ? [undefined] : bodies) {
      requests.push([{ method, url: "https://h.example.com:8443/n/ns/b/a+b@c(1)/o/x y?prefix=a b&q=é", headers: { date: v.DATE }, body }, {}]);
    }
  }
  requests.push([{ method: "PUT", url: "https://h/o", headers: { date: v.DATE }, body: new Uint8Array(5), excludeBody: true }, {}]);
  requests.push([{ method: "PUT", url: "https://h/o", headers: { date: v.DATE }, body: "héllo", excludeBody: true }, {}]);
  requests.push([{ method: "GET", url: "https://h/x", headers: new Headers({ "X-Date": v.DATE, "Opc-Request-Id": " abc " }) }, {}]);
  requests.push([{ method: "POST", url: "https://h/x", headers: [["date", v.DATE], ["x-content-sha256", "given"]], body: "{}" }, { genericHeaders: ["date", "(request-target)"] }]);

  for (const [format, modulusLength] of [["pkcs1", 2048], ["pkcs8", 2048], ["pkcs1", 4096]] as const) {
    test(`${modulusLength}-bit key as ${format.toUpperCase()} PEM: ${requests.length} requests`, async () => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength });
      const pem = privateKey.export({ type: format, format: "pem" }) as string;
      const webKey = await importRsaPrivateKey(pem);
      for (const [request, lists] of requests) {
        const node = signRequest(request, { keyId: "ST$token", privateKey }, lists);
        const web = await signRequestWebCrypto(request, { keyId: "ST$token", privateKey: webKey }, lists);
        assert.deepEqual(web, node, `${request.method} ${typeof request.body} ${request.excludeBody ? "excludeBody" : ""}`);
      }
    });
  }
});

describe("the PKCS#1 → PKCS#8 envelope", () => {
  test("equals OpenSSL's own PKCS#8 DER for keys of 512 to 4096 bits (DER lengths of one, two and three bytes)", () => {
    for (const modulusLength of [512, 1024, 2048, 3072, 4096]) {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength });
      const pkcs1 = new Uint8Array(privateKey.export({ type: "pkcs1", format: "der" }));
      const pkcs8 = new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" }));
      assert.deepEqual(pkcs1ToPkcs8(pkcs1), pkcs8, `${modulusLength} bits`);
      assert.deepEqual(pkcs8OfPem(privateKey.export({ type: "pkcs1", format: "pem" }) as string), pkcs8);
      assert.deepEqual(pkcs8OfPem(privateKey.export({ type: "pkcs8", format: "pem" }) as string), pkcs8);
    }
  });
});

describe("keys Web Crypto cannot sign with: typed KeyErrors that quote no key material", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const base = { tenancy: "t", user: "u", fingerprint: "f" };
  /** Every base64 line of a PEM: none may appear in a message. */
  const secretLines = (pem: string) => pem.split("\n").filter((line) => /^[A-Za-z0-9+/=]{16,}$/.test(line));

  function refuses(privateKeyPem: string, code: string, message: RegExp): void {
    assert.throws(
      () => new WebCryptoApiKeySigner({ ...base, privateKeyPem }),
      (error: unknown) => {
        assert.ok(error instanceof KeyError, String(error));
        assert.equal(error.code, code);
        assert.match(error.message, message);
        for (const line of secretLines(privateKeyPem)) assert.ok(!error.message.includes(line), "the message quotes the key");
        return true;
      },
    );
  }

  test("encrypted keys, PKCS#8 and PKCS#1 (Proc-Type), say to decrypt them first", () => {
    const encrypted8 = rsa.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }) as string;
    const encrypted1 = rsa.privateKey.export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }) as string;
    assert.match(encrypted1, /Proc-Type: 4,ENCRYPTED/);
    for (const pem of [encrypted8, encrypted1]) refuses(pem, "KEY_ENCRYPTED", /encrypted.*openssl pkcs8 -topk8 -nocrypt/s);
  });

  test("a public key, a non-RSA key, text that is not PEM, a damaged body", () => {
    refuses(rsa.publicKey.export({ type: "spki", format: "pem" }) as string, "KEY_IS_PUBLIC", /public key/);
    refuses(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }) as string, "KEY_NOT_RSA", /EC PRIVATE KEY; OCI signs with RSA/);
    refuses("~/.oci/oci_api_key.pem", "KEY_NOT_PEM", /not PEM text.*reads no files/s);
    refuses("-----BEGIN PRIVATE KEY-----\nnot*base64!\n-----END PRIVATE KEY-----", "KEY_INVALID", /not valid base64/);
  });

  test("an EC key in PKCS#8 is refused by the import, as KEY_INVALID", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    await assert.rejects(WebCryptoApiKeySigner.create({ ...base, privateKeyPem: ec }), (error: unknown) => error instanceof KeyError && error.code === "KEY_INVALID");
    // …and a signer made without create() rejects each sign the same way.
    const lazy = new WebCryptoApiKeySigner({ ...base, privateKeyPem: ec });
    await assert.rejects(lazy.sign({ method: "GET", url: "https://h/x" }), (error: unknown) => error instanceof KeyError && error.code === "KEY_INVALID");
  });

  test("a CryptoKey given directly must be a private RSASSA-PKCS1-v1_5/SHA-256 signing key", async () => {
    const good = await importRsaPrivateKey(rsa.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    assert.equal(new WebCryptoApiKeySigner({ ...base, privateKey: good }).keyId, "t/u/f");
    const pss = await webcrypto.subtle.generateKey({ name: "RSA-PSS", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, false, ["sign", "verify"]);
    assert.throws(() => new WebCryptoApiKeySigner({ ...base, privateKey: pss.privateKey }), (error: unknown) => error instanceof KeyError && error.code === "KEY_NOT_RSA");
    assert.throws(() => new WebCryptoApiKeySigner({ ...base, privateKey: pss.publicKey as never }), (error: unknown) => error instanceof KeyError);
    assert.throws(() => new WebCryptoApiKeySigner({ ...base }), /privateKeyPem/);
    assert.throws(() => new WebCryptoApiKeySigner({ ...base, tenancy: "", privateKeyPem: v.TEST_PRIVATE_KEY_PEM }), /"tenancy" is required/);
  });

  test("the key is imported once per signer, however many requests are signed at once", async () => {
    const subtle = webcrypto.subtle as unknown as { importKey: (...args: unknown[]) => Promise<unknown> };
    const original = subtle.importKey;
    let imports = 0;
    subtle.importKey = function (this: unknown, ...args: unknown[]) {
      imports++;
      return original.apply(this, args);
    };
    try {
      const signer = new WebCryptoApiKeySigner({ ...base, privateKeyPem: v.TEST_PRIVATE_KEY_PEM });
      await Promise.all(Array.from({ length: 20 }, () => signer.sign({ method: "GET", url: "https://h/x" })));
      await signer.sign({ method: "POST", url: "https://h/x", body: "{}" });
      assert.equal(imports, 1);
    } finally {
      subtle.importKey = original;
    }
  });
});

describe("a signed round trip through the emulator, with the web entry", () => {
  let emulator: Emulator;
  let signer: WebCryptoApiKeySigner;
  before(async () => {
    emulator = await startEmulator();
    const key = await emulator.createApiKey();
    // The emulator hands out PKCS#8; the PKCS#1 form of the same key must sign alike.
    const pkcs1 = (createPrivateKey(key.privateKeyPem) as KeyObject).export({ type: "pkcs1", format: "pem" }) as string;
    signer = await WebCryptoApiKeySigner.create({ tenancy: key.tenancy, user: key.user, fingerprint: key.fingerprint, privateKeyPem: pkcs1 });
  });
  after(() => emulator.stop());

  test("signedFetch GET and POST are verified by the emulator", async () => {
    const list = await signedFetch(`${emulator.url}/20160918/users?compartmentId=${EMULATOR_COMPARTMENT_ID}`, { signer });
    assert.equal(list.status, 200, await list.clone().text());
    const created = await signedFetch(`${emulator.url}/20160918/users`, {
      signer,
      method: "POST",
      body: JSON.stringify({ compartmentId: EMULATOR_COMPARTMENT_ID, name: "wé@example.com", description: "web crypto" }),
    });
    assert.equal(created.status, 200, await created.clone().text());
  });

  test("a generated typed call through the web entry's createClient; a wrong key is refused by the emulator", async () => {
    const client = createClient({ signer, endpoint: emulator.url, validation: "strict" });
    const { data } = await identity.createUser(client, { body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: "typed@example.com", description: "d" } });
    assert.equal(data.name, "typed@example.com");
    const fetched = await identity.getUser(client, { userId: data.id });
    assert.equal(fetched.data.id, data.id);

    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    const impostor = new WebCryptoApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKeyPem: other });
    const wrong = createClient({ signer: impostor, endpoint: emulator.url });
    await assert.rejects(identity.getUser(wrong, { userId: data.id }), (error: unknown) => error instanceof OciServiceError && error.status === 401);
  });
});
