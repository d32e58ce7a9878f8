/**
 * The emulator, tested with a tiny signer written here (not the runtime's), so that the
 * emulator's verifier and the runtime's signer check each other rather than share a bug.
 */
import assert from "node:assert/strict";
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Agent, fetch as undiciFetch } from "undici";
import {
  EMULATOR_COMPARTMENT_ID,
  EMULATOR_NAMESPACE,
  SEEDED_INSTANCE_COUNT,
  apiKeyFingerprint,
  createTestCa,
  issueCertificate,
  json,
  startEmulator,
} from "../emulator/index.js";
import type { ApiKey, Emulator } from "../emulator/index.js";
import * as vector from "./vectors/oci-request-signatures.js";

// ---------------------------------------------------------------------------------------
// Test-only signer and raw sender: every byte on the wire is under the test's control.

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

interface Credentials {
  keyId: string;
  privateKey: KeyObject;
}

interface SignOptions {
  method: string;
  path: string;
  host: string;
  body?: string | Buffer;
  contentType?: string;
  date?: string;
  dateHeader?: "date" | "x-date";
  /** Sign only these (default: OCI's list for the method). */
  signedNames?: string[];
  extraHeaders?: Record<string, string>;
}

function sha256Base64(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("base64");
}

function signRaw(credentials: Credentials, options: SignOptions): RawRequest {
  const body = Buffer.from(options.body ?? "");
  const hasBody = ["POST", "PUT", "PATCH"].includes(options.method);
  const dateHeader = options.dateHeader ?? "date";
  const headers: Record<string, string> = {
    [dateHeader]: options.date ?? new Date().toUTCString(),
    host: options.host,
    ...options.extraHeaders,
  };
  if (hasBody) {
    headers["content-type"] = options.contentType ?? "application/json";
    headers["content-length"] = String(body.byteLength);
    headers["x-content-sha256"] = sha256Base64(body);
  }
  const names = options.signedNames ?? [dateHeader, "(request-target)", "host", ...(hasBody ? ["content-length", "content-type", "x-content-sha256"] : [])];
  const signingString = names
    // The signing string uses lower-case names whatever case headers= lists them in (draft-cavage).
    .map((listed) => listed.toLowerCase())
    .map((name) => (name === "(request-target)" ? `${name}: ${options.method.toLowerCase()} ${options.path}` : `${name}: ${headers[name]}`))
    .join("\n");
  const signature = sign("sha256", Buffer.from(signingString), credentials.privateKey).toString("base64");
  headers["authorization"] = `Signature version="1",keyId="${credentials.keyId}",algorithm="rsa-sha256",headers="${names.join(" ")}",signature="${signature}"`;
  return { method: options.method, path: options.path, headers, body };
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json(): unknown;
}

function send(origin: string, raw: RawRequest, ca?: string): Promise<RawResponse> {
  const url = new URL(origin);
  const options = {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port,
    method: raw.method,
    path: raw.path,
    headers: raw.headers,
    agent: false as const,
    ...(ca === undefined ? {} : { ca }),
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? httpsRequest : httpRequest)(options, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, json: () => JSON.parse(body.toString()) as unknown });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(raw.body.byteLength > 0 ? raw.body : undefined);
  });
}

function hostOf(emulator: Emulator): string {
  return new URL(emulator.url).host;
}

function credentialsOf(key: ApiKey): Credentials {
  return { keyId: key.keyId, privateKey: createPrivateKey(key.privateKeyPem) };
}

async function signedSend(emulator: Emulator, credentials: Credentials, options: Omit<SignOptions, "host">): Promise<RawResponse> {
  return send(emulator.url, signRaw(credentials, { ...options, host: hostOf(emulator) }));
}

function assertNotAuthenticated(response: RawResponse, why: string): void {
  assert.equal(response.status, 401, `${why}: expected 401, got ${response.status} ${response.body.toString()}`);
  const body = response.json() as { code: string; message: string };
  assert.equal(body.code, "NotAuthenticated", why);
  assert.equal(typeof body.message, "string");
  assert.ok(typeof response.headers["opc-request-id"] === "string" && response.headers["opc-request-id"] !== "", `${why}: opc-request-id`);
  assert.ok(typeof response.headers["date"] === "string", `${why}: date header`);
}

/** Replace the one character at `index` of `text` with a different one. */
function changeOneChar(text: string, index: number): string {
  const current = text[index];
  const replacement = current === "A" ? "B" : current === "0" ? "1" : current === "a" ? "b" : "A";
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

function withSignatureParam(authorization: string, name: string, change: (value: string) => string): string {
  return authorization.replace(new RegExp(`${name}="([^"]*)"`), (_, value: string) => `${name}="${change(value)}"`);
}

// ---------------------------------------------------------------------------------------

describe("emulator: signature verification", () => {
  let emulator: Emulator;
  let key: ApiKey;
  let credentials: Credentials;
  const usersPath = `/20160918/users/`;

  before(async () => {
    emulator = await startEmulator();
    key = await emulator.createApiKey();
    credentials = credentialsOf(key);
  });
  after(() => emulator.stop());

  test("createApiKey: fingerprint is MD5 of the DER SubjectPublicKeyInfo, lower-case hex pairs", () => {
    const der = createPublicKey(key.publicKeyPem).export({ type: "spki", format: "der" });
    const expected = createHash("md5").update(der).digest("hex").replace(/(..)(?!$)/g, "$1:");
    assert.equal(key.fingerprint, expected);
    assert.match(key.fingerprint, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.equal(key.keyId, `${key.tenancy}/${key.user}/${key.fingerprint}`);
    assert.equal(createPrivateKey(key.privateKeyPem).asymmetricKeyDetails?.modulusLength, 2048);
  });

  test("accepts correctly signed GET, POST, PUT and DELETE (identity users round trip)", async () => {
    const created = await signedSend(emulator, credentials, {
      method: "POST",
      path: usersPath,
      body: JSON.stringify({ compartmentId: key.tenancy, name: "alice", description: "first user", email: "alice@example.com" }),
    });
    assert.equal(created.status, 200, created.body.toString());
    const user = created.json() as { id: string; name: string; lifecycleState: string; timeCreated: string; email: string };
    assert.match(user.id, /^ocid1\.user\.oc1\.\./);
    assert.equal(user.name, "alice");
    assert.equal(user.lifecycleState, "ACTIVE");
    assert.ok(!Number.isNaN(Date.parse(user.timeCreated)));
    // Unset optional fields come back as null, as OCI writes them.
    assert.equal((user as unknown as Record<string, unknown>)["externalIdentifier"], null);

    const fetched = await signedSend(emulator, credentials, { method: "GET", path: `${usersPath}${user.id}` });
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.json(), user);

    const updated = await signedSend(emulator, credentials, {
      method: "PUT",
      path: `${usersPath}${user.id}`,
      body: JSON.stringify({ description: "renamed", email: "a@example.org" }),
    });
    assert.equal(updated.status, 200, updated.body.toString());
    assert.equal((updated.json() as { description: string }).description, "renamed");
    assert.equal((updated.json() as { email: string }).email, "a@example.org");

    const deleted = await signedSend(emulator, credentials, { method: "DELETE", path: `${usersPath}${user.id}` });
    assert.equal(deleted.status, 204);
    const gone = await signedSend(emulator, credentials, { method: "GET", path: `${usersPath}${user.id}` });
    assert.equal(gone.status, 404);
    assert.equal((gone.json() as { code: string }).code, "NotAuthorizedOrNotFound");
  });

  test("accepts x-date instead of date, and any order of the headers= list", async () => {
    const viaXDate = await signedSend(emulator, credentials, { method: "GET", path: "/n/", dateHeader: "x-date" });
    assert.equal(viaXDate.status, 200, viaXDate.body.toString());
    const reordered = await signedSend(emulator, credentials, {
      method: "POST",
      path: `/n/${EMULATOR_NAMESPACE}/b/`,
      body: JSON.stringify({ name: "reordered", compartmentId: EMULATOR_COMPARTMENT_ID }),
      signedNames: ["x-content-sha256", "host", "content-type", "(request-target)", "content-length", "date"],
    });
    assert.equal(reordered.status, 200, reordered.body.toString());
  });

  test("accepts header names in any case in headers= (the official TypeScript SDK lists Content-Type, Content-Length), signed lower-case", async () => {
    const asTheSdkSigns = await signedSend(emulator, credentials, {
      method: "POST",
      path: `/n/${EMULATOR_NAMESPACE}/b/`,
      body: JSON.stringify({ name: "capitals", compartmentId: EMULATOR_COMPARTMENT_ID }),
      dateHeader: "x-date",
      signedNames: ["x-date", "(request-target)", "host", "Content-Type", "Content-Length", "x-content-sha256"],
    });
    assert.equal(asTheSdkSigns.status, 200, asTheSdkSigns.body.toString());
    const shouting = await signedSend(emulator, credentials, { method: "GET", path: "/n/", signedNames: ["DATE", "(Request-Target)", "Host"] });
    assert.equal(shouting.status, 200, shouting.body.toString());
  });

  test("a header listed twice in headers=, in two cases, → 401", async () => {
    const twice = await signedSend(emulator, credentials, { method: "GET", path: "/n/", signedNames: ["date", "(request-target)", "host", "Host"] });
    assertNotAuthenticated(twice, "host twice");
    assert.match((twice.json() as { message: string }).message, /listed twice/);
  });

  describe("rejects a one-byte change to every signed part with 401 NotAuthenticated", () => {
    const body = JSON.stringify({ compartmentId: "ocid1.tenancy.oc1..tamper", name: "tamper-target", description: "x" });
    const path = `${usersPath}?compartmentId=ocid1.tenancy.oc1..tamper`; // a query, so it can be tampered with
    const fresh = (): RawRequest => signRaw(credentials, { method: "POST", path, body, host: hostOf(emulator) });

    test("the untampered request is accepted (control)", async () => {
      const response = await send(emulator.url, fresh());
      assert.equal(response.status, 200, response.body.toString());
    });

    const cases: Array<[string, (raw: RawRequest) => void]> = [
      ["date value", (raw) => { raw.headers["date"] = raw.headers["date"]!.replace(/(\d)(?= GMT$)/, (d) => String((Number(d) + 1) % 10)); }],
      ["host value", (raw) => { raw.headers["host"] = raw.headers["host"]!.replace("127.0.0.1", "127.0.0.2"); }],
      ["content-type value", (raw) => { raw.headers["content-type"] = "application/jsoN"; }],
      ["content-length value (leading zero, same body)", (raw) => { raw.headers["content-length"] = `0${raw.headers["content-length"]}`; }],
      ["x-content-sha256 value", (raw) => { raw.headers["x-content-sha256"] = changeOneChar(raw.headers["x-content-sha256"]!, 0); }],
      ["body (headers untouched)", (raw) => { raw.body = Buffer.from(raw.body.toString().replace("tamper-target", "tamper-targes")); }],
      ["body with a matching x-content-sha256", (raw) => {
        raw.body = Buffer.from(raw.body.toString().replace("tamper-target", "tamper-targes"));
        raw.headers["x-content-sha256"] = sha256Base64(raw.body);
      }],
      ["method", (raw) => { raw.method = "PUT"; }],
      ["path", (raw) => { raw.path = raw.path.replace("/users/", "/userz/"); }],
      ["query", (raw) => { raw.path = raw.path.replace("..tamper", "..tampes"); }],
      ["query encoding (same meaning, other bytes)", (raw) => { raw.path = raw.path.replace("..tamper", "..t%61mper"); }],
      ["keyId (unknown key)", (raw) => { raw.headers["authorization"] = withSignatureParam(raw.headers["authorization"]!, "keyId", (v) => changeOneChar(v, v.length - 1)); }],
      ["signature (first character)", (raw) => { raw.headers["authorization"] = withSignatureParam(raw.headers["authorization"]!, "signature", (v) => changeOneChar(v, 0)); }],
      ["signature (last data character)", (raw) => {
        raw.headers["authorization"] = withSignatureParam(raw.headers["authorization"]!, "signature", (v) => changeOneChar(v, v.replace(/=+$/, "").length - 1));
      }],
      ["headers list (host left out)", (raw) => { raw.headers["authorization"] = withSignatureParam(raw.headers["authorization"]!, "headers", (v) => v.replace(" host", "")); }],
      ["algorithm", (raw) => { raw.headers["authorization"] = withSignatureParam(raw.headers["authorization"]!, "algorithm", () => "rsa-sha512"); }],
      ["authorization scheme", (raw) => { raw.headers["authorization"] = raw.headers["authorization"]!.replace("Signature", "Signaturf"); }],
    ];
    for (const [what, tamper] of cases) {
      test(what, async () => {
        const raw = fresh();
        tamper(raw);
        assertNotAuthenticated(await send(emulator.url, raw), what);
      });
    }

    test("keyId of another registered key", async () => {
      const other = await emulator.createApiKey({ modulusLength: 1024 });
      const raw = fresh();
      raw.headers["authorization"] = withSignatureParam(raw.headers["authorization"]!, "keyId", () => other.keyId);
      assertNotAuthenticated(await send(emulator.url, raw), "other key");
    });
  });

  test("missing or garbled authorization → 401 with the reason in the message", async () => {
    const unsigned = await send(emulator.url, { method: "GET", path: "/n/", headers: { date: new Date().toUTCString() }, body: Buffer.alloc(0) });
    assertNotAuthenticated(unsigned, "no authorization");
    assert.match((unsigned.json() as { message: string }).message, /authorization header is missing/);
    const garbled = await send(emulator.url, { method: "GET", path: "/n/", headers: { authorization: 'Signature keyId="a",,', date: new Date().toUTCString() }, body: Buffer.alloc(0) });
    assertNotAuthenticated(garbled, "garbled");
  });

  test("POST without the body headers signed → 401; GET without host signed → 401", async () => {
    const noBodyHeaders = await signedSend(emulator, credentials, {
      method: "POST",
      path: usersPath,
      body: JSON.stringify({ compartmentId: "c", name: "n", description: "d" }),
      signedNames: ["date", "(request-target)", "host"],
    });
    assertNotAuthenticated(noBodyHeaders, "unsigned body on POST");
    assert.match((noBodyHeaders.json() as { message: string }).message, /content-length/);
    const noHost = await signedSend(emulator, credentials, { method: "GET", path: "/n/", signedNames: ["date", "(request-target)"] });
    assertNotAuthenticated(noHost, "host not signed");
  });

  test("date more than 5 minutes off → 401; 4 minutes off is accepted", async () => {
    const stale = new Date(Date.now() - 6 * 60 * 1000).toUTCString();
    assertNotAuthenticated(await signedSend(emulator, credentials, { method: "GET", path: "/n/", date: stale }), "stale date");
    const future = new Date(Date.now() + 6 * 60 * 1000).toUTCString();
    assertNotAuthenticated(await signedSend(emulator, credentials, { method: "GET", path: "/n/", date: future }), "future date");
    const staleX = new Date(Date.now() - 6 * 60 * 1000).toUTCString();
    assertNotAuthenticated(await signedSend(emulator, credentials, { method: "GET", path: "/n/", date: staleX, dateHeader: "x-date" }), "stale x-date");
    const slightlyOff = new Date(Date.now() - 4 * 60 * 1000).toUTCString();
    assert.equal((await signedSend(emulator, credentials, { method: "GET", path: "/n/", date: slightlyOff })).status, 200);
    const iso = new Date().toISOString();
    assertNotAuthenticated(await signedSend(emulator, credentials, { method: "GET", path: "/n/", date: iso }), "ISO date");
  });

  test("security tokens: accepted while valid; unknown, expired or revoked → 401", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const tokenCredentials = (token: string): Credentials => ({ keyId: `ST$${token}`, privateKey });
    emulator.registerSecurityToken("token-valid", publicKey, { expiresAt: new Date(Date.now() + 60_000), subject: "ocid1.instance.oc1..me" });
    emulator.registerSecurityToken("token-expired", publicKey.export({ type: "spki", format: "pem" }).toString(), { expiresAt: new Date(Date.now() - 1000) });

    const ok = await signedSend(emulator, tokenCredentials("token-valid"), { method: "GET", path: "/n/" });
    assert.equal(ok.status, 200, ok.body.toString());
    const record = emulator.requests.at(-1);
    assert.equal(record?.verification?.ok, true);
    assert.equal(record?.verification?.ok === true ? record.verification.principal.subject : undefined, "ocid1.instance.oc1..me");

    assertNotAuthenticated(await signedSend(emulator, tokenCredentials("token-unknown"), { method: "GET", path: "/n/" }), "unknown token");
    assertNotAuthenticated(await signedSend(emulator, tokenCredentials("token-expired"), { method: "GET", path: "/n/" }), "expired token");
    emulator.revokeSecurityToken("token-valid");
    const revoked = await signedSend(emulator, tokenCredentials("token-valid"), { method: "GET", path: "/n/" });
    assertNotAuthenticated(revoked, "revoked token");
    assert.match((revoked.json() as { message: string }).message, /revoked/);
    assert.doesNotMatch(revoked.body.toString(), /token-valid/, "the token is never echoed");
  });

  test("every response carries opc-request-id (echoing the client's as a prefix) and date", async () => {
    const response = await signedSend(emulator, credentials, { method: "GET", path: "/n/", extraHeaders: { "opc-request-id": "CLIENT-123" } });
    assert.match(String(response.headers["opc-request-id"]), /^CLIENT-123\/[0-9A-F]+$/);
    assert.ok(Math.abs(Date.parse(String(response.headers["date"])) - Date.now()) < 60_000);
    const notFound = await signedSend(emulator, credentials, { method: "GET", path: "/20160918/nothing-here" });
    assert.equal(notFound.status, 404);
    assert.equal((notFound.json() as { code: string }).code, "NotAuthorizedOrNotFound");
    assert.ok(typeof notFound.headers["opc-request-id"] === "string");
  });

  test("records requests as received, with the verification result and the status answered", async () => {
    emulator.clearRequests();
    await signedSend(emulator, credentials, { method: "GET", path: "/n/?x=%41" });
    await send(emulator.url, { method: "GET", path: "/n/", headers: {}, body: Buffer.alloc(0) });
    const [first, second] = emulator.requests;
    assert.equal(emulator.requests.length, 2);
    assert.equal(first?.method, "GET");
    assert.equal(first?.path, "/n/?x=%41");
    assert.equal(first?.status, 200);
    assert.deepEqual(first?.verification?.ok === true ? first.verification.keyId : undefined, key.keyId);
    assert.equal(second?.status, 401);
    assert.equal(second?.verification?.ok, false);
  });
});

describe("emulator: OCI's published request-signature vector", () => {
  // OCI's "Request Signatures" page signs with a fixed 2014 date, so the emulator's clock is
  // set to that date, and the Host header is the page's, not the emulator's.
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ clockOffsetSeconds: (Date.parse(vector.DATE) - Date.now()) / 1000 });
    emulator.registerApiKey(vector.KEY_ID, createPublicKey(vector.TEST_PRIVATE_KEY_PEM));
  });
  after(() => emulator.stop());

  test("the published test key's fingerprint, as OCI's documented openssl command computes it", () => {
    // `openssl rsa -pubout -outform DER -in key.pem | openssl md5 -c` on the published key.
    // The page's keyId fingerprint (20:3b:97:…) is a placeholder, not this key's: the keyId is
    // only a lookup string, so the vector still verifies.
    assert.equal(apiKeyFingerprint(vector.TEST_PRIVATE_KEY_PEM), "73:61:a2:21:67:e0:df:be:7e:4b:93:1e:15:98:a5:b7");
    assert.notEqual(vector.FINGERPRINT, "73:61:a2:21:67:e0:df:be:7e:4b:93:1e:15:98:a5:b7");
  });

  test("accepts the published GET request", async () => {
    const url = new URL(vector.GET_URL);
    const response = await send(emulator.url, {
      method: "GET",
      path: url.pathname + url.search,
      headers: {
        date: vector.DATE,
        host: url.host,
        authorization: `Signature version="1",headers="${vector.GET_SIGNED_HEADERS}",keyId="${vector.KEY_ID}",algorithm="rsa-sha256",signature="${vector.GET_SIGNATURE}"`,
      },
      body: Buffer.alloc(0),
    });
    assert.equal(response.status, 200, response.body.toString()); // ListInstances: none in that compartment
    assert.deepEqual(response.json(), []);
    assert.equal(emulator.requests.at(-1)?.verification?.ok, true);
  });

  test("accepts the published POST request (no such operation here, so 404 after verifying)", async () => {
    const url = new URL(vector.POST_URL);
    const response = await send(emulator.url, {
      method: "POST",
      path: url.pathname,
      headers: {
        date: vector.DATE,
        host: url.host,
        "content-type": "application/json",
        "content-length": vector.POST_CONTENT_LENGTH,
        "x-content-sha256": vector.POST_CONTENT_SHA256,
        authorization: `Signature version="1",headers="${vector.POST_SIGNED_HEADERS}",keyId="${vector.KEY_ID}",algorithm="rsa-sha256",signature="${vector.POST_SIGNATURE}"`,
      },
      body: Buffer.from(vector.POST_BODY),
    });
    assert.equal(emulator.requests.at(-1)?.verification?.ok, true, JSON.stringify(emulator.requests.at(-1)?.verification));
    assert.equal(response.status, 404);
  });
});

describe("emulator: services", () => {
  let emulator: Emulator;
  let credentials: Credentials;
  before(async () => {
    emulator = await startEmulator();
    credentials = credentialsOf(await emulator.createApiKey({ modulusLength: 1024 }));
  });
  after(() => emulator.stop());

  test("compute ListInstances paginates the seeded instances with opc-next-page", async () => {
    const seen: string[] = [];
    let page: string | undefined;
    const pageSizes: number[] = [];
    do {
      const query = `compartmentId=${EMULATOR_COMPARTMENT_ID}&limit=10${page === undefined ? "" : `&page=${encodeURIComponent(page)}`}`;
      const response = await signedSend(emulator, credentials, { method: "GET", path: `/20160918/instances?${query}` });
      assert.equal(response.status, 200, response.body.toString());
      const instances = response.json() as Array<{ id: string; compartmentId: string; lifecycleState: string; shape: string }>;
      pageSizes.push(instances.length);
      for (const instance of instances) {
        assert.equal(instance.compartmentId, EMULATOR_COMPARTMENT_ID);
        seen.push(instance.id);
      }
      const next = response.headers["opc-next-page"];
      page = typeof next === "string" ? next : undefined;
    } while (page !== undefined);
    assert.deepEqual(pageSizes, [10, 10, 5]);
    assert.equal(new Set(seen).size, SEEDED_INSTANCE_COUNT);

    const all = await signedSend(emulator, credentials, { method: "GET", path: `/20160918/instances/?compartmentId=${EMULATOR_COMPARTMENT_ID}` });
    assert.deepEqual((all.json() as Array<{ id: string }>).map((instance) => instance.id), seen);
    assert.equal(all.headers["opc-next-page"], undefined);
  });

  test("list parameters: missing compartmentId → 400 MissingParameter; bad limit or page → 400 InvalidParameter", async () => {
    const missing = await signedSend(emulator, credentials, { method: "GET", path: "/20160918/instances" });
    assert.equal(missing.status, 400);
    assert.equal((missing.json() as { code: string }).code, "MissingParameter");
    for (const query of ["limit=0", "limit=101", "limit=ten", "page=garbage"]) {
      const response = await signedSend(emulator, credentials, { method: "GET", path: `/20160918/instances?compartmentId=${EMULATOR_COMPARTMENT_ID}&${query}` });
      assert.equal(response.status, 400, query);
      assert.equal((response.json() as { code: string }).code, "InvalidParameter", query);
    }
  });

  test("identity: validation, duplicates, opc-retry-token, listing", async () => {
    const compartmentId = "ocid1.tenancy.oc1..identitytest";
    const create = (body: unknown, retryToken?: string) =>
      signedSend(emulator, credentials, {
        method: "POST",
        path: "/20160918/users/",
        body: JSON.stringify(body),
        ...(retryToken === undefined ? {} : { extraHeaders: { "opc-retry-token": retryToken } }),
      });
    const invalid = await create({ compartmentId, name: "no-description" });
    assert.equal(invalid.status, 400);
    assert.equal((invalid.json() as { code: string }).code, "InvalidParameter");

    const first = await create({ compartmentId, name: "bob", description: "b" }, "retry-1");
    const again = await create({ compartmentId, name: "bob", description: "b" }, "retry-1");
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal((again.json() as { id: string }).id, (first.json() as { id: string }).id);
    const reused = await create({ compartmentId, name: "other", description: "b" }, "retry-1");
    assert.equal(reused.status, 409);
    const duplicate = await create({ compartmentId, name: "bob", description: "again" });
    assert.equal(duplicate.status, 409);

    for (const name of ["carol", "dave"]) assert.equal((await create({ compartmentId, name, description: "d" })).status, 200);
    const page1 = await signedSend(emulator, credentials, { method: "GET", path: `/20160918/users/?compartmentId=${compartmentId}&limit=2` });
    const next = page1.headers["opc-next-page"];
    assert.equal(typeof next, "string");
    const page2 = await signedSend(emulator, credentials, { method: "GET", path: `/20160918/users/?compartmentId=${compartmentId}&limit=2&page=${encodeURIComponent(String(next))}` });
    const names = [...(page1.json() as Array<{ name: string }>), ...(page2.json() as Array<{ name: string }>)].map((user) => user.name);
    assert.deepEqual(names, ["bob", "carol", "dave"]);
    assert.equal(page2.headers["opc-next-page"], undefined);
  });

  test("object storage: namespace, buckets, and PutObject with an unsigned body", async () => {
    const namespace = await signedSend(emulator, credentials, { method: "GET", path: "/n/" });
    assert.equal(namespace.json(), EMULATOR_NAMESPACE);

    const bucketPath = `/n/${EMULATOR_NAMESPACE}/b/`;
    for (const name of ["zeta", "alpha"]) {
      const created = await signedSend(emulator, credentials, { method: "POST", path: bucketPath, body: JSON.stringify({ name, compartmentId: EMULATOR_COMPARTMENT_ID }) });
      assert.equal(created.status, 200, created.body.toString());
    }
    const listed = await signedSend(emulator, credentials, { method: "GET", path: `${bucketPath}?compartmentId=${EMULATOR_COMPARTMENT_ID}` });
    const buckets = listed.json() as Array<{ name: string; namespace: string; createdBy: string; etag: string; timeCreated: string }>;
    assert.deepEqual(buckets.map((bucket) => bucket.name), ["alpha", "zeta"]);
    assert.equal(buckets[0]?.namespace, EMULATOR_NAMESPACE);
    assert.match(buckets[0]?.createdBy ?? "", /^ocid1\.user\./);
    const again = await signedSend(emulator, credentials, { method: "POST", path: bucketPath, body: JSON.stringify({ name: "alpha", compartmentId: EMULATOR_COMPARTMENT_ID }) });
    assert.equal(again.status, 409);

    // PutObject: only date, (request-target) and host are signed, as the SDKs do for it.
    const content = Buffer.from([0, 1, 2, 250, 251, 252]);
    const objectPath = `/n/${EMULATOR_NAMESPACE}/b/alpha/o/dir%2Ffile.bin`;
    const raw = signRaw(credentials, { method: "PUT", path: objectPath, host: hostOf(emulator), signedNames: ["date", "(request-target)", "host"] });
    raw.headers["content-type"] = "application/x-test";
    raw.headers["content-length"] = String(content.byteLength);
    raw.body = content;
    const put = await send(emulator.url, raw);
    assert.equal(put.status, 200, put.body.toString());
    assert.equal(put.headers["opc-content-md5"], createHash("md5").update(content).digest("base64"));
    assert.ok(typeof put.headers["etag"] === "string");

    const got = await signedSend(emulator, credentials, { method: "GET", path: objectPath });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, content);
    assert.equal(got.headers["content-type"], "application/x-test");
    assert.equal(got.headers["content-length"], String(content.byteLength));

    // The same unsigned-body request to an operation whose body must be signed is refused.
    const updateUser = signRaw(credentials, { method: "PUT", path: "/20160918/users/ocid1.user.oc1..x", host: hostOf(emulator), signedNames: ["date", "(request-target)", "host"] });
    updateUser.headers["content-type"] = "application/json";
    updateUser.headers["content-length"] = "2";
    updateUser.body = Buffer.from("{}");
    assertNotAuthenticated(await send(emulator.url, updateUser), "unsigned body on UpdateUser");

    const head = await send(emulator.url, { ...signRaw(credentials, { method: "HEAD", path: objectPath, host: hostOf(emulator) }) });
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(content.byteLength));
    assert.equal(head.body.byteLength, 0);
    assert.equal((await signedSend(emulator, credentials, { method: "DELETE", path: objectPath })).status, 204);
    assert.equal((await signedSend(emulator, credentials, { method: "GET", path: objectPath })).status, 404);

    const missingObject = await signedSend(emulator, credentials, { method: "GET", path: `/n/${EMULATOR_NAMESPACE}/b/alpha/o/none` });
    assert.equal(missingObject.status, 404);
    assert.equal((missingObject.json() as { code: string }).code, "ObjectNotFound");
  });

  test("object storage buckets: get, head, update (etag, if-match, rename), delete (409 BucketNotEmpty, then 204)", async () => {
    const bucketPath = `/n/${EMULATOR_NAMESPACE}/b/`;
    const created = await signedSend(emulator, credentials, { method: "POST", path: bucketPath, body: JSON.stringify({ name: "crud", compartmentId: EMULATOR_COMPARTMENT_ID }) });
    assert.equal(created.status, 200, created.body.toString());
    const bucket = created.json() as Record<string, unknown>;
    assert.match(String(bucket["id"]), /^ocid1\.bucket\.oc1\./);
    assert.equal(created.headers["etag"], bucket["etag"]);
    // Unset optional fields are null, as OCI writes them.
    assert.equal(bucket["kmsKeyId"], null);
    assert.equal(bucket["approximateCount"], null);

    const got = await signedSend(emulator, credentials, { method: "GET", path: `${bucketPath}crud`, extraHeaders: { "opc-client-request-id": "mine-1" } });
    assert.equal(got.status, 200, got.body.toString());
    assert.deepEqual(got.json(), bucket);
    assert.equal(got.headers["etag"], bucket["etag"]);
    assert.equal(got.headers["opc-client-request-id"], "mine-1");
    const notModified = await signedSend(emulator, credentials, { method: "GET", path: `${bucketPath}crud`, extraHeaders: { "if-none-match": String(bucket["etag"]) } });
    assert.equal(notModified.status, 304);
    const head = await signedSend(emulator, credentials, { method: "HEAD", path: `${bucketPath}crud` });
    assert.equal(head.status, 200);
    assert.equal(head.headers["etag"], bucket["etag"]);
    assert.equal((await signedSend(emulator, credentials, { method: "HEAD", path: `${bucketPath}none` })).status, 404);

    const stale = await signedSend(emulator, credentials, { method: "POST", path: `${bucketPath}crud`, body: JSON.stringify({ freeformTags: { a: "b" } }), extraHeaders: { "if-match": "not-the-etag" } });
    assert.equal(stale.status, 412);
    assert.equal((stale.json() as { code: string }).code, "IfMatchFailed");
    const updated = await signedSend(emulator, credentials, {
      method: "POST",
      path: `${bucketPath}crud`,
      body: JSON.stringify({ name: "crud2", freeformTags: { a: "b" }, publicAccessType: "ObjectRead" }),
      extraHeaders: { "if-match": String(bucket["etag"]) },
    });
    assert.equal(updated.status, 200, updated.body.toString());
    const after = updated.json() as Record<string, unknown>;
    assert.equal(after["name"], "crud2");
    assert.deepEqual(after["freeformTags"], { a: "b" });
    assert.equal(after["publicAccessType"], "ObjectRead");
    assert.equal(after["id"], bucket["id"]);
    assert.notEqual(after["etag"], bucket["etag"]);
    assert.equal((await signedSend(emulator, credentials, { method: "GET", path: `${bucketPath}crud` })).status, 404);
    const badEnum = await signedSend(emulator, credentials, { method: "POST", path: `${bucketPath}crud2`, body: JSON.stringify({ versioning: "Sometimes" }) });
    assert.equal(badEnum.status, 400);

    const objectPath = `${bucketPath}crud2/o/left`;
    const raw = signRaw(credentials, { method: "PUT", path: objectPath, host: hostOf(emulator), signedNames: ["date", "(request-target)", "host"] });
    raw.headers["content-length"] = "3";
    raw.body = Buffer.from("abc");
    assert.equal((await send(emulator.url, raw)).status, 200);
    const counted = await signedSend(emulator, credentials, { method: "GET", path: `${bucketPath}crud2?fields=approximateCount,approximateSize` });
    assert.equal((counted.json() as Record<string, unknown>)["approximateCount"], 1);
    assert.equal((counted.json() as Record<string, unknown>)["approximateSize"], 3);
    const notEmpty = await signedSend(emulator, credentials, { method: "DELETE", path: `${bucketPath}crud2` });
    assert.equal(notEmpty.status, 409);
    assert.equal((notEmpty.json() as { code: string }).code, "BucketNotEmpty");
    assert.equal((await signedSend(emulator, credentials, { method: "DELETE", path: objectPath })).status, 204);
    const deleted = await signedSend(emulator, credentials, { method: "DELETE", path: `${bucketPath}crud2` });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body.byteLength, 0);
    assert.ok(typeof deleted.headers["opc-request-id"] === "string");
    const gone = await signedSend(emulator, credentials, { method: "GET", path: `${bucketPath}crud2` });
    assert.equal(gone.status, 404);
    assert.equal((gone.json() as { code: string }).code, "BucketNotFound");
  });

  test("bad JSON → 400 CannotParseRequest; bad percent-encoding → 400; a failing handler → 500", async () => {
    const badJson = await signedSend(emulator, credentials, { method: "POST", path: "/20160918/users/", body: "{not json" });
    assert.equal(badJson.status, 400);
    assert.equal((badJson.json() as { code: string }).code, "CannotParseRequest");
    const badEncoding = await signedSend(emulator, credentials, { method: "GET", path: "/20160918/users/%zz" });
    assert.equal(badEncoding.status, 400);
    assert.equal((badEncoding.json() as { code: string }).code, "InvalidParameter");
    emulator.route("GET", "/broken", () => {
      throw new Error("boom");
    });
    const broken = await signedSend(emulator, credentials, { method: "GET", path: "/broken" });
    assert.equal(broken.status, 500);
    assert.equal((broken.json() as { code: string }).code, "InternalServerError");
  });

  test("custom routes: opt out of verification, or relax it", async () => {
    emulator.route("GET", "/opc/v2/instance/region", () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "iad" }), { verify: false });
    emulator.route("POST", "/v1/x509", (request) => json(200, { keyId: request.principal?.keyId, signedBodyHashReceived: request.rawHeaders.includes("x-content-sha256") }), { verify: { requireHost: false } });
    const imds = await send(emulator.url, { method: "GET", path: "/opc/v2/instance/region", headers: { authorization: "Bearer Oracle" }, body: Buffer.alloc(0) });
    assert.equal(imds.status, 200);
    assert.equal(imds.body.toString(), "iad");
    assert.equal(emulator.requests.at(-1)?.verification, undefined);

    const federation = await signedSend(emulator, credentials, {
      method: "POST",
      path: "/v1/x509",
      body: "{}",
      signedNames: ["date", "(request-target)", "content-length", "content-type", "x-content-sha256"],
    });
    assert.equal(federation.status, 200, federation.body.toString());
    assert.deepEqual(federation.json(), {
      keyId: credentials.keyId,
      signedBodyHashReceived: true,
    });
  });
});

describe("emulator: faults", () => {
  let emulator: Emulator;
  let credentials: Credentials;
  before(async () => {
    emulator = await startEmulator();
    credentials = credentialsOf(await emulator.createApiKey({ modulusLength: 1024 }));
  });
  after(() => emulator.stop());

  test("failNext answers the next N requests with the OCI error and headers, then recovers", async () => {
    emulator.faults.failNext(2, 429, "TooManyRequests", "slow down", { "retry-after": "1" });
    emulator.faults.failNext(1, 409, "IncorrectState");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await signedSend(emulator, credentials, { method: "GET", path: "/n/" });
      statuses.push(response.status);
      if (i === 0) {
        assert.deepEqual(response.json(), { code: "TooManyRequests", message: "slow down" });
        assert.equal(response.headers["retry-after"], "1");
        assert.ok(typeof response.headers["opc-request-id"] === "string");
      }
      if (i === 2) assert.equal((response.json() as { code: string }).code, "IncorrectState");
    }
    assert.deepEqual(statuses, [429, 429, 409, 200]);
    assert.deepEqual(emulator.requests.slice(-4).map((request) => request.fault), ["fail", "fail", "fail", undefined]);
    assert.ok(emulator.requests.slice(-4).every((request) => request.verification?.ok === true), "faulted requests are still verified and recorded");
  });

  test("dropNext destroys the connection without answering", async () => {
    emulator.faults.dropNext(1);
    await assert.rejects(signedSend(emulator, credentials, { method: "GET", path: "/n/" }), /socket hang up|ECONNRESET/);
    assert.equal(emulator.requests.at(-1)?.fault, "drop");
    assert.equal(emulator.requests.at(-1)?.status, undefined);
    assert.equal((await signedSend(emulator, credentials, { method: "GET", path: "/n/" })).status, 200);
  });

  test("delayNext holds the request, then answers normally", async () => {
    emulator.faults.delayNext(1, 150);
    const started = Date.now();
    const response = await signedSend(emulator, credentials, { method: "GET", path: "/n/" });
    assert.equal(response.status, 200);
    assert.ok(Date.now() - started >= 140, "the answer waited for the delay");
    assert.equal(emulator.requests.at(-1)?.delayMs, 150);
  });

  test("clear() forgets queued faults; bad arguments are refused", async () => {
    emulator.faults.failNext(5, 503, "ServiceUnavailable");
    emulator.faults.clear();
    assert.equal((await signedSend(emulator, credentials, { method: "GET", path: "/n/" })).status, 200);
    assert.throws(() => emulator.faults.failNext(0, 503, "X"), TypeError);
    assert.throws(() => emulator.faults.failNext(1, 200, "X"), TypeError);
    assert.throws(() => emulator.faults.delayNext(1, -1), TypeError);
  });

  test("stop() during an injected delay ends promptly and cancels the delay", async () => {
    const own = await startEmulator();
    const key = credentialsOf(await own.createApiKey({ modulusLength: 1024 }));
    own.faults.delayNext(1, 60_000);
    const pending = signedSend(own, key, { method: "GET", path: "/n/" });
    while (own.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await own.stop();
    await assert.rejects(pending);
    await assert.rejects(signedSend(own, key, { method: "GET", path: "/n/" }), /ECONNREFUSED/);
  });
});

describe("emulator: transports and clock", () => {
  test("HTTPS with the test CA (undici Agent + fetch); refused without the CA", async () => {
    const emulator = await startEmulator({ https: true });
    try {
      assert.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(emulator.caCertificatePem?.includes("BEGIN CERTIFICATE"));
      const key = credentialsOf(await emulator.createApiKey({ modulusLength: 1024 }));
      const raw = signRaw(key, { method: "GET", path: "/n/", host: hostOf(emulator) });
      const { host: _host, ...headers } = raw.headers; // fetch sends the URL's host itself
      const dispatcher = new Agent({ connect: { ca: emulator.caCertificatePem } });
      try {
        const response = await undiciFetch(new URL("/n/", emulator.url), { headers, dispatcher });
        assert.equal(response.status, 200);
        assert.equal(await response.json(), EMULATOR_NAMESPACE);
      } finally {
        await dispatcher.close();
      }
      await assert.rejects(send(emulator.url, raw), /self-signed|unable to verify|certificate/i);
    } finally {
      await emulator.stop();
    }
  });

  test("IPv6 loopback (::1), over HTTP and HTTPS (certificate valid for ::1)", async () => {
    for (const https of [false, true]) {
      const emulator = await startEmulator({ host: "::1", https });
      try {
        assert.match(emulator.url, /^https?:\/\/\[::1\]:\d+$/);
        const key = credentialsOf(await emulator.createApiKey({ modulusLength: 1024 }));
        const raw = signRaw(key, { method: "GET", path: "/n/", host: hostOf(emulator) });
        const response = await send(emulator.url, raw, emulator.caCertificatePem);
        assert.equal(response.status, 200, response.body.toString());
      } finally {
        await emulator.stop();
      }
    }
  });

  test("only loopback hosts are accepted", async () => {
    await assert.rejects(startEmulator({ host: "0.0.0.0" }), TypeError);
  });

  test("clockOffsetSeconds: the emulator judges dates by its own clock and says so in its date header", async () => {
    const emulator = await startEmulator({ clockOffsetSeconds: 3600 });
    try {
      const key = credentialsOf(await emulator.createApiKey({ modulusLength: 1024 }));
      assertNotAuthenticated(await signedSend(emulator, key, { method: "GET", path: "/n/" }), "real clock is an hour behind");
      const response = await signedSend(emulator, key, { method: "GET", path: "/n/", date: emulator.now().toUTCString() });
      assert.equal(response.status, 200);
      const skew = Date.parse(String(response.headers["date"])) - Date.now();
      assert.ok(Math.abs(skew - 3600_000) < 60_000, `date header skew ${skew}`);
    } finally {
      await emulator.stop();
    }
  });
});

describe("emulator: config files and test PKI", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "oci-raw-emulator-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("writeConfigFile writes profiles whose keys the emulator accepts", async () => {
    const emulator = await startEmulator();
    try {
      const configPath = await emulator.writeConfigFile(dir);
      assert.equal(await emulator.writeConfigFile(dir, { profile: "OTHER", region: "us-phoenix-1" }), configPath);
      await assert.rejects(emulator.writeConfigFile(dir, { profile: "OTHER" }), /already has a \[OTHER\] profile/);

      const text = await readFile(configPath, "utf8");
      const profiles = new Map<string, Record<string, string>>();
      let current: Record<string, string> | undefined;
      for (const line of text.split("\n")) {
        const section = /^\[(.+)\]$/.exec(line);
        if (section !== null) profiles.set(section[1]!, (current = {}));
        else if (line.includes("=") && current !== undefined) current[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
      }
      assert.deepEqual([...profiles.keys()], ["DEFAULT", "OTHER"]);
      assert.equal(profiles.get("OTHER")?.["region"], "us-phoenix-1");
      for (const profile of profiles.values()) {
        const keyFile = profile["key_file"]!;
        assert.equal((await stat(keyFile)).mode & 0o077, 0, "key file is private");
        const privateKey = createPrivateKey(await readFile(keyFile, "utf8"));
        assert.equal(apiKeyFingerprint(privateKey), profile["fingerprint"]);
        const credentials = { keyId: `${profile["tenancy"]}/${profile["user"]}/${profile["fingerprint"]}`, privateKey };
        assert.equal((await signedSend(emulator, credentials, { method: "GET", path: "/n/" })).status, 200);
      }
    } finally {
      await emulator.stop();
    }
  });

  test("issueCertificate: an instance-principal chain (CA → intermediate → leaf with OU=opc-tenant:…)", async () => {
    const ca = await createTestCa({ modulusLength: 1024 });
    const intermediate = await issueCertificate({ ca, subject: { commonName: "intermediate" }, isCa: true, modulusLength: 1024 });
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const tenancy = "ocid1.tenancy.oc1..aaaaaaaatest";
    const leaf = await issueCertificate({
      ca: intermediate,
      subject: { commonName: "ocid1.instance.oc1..x", organizationalUnit: ["opc-certtype:instance", `opc-tenant:${tenancy}`] },
      publicKey,
      validityDays: 1,
    });
    assert.equal("privateKeyPem" in leaf, false);
    const caCert = new X509Certificate(ca.certificatePem);
    const intermediateCert = new X509Certificate(intermediate.certificatePem);
    const leafCert = new X509Certificate(leaf.certificatePem);
    assert.ok(caCert.ca && intermediateCert.ca && !leafCert.ca);
    assert.ok(intermediateCert.verify(caCert.publicKey) && intermediateCert.checkIssued(caCert));
    assert.ok(leafCert.verify(intermediateCert.publicKey) && leafCert.checkIssued(intermediateCert));
    assert.match(leafCert.subject, new RegExp(`OU=opc-tenant:${tenancy.replace(/\./g, "\\.")}`));
    assert.match(leafCert.subject, /OU=opc-certtype:instance/);
    assert.ok(leafCert.publicKey.equals(publicKey));
    assert.ok(Date.parse(leafCert.validTo) - Date.now() < 2 * 24 * 3600 * 1000);

    const raw = await issueCertificate({ ca, subject: [{ shortName: "OU", value: "opc-identity:x" }, { type: "2.5.4.3", value: "raw" }], modulusLength: 1024 });
    assert.match(new X509Certificate(raw.certificatePem).subject, /OU=opc-identity:x\nCN=raw/);
    assert.ok(createPrivateKey(raw.privateKeyPem));
  });
});
