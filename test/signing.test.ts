import assert from "node:assert/strict";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { describe, test } from "node:test";
import { KeyError } from "../runtime/errors.js";
import { ApiKeySigner, SecurityTokenSigner } from "../runtime/signers.js";
import { authorizationHeader, headersToSign, rsaSha256, sha256, sha256WithHashObject, signingString, signRequest } from "../runtime/signing.js";
import * as v from "./vectors/oci-request-signatures.js";

const testKey = createPrivateKey(v.TEST_PRIVATE_KEY_PEM);
const credentials = { keyId: v.KEY_ID, privateKey: testKey };

/** Parse `Signature k="v",…` independently of the signer. */
function parseAuthorization(header: string): Record<string, string> {
  assert.match(header, /^Signature /);
  const out: Record<string, string> = {};
  for (const m of header.slice("Signature ".length).matchAll(/(\w+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

describe("OCI's published test vector (Request Signatures page), step by step", () => {
  const getUrl = new URL(v.GET_URL);
  const getSigningString = [
    `date: ${v.DATE}`,
    "(request-target): get /20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1" +
      "&compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa" +
      "&displayName=TeamXInstances" +
      "&volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q",
    "host: iaas.us-phoenix-1.oraclecloud.com",
  ].join("\n");

  test("1. headers to sign: GET signs date, (request-target), host; POST adds the body's length, type and hash", () => {
    const get = headersToSign({ method: "GET", url: getUrl, headers: { date: v.DATE } }, getUrl);
    assert.equal(get.signedNames.join(" "), v.GET_SIGNED_HEADERS);
    assert.equal(get.headers["host"], "iaas.us-phoenix-1.oraclecloud.com");
    const postUrl = new URL(v.POST_URL);
    const post = headersToSign({ method: "POST", url: postUrl, headers: { date: v.DATE }, body: v.POST_BODY }, postUrl);
    assert.equal(post.signedNames.join(" "), v.POST_SIGNED_HEADERS);
    assert.equal(post.headers["x-content-sha256"], v.POST_CONTENT_SHA256);
    assert.equal(post.headers["content-length"], v.POST_CONTENT_LENGTH);
    assert.equal(post.headers["content-type"], "application/json");
  });

  test("2. signing string: byte for byte", () => {
    const { headers, signedNames } = headersToSign({ method: "GET", url: getUrl, headers: { date: v.DATE } }, getUrl);
    assert.equal(signingString("GET", getUrl, headers, signedNames), getSigningString);
  });

  test("3. signature: rsa-sha256 of the published signing string is the published signature", () => {
    assert.equal(rsaSha256(testKey, getSigningString), v.GET_SIGNATURE);
  });

  test("4. authorization header: the published fields, in the published order", () => {
    assert.equal(
      authorizationHeader(v.KEY_ID, v.GET_SIGNED_HEADERS.split(" "), v.GET_SIGNATURE),
      `Signature version="1",headers="${v.GET_SIGNED_HEADERS}",keyId="${v.KEY_ID}",algorithm="rsa-sha256",signature="${v.GET_SIGNATURE}"`,
    );
  });

  test("signRequest runs the four steps: GET and POST signatures match byte for byte", () => {
    const get = signRequest({ method: "GET", url: v.GET_URL, headers: { date: v.DATE } }, credentials);
    assert.equal(get.signingString, getSigningString);
    assert.deepEqual(parseAuthorization(get.headers["authorization"]!), {
      version: "1",
      headers: v.GET_SIGNED_HEADERS,
      keyId: v.KEY_ID,
      algorithm: "rsa-sha256",
      signature: v.GET_SIGNATURE,
    });
    const post = signRequest({ method: "POST", url: v.POST_URL, headers: { date: v.DATE }, body: v.POST_BODY }, credentials);
    const auth = parseAuthorization(post.headers["authorization"]!);
    assert.equal(auth["headers"], v.POST_SIGNED_HEADERS);
    assert.equal(auth["signature"], v.POST_SIGNATURE);
  });

  test("the same vector through ApiKeySigner and a Uint8Array body", async () => {
    const signer = new ApiKeySigner({
      tenancy: v.TENANCY,
      user: v.USER,
      fingerprint: v.FINGERPRINT,
      privateKeyContent: v.TEST_PRIVATE_KEY_PEM,
    });
    const headers = await signer.sign({
      method: "POST",
      url: new URL(v.POST_URL),
      headers: { Date: v.DATE },
      body: new TextEncoder().encode(v.POST_BODY),
    });
    assert.equal(parseAuthorization(headers["authorization"]!)["signature"], v.POST_SIGNATURE);
  });
});

/** Rebuild the signing string from what would go on the wire and verify with the public key. */
function verifyOnWire(method: string, url: string, headers: Record<string, string>, publicKey: ReturnType<typeof createPublicKey>): boolean {
  const auth = parseAuthorization(headers["authorization"]!);
  const u = new URL(url);
  const lines = auth["headers"]!.split(" ").map((name) =>
    name === "(request-target)" ? `${name}: ${method.toLowerCase()} ${u.pathname}${u.search}` : `${name}: ${headers[name]}`,
  );
  return verify("sha256", Buffer.from(lines.join("\n")), publicKey, Buffer.from(auth["signature"]!, "base64"));
}

describe("generated keys (OCI API keys are 2048-bit or larger)", () => {
  for (const modulusLength of [2048, 4096]) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
    for (const method of ["GET", "HEAD", "DELETE", "POST", "PUT", "PATCH"]) {
      for (const body of [undefined, "", '{"name":"x"}']) {
        test(`${modulusLength}-bit ${method} body=${JSON.stringify(body)}`, async () => {
          const signer = new SecurityTokenSigner("token-abc", privateKey);
          const url = "https://example.com:8443/p/a%20b?q=1";
          const headers = await signer.sign({ method, url, body });
          assert.ok(verifyOnWire(method, url, headers, publicKey));
          assert.equal(parseAuthorization(headers["authorization"]!)["keyId"], "ST$token-abc");
          if (["POST", "PUT", "PATCH"].includes(method)) {
            const bytes = Buffer.from(body ?? "", "utf8");
            assert.equal(headers["content-length"], String(bytes.length));
            assert.equal(headers["x-content-sha256"], createHash("sha256").update(bytes).digest("base64"));
          } else {
            assert.equal(headers["x-content-sha256"], undefined);
            assert.equal(parseAuthorization(headers["authorization"]!)["headers"], "date (request-target) host");
          }
        });
      }
    }
  }
});

describe("rsa-sha256", () => {
  // Any string a signing string can be: empty, ASCII, non-ASCII, a lone surrogate (UTF-8
  // encoders write U+FFFD for it), and longer than the digest buffer is.
  const samples = ["", "date: x\nhost: h", "(request-target): get /o/é日本", "x\uD800y", "q=".padEnd(20_000, "abc")];

  for (const modulusLength of [1024, 2048, 3072, 4096]) {
    test(`${modulusLength}-bit: deterministic, and verified by the public key over the string's UTF-8 bytes`, () => {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength });
      for (const data of samples) {
        const signature = rsaSha256(privateKey, data);
        assert.equal(rsaSha256(privateKey, data), signature, "PKCS#1 v1.5 signatures are deterministic");
        assert.equal(Buffer.from(signature, "base64").length, modulusLength / 8);
        assert.ok(verify("sha256", Buffer.from(data, "utf8"), publicKey, Buffer.from(signature, "base64")));
      }
    });
  }

  test("a KeyObject that is not an RSA private key is refused up front with a KeyError", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pss = generateKeyPairSync("rsa-pss", { modulusLength: 1024 });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const cases: Array<[KeyObject, RegExp]> = [
      [ec.privateKey, /of type ec;/],
      [pss.privateKey, /of type rsa-pss;/],
      [rsa.publicKey, /not a private key \(public\)/],
    ];
    for (const [key, message] of cases) {
      assert.throws(() => new SecurityTokenSigner("token", key), (error: unknown) =>
        error instanceof KeyError && error.code === "KEY_NOT_RSA" && message.test(error.message));
    }
  });

  test("sha256 (one-shot where Node has it) equals a Hash object's digest, for strings as UTF-8 and bytes", () => {
    for (const data of [...samples, new Uint8Array(0), Buffer.from([0, 255, 128])]) {
      const expected = createHash("sha256").update(typeof data === "string" ? Buffer.from(data, "utf8") : data).digest("hex");
      for (const encoding of ["base64", "binary"] as const) {
        const asHex = (digest: string) => Buffer.from(digest, encoding).toString("hex");
        assert.equal(asHex(sha256(data, encoding)), expected);
        assert.equal(asHex(sha256WithHashObject(data, encoding)), expected);
      }
    }
  });
});

describe("edge cases that break other OCI signers", () => {
  const dateHeaders = { date: v.DATE };
  const target = (url: string, method = "GET") =>
    signRequest({ method, url, headers: dateHeaders }, credentials).signingString.split("\n")[1];

  test("reserved and non-ASCII characters are signed as sent, percent-encoded exactly once", () => {
    assert.equal(target("https://h/n/ns/b/a+b@c(1)/o/x y?prefix=a b&q=é"), "(request-target): get /n/ns/b/a+b@c(1)/o/x%20y?prefix=a%20b&q=%C3%A9");
    assert.equal(target("https://h/o/%C3%A9%20x?q=%2B"), "(request-target): get /o/%C3%A9%20x?q=%2B");
  });

  test("method is lower-cased in (request-target)", () => {
    assert.equal(target("https://h/x", "DELETE"), "(request-target): delete /x");
  });

  test("host: default ports dropped, others kept (equal to the Host header fetch sends)", () => {
    const host = (url: string) => signRequest({ method: "GET", url, headers: dateHeaders }, credentials).headers["host"];
    assert.equal(host("https://h.example.com:443/x"), "h.example.com");
    assert.equal(host("http://127.0.0.1:80/x"), "127.0.0.1");
    assert.equal(host("https://h.example.com:8443/x"), "h.example.com:8443");
    assert.equal(host("http://[::1]:9000/x"), "[::1]:9000");
  });

  test("content-length and hash are over UTF-8 bytes, not characters", () => {
    const body = '{"name":"Zoë 日本"}';
    const signed = signRequest({ method: "PUT", url: "https://h/x", headers: dateHeaders, body }, credentials);
    assert.equal(signed.headers["content-length"], String(Buffer.byteLength(body)));
    assert.notEqual(signed.headers["content-length"], String(body.length));
    assert.equal(signed.headers["x-content-sha256"], createHash("sha256").update(body, "utf8").digest("base64"));
  });

  test("absent and empty bodies on POST/PUT/PATCH hash the empty string", () => {
    const emptyHash = createHash("sha256").update("").digest("base64");
    for (const method of ["POST", "PUT", "PATCH"]) {
      for (const body of [undefined, null, "", new Uint8Array(0)]) {
        const { headers } = signRequest({ method, url: "https://h/x", headers: dateHeaders, body }, credentials);
        assert.equal(headers["content-length"], "0");
        assert.equal(headers["x-content-sha256"], emptyHash);
      }
    }
  });

  test("excludeBody signs only the generic headers and computes no hash", () => {
    const signed = signRequest(
      { method: "PUT", url: "https://h/n/ns/b/b/o/o", headers: dateHeaders, body: new Uint8Array(5), excludeBody: true },
      credentials,
    );
    assert.equal(signed.signedNames.join(" "), "date (request-target) host");
    assert.equal(signed.headers["x-content-sha256"], undefined);
    assert.equal(signed.headers["content-length"], "5");
  });

  test("a caller's x-date is signed instead of date, and no date is added", () => {
    const signed = signRequest({ method: "GET", url: "https://h/x", headers: { "X-Date": v.DATE } }, credentials);
    assert.equal(signed.signedNames[0], "x-date");
    assert.equal(signed.headers["date"], undefined);
  });

  test("without a date, the current time is signed in RFC 7231 form", () => {
    const { headers } = signRequest({ method: "GET", url: "https://h/x" }, credentials);
    assert.match(headers["date"]!, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.ok(Math.abs(Date.parse(headers["date"]!) - Date.now()) < 5_000);
  });

  test("caller headers are kept (lower-cased) and Headers objects work", () => {
    const { headers } = signRequest(
      { method: "GET", url: "https://h/x", headers: new Headers({ "Opc-Request-Id": "abc", date: v.DATE }) },
      credentials,
    );
    assert.equal(headers["opc-request-id"], "abc");
  });

  test("custom header lists (Python's generic_headers/body_headers) are honoured", () => {
    const signed = signRequest({ method: "POST", url: "https://h/x", headers: dateHeaders, body: "{}" }, credentials, {
      genericHeaders: ["date", "(request-target)"],
    });
    assert.equal(signed.signedNames.join(" "), "date (request-target) content-length content-type x-content-sha256");
  });

  test("a header listed for signing but absent is an error, not a silent bad signature", () => {
    assert.throws(
      () => signingString("GET", new URL("https://h/x"), {}, ["date"]),
      /header "date" is to be signed but has no value/,
    );
  });

  test("headersToSign does not touch the caller's object", () => {
    const mine = { date: v.DATE };
    headersToSign({ method: "POST", url: "https://h/x", headers: mine, body: "{}" }, new URL("https://h/x"));
    assert.deepEqual(mine, { date: v.DATE });
  });
});

describe("signers", () => {
  test("ApiKeySigner needs tenancy, user, fingerprint and a key", () => {
    const base = { tenancy: "t", user: "u", fingerprint: "f", privateKeyContent: v.TEST_PRIVATE_KEY_PEM };
    assert.throws(() => new ApiKeySigner({ ...base, tenancy: "" }), /"tenancy" is required/);
    assert.throws(() => new ApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f" }), /privateKeyFile/);
    assert.throws(() => new ApiKeySigner({ ...base, privateKeyContent: "/path/to/key.pem" }), /must be PEM text/);
    assert.equal(new ApiKeySigner(base).keyId, "t/u/f");
  });

  test("the signing string in signWithDetails contains no secret", async () => {
    const signer = new ApiKeySigner({ tenancy: "t", user: "u", fingerprint: "f", privateKeyContent: v.TEST_PRIVATE_KEY_PEM });
    const details = await signer.signWithDetails({ method: "GET", url: "https://h/x" });
    assert.ok(!details.signingString.includes("PRIVATE"));
    assert.ok(!details.signingString.includes("signature"));
  });
});
