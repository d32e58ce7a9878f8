import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, json, type ApiKey, type Emulator } from "../emulator/index.js";
import { signedFetch } from "../runtime/request.js";
import { errorFromResponse } from "../runtime/service-error.js";
import { retryStrategy } from "../runtime/retry.js";
import { ApiKeySigner, SecurityTokenSigner, type RequestSigner } from "../runtime/signers.js";
import type { SignableRequest } from "../runtime/signing.js";
import { OciRawError, OciServiceError } from "../runtime/errors.js";
import { envProxyTransport, proxyFromEnvironment, undiciTransport } from "../runtime/undici.js";
import { startForwardProxy } from "./support/forward-proxy.js";

let emulator: Emulator;
let key: ApiKey;
let signer: ApiKeySigner;

/** A signer that counts its signatures (each attempt must be signed afresh). */
function counting(inner: RequestSigner): RequestSigner & { calls: number } {
  const wrapper = {
    calls: 0,
    async sign(request: SignableRequest) {
      wrapper.calls += 1;
      return inner.sign(request);
    },
  };
  return wrapper;
}

const fast = retryStrategy({ maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 50 });

/** Echo route: what the emulator received, after verifying the signature. */
function echoRoutes(): void {
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
    emulator.route(method, /^\/echo(?<rest>\/.*)?$/, (request) =>
      json(200, {
        target: request.target,
        bodyLength: request.body.byteLength,
        body: request.body.toString("utf8"),
        contentLength: request.headers["content-length"] ?? null,
        host: request.headers["host"] ?? null,
      }),
    );
  }
}

before(async () => {
  emulator = await startEmulator();
  key = await emulator.createApiKey();
  signer = new ApiKeySigner({ tenancy: key.tenancy, user: key.user, fingerprint: key.fingerprint, privateKeyContent: key.privateKeyPem });
  echoRoutes();
});
after(async () => {
  await emulator.stop();
});

function lastVerification() {
  const last = emulator.requests.at(-1);
  assert.ok(last, "the emulator saw a request");
  return last.verification;
}

describe("signedFetch against the emulator", () => {
  test("create, get, update, delete a user (POST, GET, PUT, DELETE)", async () => {
    const created = await signedFetch(`${emulator.url}/20160918/users/`, {
      method: "POST",
      signer,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ compartmentId: key.tenancy, name: "TestUser", description: "Created with a raw request" }),
    });
    assert.equal(created.status, 200, await created.clone().text());
    const user = (await created.json()) as { id: string };
    assert.match(user.id, /^ocid1\.user\./);

    const got = await signedFetch(`${emulator.url}/20160918/users/${user.id}`, { signer });
    assert.equal(got.status, 200);
    assert.equal(((await got.json()) as { name: string }).name, "TestUser");

    const updated = await signedFetch(`${emulator.url}/20160918/users/${user.id}`, {
      method: "PUT",
      signer,
      body: JSON.stringify({ description: "updated ✓" }),
    });
    assert.equal(updated.status, 200, await updated.clone().text());
    assert.equal(((await updated.json()) as { description: string }).description, "updated ✓");

    const deleted = await signedFetch(`${emulator.url}/20160918/users/${user.id}`, { method: "DELETE", signer });
    assert.ok(deleted.status === 204 || deleted.status === 200, String(deleted.status));
    await deleted.arrayBuffer();

    const gone = await signedFetch(`${emulator.url}/20160918/users/${user.id}`, { signer });
    assert.equal(gone.status, 404, "non-2xx answers are returned, not thrown");
    const error = await errorFromResponse(gone, { method: "GET", url: `${emulator.url}/20160918/users/${user.id}` });
    assert.ok(error instanceof OciServiceError);
    assert.equal(error.code, "NotAuthorizedOrNotFound");
    assert.ok(error.opcRequestId);
    assert.ok(error.message.includes(error.opcRequestId));
  });

  test("a bad signature is rejected (the emulator really verifies)", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const wrong = new ApiKeySigner({
      tenancy: key.tenancy,
      user: key.user,
      fingerprint: key.fingerprint,
      privateKeyContent: other.export({ type: "pkcs8", format: "pem" }).toString(),
    });
    const response = await signedFetch(`${emulator.url}/echo/x`, { signer: wrong });
    assert.equal(response.status, 401);
    await response.arrayBuffer();
  });

  test("retries 429 (retry-after) and 503, signing every attempt", async () => {
    emulator.clearRequests();
    emulator.faults.failNext(1, 429, "TooManyRequests", "slow down", { "retry-after": "0" });
    emulator.faults.failNext(1, 503, "ServiceUnavailable");
    const counter = counting(signer);
    const notices: Array<number | undefined> = [];
    const response = await signedFetch(`${emulator.url}/echo/retry`, {
      signer: counter,
      retry: fast,
      onRetry: (n) => notices.push(n.status),
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    assert.equal(counter.calls, 3);
    assert.deepEqual(notices, [429, 503]);
    assert.equal(emulator.requests.length, 3);
    for (const request of emulator.requests) assert.equal(request.verification?.ok, true);
  });

  test("gives up after maxAttempts and returns the last answer", async () => {
    emulator.faults.failNext(3, 503, "ServiceUnavailable");
    const counter = counting(signer);
    const response = await signedFetch(`${emulator.url}/echo/x`, { signer: counter, retry: retryStrategy({ maxAttempts: 3, baseDelayMs: 1 }) });
    assert.equal(response.status, 503);
    assert.equal(counter.calls, 3);
    await response.arrayBuffer();
  });

  test("409 IncorrectState is retried, other 409s are not", async () => {
    emulator.faults.failNext(1, 409, "IncorrectState");
    const first = await signedFetch(`${emulator.url}/echo/x`, { signer, retry: fast });
    assert.equal(first.status, 200);
    await first.arrayBuffer();
    emulator.faults.failNext(1, 409, "Conflict");
    const second = await signedFetch(`${emulator.url}/echo/x`, { signer, retry: fast });
    assert.equal(second.status, 409);
    assert.equal(((await second.json()) as { code: string }).code, "Conflict", "the returned body is still readable");
  });

  test("POST is not retried without opc-retry-token, and is with one", async () => {
    emulator.faults.failNext(1, 503, "ServiceUnavailable");
    const without = counting(signer);
    const r1 = await signedFetch(`${emulator.url}/echo/post`, { method: "POST", body: "{}", signer: without, retry: fast });
    assert.equal(r1.status, 503);
    assert.equal(without.calls, 1);
    await r1.arrayBuffer();

    emulator.faults.failNext(1, 503, "ServiceUnavailable");
    const withToken = counting(signer);
    const r2 = await signedFetch(`${emulator.url}/echo/post`, {
      method: "POST",
      body: "{}",
      headers: { "opc-retry-token": "token-123" },
      signer: withToken,
      retry: fast,
    });
    assert.equal(r2.status, 200);
    assert.equal(withToken.calls, 2);
    await r2.arrayBuffer();
  });

  test("retries a dropped connection; a network error after the last attempt is typed", async () => {
    emulator.faults.dropNext(1);
    const response = await signedFetch(`${emulator.url}/echo/drop`, { signer, retry: fast });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
    emulator.faults.dropNext(1);
    await assert.rejects(signedFetch(`${emulator.url}/echo/drop`, { signer }), (err: unknown) => {
      assert.ok(err instanceof OciRawError);
      assert.equal(err.code, "NETWORK_ERROR");
      assert.match(err.message, /failed without a response/);
      return true;
    });
  });

  test("abort during the backoff rejects promptly with the signal's reason", async () => {
    emulator.faults.failNext(1, 503, "ServiceUnavailable", "busy", { "retry-after": "30" });
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const counter = counting(signer);
    const pending = signedFetch(`${emulator.url}/echo/abort`, {
      signer: counter,
      signal: controller.signal,
      retry: retryStrategy({ maxAttempts: 3, maxDelayMs: 60_000 }),
      onRetry: (notice) => {
        assert.equal(notice.delayMs, 30_000);
        setImmediate(() => controller.abort(reason));
      },
    });
    await assert.rejects(pending, (err) => err === reason);
    assert.equal(counter.calls, 1);
    emulator.faults.clear();
  });

  test("a TLS failure is not retried (it would fail the same way), a refused connection is", async () => {
    // The emulator's HTTPS certificate comes from its own CA, which this process does not trust.
    const tls = await startEmulator({ https: true });
    try {
      const notices: unknown[] = [];
      const counter = counting(signer);
      await assert.rejects(
        signedFetch(`${tls.url}/echo/tls`, { signer: counter, retry: retryStrategy({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }), onRetry: (n) => notices.push(n) }),
        (error: unknown) => error instanceof OciRawError && error.code === "NETWORK_ERROR",
      );
      assert.equal(counter.calls, 1, "signed once: no retry");
      assert.deepEqual(notices, []);
      assert.equal(tls.requests.length, 0);
    } finally {
      await tls.stop();
    }
    // A port nobody listens on any more: ECONNREFUSED, which another attempt may get past.
    const gone = await startEmulator();
    const url = gone.url;
    await gone.stop();
    const counter = counting(signer);
    await assert.rejects(
      signedFetch(`${url}/echo/refused`, { signer: counter, retry: retryStrategy({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }) }),
      (error: unknown) => error instanceof OciRawError && error.code === "NETWORK_ERROR",
    );
    assert.equal(counter.calls, 3, "three attempts");
  });

  test("an already-aborted signal rejects without sending", async () => {
    emulator.clearRequests();
    const reason = new Error("never");
    await assert.rejects(signedFetch(`${emulator.url}/echo/x`, { signer, signal: AbortSignal.abort(reason) }), (err) => err === reason);
    assert.equal(emulator.requests.length, 0);
  });

  test("timeout: a typed REQUEST_TIMEOUT error", async () => {
    emulator.faults.delayNext(1, 5_000);
    await assert.rejects(signedFetch(`${emulator.url}/echo/slow`, { signer, timeoutMs: 100 }), (err: unknown) => {
      assert.ok(err instanceof OciRawError);
      assert.equal(err.code, "REQUEST_TIMEOUT");
      assert.match(err.message, /timed out after 100 ms/);
      return true;
    });
    emulator.faults.clear();
  });

  test("a timed-out attempt is retried like a network failure", async () => {
    emulator.faults.delayNext(1, 5_000);
    const counter = counting(signer);
    const response = await signedFetch(`${emulator.url}/echo/slow-once`, { signer: counter, timeoutMs: 300, retry: fast });
    assert.equal(response.status, 200);
    assert.equal(counter.calls, 2);
    await response.arrayBuffer();
    emulator.faults.clear();
  });

  test("401 with a refreshable signer: refresh once and resend; a second 401 is returned", async () => {
    const sessionKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const expiresAt = new Date(Date.now() + 3600_000);
    emulator.registerSecurityToken("token-good", sessionKey.publicKey, { expiresAt });
    let token = "token-unknown";
    let refreshes = 0;
    const refreshing: RequestSigner = {
      sign: (request) => new SecurityTokenSigner(token, sessionKey.privateKey).sign(request),
      refresh: async () => {
        refreshes += 1;
        token = "token-good";
      },
    };
    const ok = await signedFetch(`${emulator.url}/echo/refresh`, { signer: refreshing });
    assert.equal(ok.status, 200);
    assert.equal(refreshes, 1);
    await ok.arrayBuffer();

    emulator.revokeSecurityToken("token-good");
    refreshes = 0;
    const still = await signedFetch(`${emulator.url}/echo/refresh`, { signer: refreshing, retry: fast });
    assert.equal(still.status, 401);
    assert.equal(refreshes, 1, "refreshed once, not again");
    await still.arrayBuffer();
  });

  test("clock skew: the 401 error says so and shows both times", async () => {
    const skewed = await startEmulator({ clockOffsetSeconds: 600 });
    try {
      const k = await skewed.createApiKey();
      const s = new ApiKeySigner({ tenancy: k.tenancy, user: k.user, fingerprint: k.fingerprint, privateKeyContent: k.privateKeyPem });
      const url = `${skewed.url}/20160918/users/ocid1.user.oc1..nobody`;
      const response = await signedFetch(url, { signer: s });
      assert.equal(response.status, 401);
      const error = await errorFromResponse(response, { method: "GET", url });
      assert.ok(error.clockSkew);
      assert.ok(Math.abs(error.clockSkew.skewSeconds + 600) <= 5, String(error.clockSkew.skewSeconds));
      assert.match(error.message, /local clock is \d+ s behind the service's/);
      assert.ok(error.message.includes(error.clockSkew.serverDate));
      assert.ok(error.message.includes(error.clockSkew.localDate));
    } finally {
      await skewed.stop();
    }
  });

  test("a non-JSON error body: code from the status text, message from the text", async () => {
    emulator.route("GET", "/plain-error", () => ({ status: 502, headers: { "content-type": "text/plain" }, body: "x".repeat(500) }));
    const url = `${emulator.url}/plain-error`;
    const response = await signedFetch(url, { signer });
    const error = await errorFromResponse(response, { method: "GET", url });
    assert.equal(error.status, 502);
    assert.equal(error.code, "BadGateway");
    assert.match(error.message, /: x{200}… \(cut at 200 characters\) /);
    assert.equal(error.clockSkew, undefined);
  });
});

describe("errorFromResponse: a service message that echoes secrets", () => {
  test("signatures, tokens, bearer values and PEM blocks are redacted, and the message is bounded", async () => {
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"x"}').toString("base64url")}.c2lnbmF0dXJlLXNlY3JldA`;
    let authorization = "";
    emulator.route("GET", "/echo-auth", (request) => {
      authorization = String(request.headers["authorization"]);
      return json(401, {
        code: "NotAuthenticated",
        message:
          `The request header ${authorization} was refused; token ST$${jwt}; Authorization: Bearer ${jwt}x; ` +
          `key -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY----- ${"y".repeat(100_000)}`,
      });
    });
    const url = `${emulator.url}/echo-auth`;
    const error = await errorFromResponse(await signedFetch(url, { signer }), { method: "GET", url });
    const signature = /signature="([^"]+)"/.exec(authorization)?.[1];
    assert.ok(signature && signature.length > 100, "the route saw the signed request");
    for (const secret of [signature, jwt, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"]) {
      assert.ok(!error.message.includes(secret), `the message quotes ${secret.slice(0, 12)}…`);
      assert.ok(!(error.stack ?? "").includes(secret));
    }
    assert.match(error.message, /signature="<redacted>"/);
    assert.match(error.message, /ST\$<redacted>/);
    assert.match(error.message, /Bearer <redacted>/);
    assert.match(error.message, /<redacted PEM>/);
    assert.ok(error.message.includes(key.fingerprint), "what is not secret stays: the key id");
    assert.ok(error.message.length < 1_300, `message of ${error.message.length} characters`);
    assert.match(error.message, /cut at 1000 characters/);
    assert.equal(error.code, "NotAuthenticated");
  });

  test("an error code of any length is bounded too", async () => {
    emulator.route("GET", "/long-code", () => json(400, { code: `Bad${"X".repeat(10_000)}`, message: "m" }));
    const url = `${emulator.url}/long-code`;
    const error = await errorFromResponse(await signedFetch(url, { signer }), { method: "GET", url });
    assert.ok(error.code.length < 150, `code of ${error.code.length} characters`);
  });
});

describe("signedFetch: what is signed is what is sent", () => {
  test("+, @, spaces, parentheses and non-ASCII in paths and query values", async () => {
    const url = new URL(`${emulator.url}/echo/a+b@c d(e)/ünï/%2F?q=a b+c@(x)&u=ü✓&empty=`);
    const response = await signedFetch(url, { signer });
    const seen = (await response.json()) as { target: string };
    assert.equal(response.status, 200, JSON.stringify(seen));
    assert.equal(seen.target, url.pathname + url.search);
    assert.equal(lastVerification()?.ok, true);
  });

  test("UTF-8 body: content-length counts bytes", async () => {
    const body = JSON.stringify({ text: "héllo ✓ 日本 🎉" });
    for (const method of ["POST", "PUT", "PATCH"]) {
      const response = await signedFetch(`${emulator.url}/echo/utf8`, { method, body, signer });
      const seen = (await response.json()) as { body: string; contentLength: string; bodyLength: number };
      assert.equal(response.status, 200, JSON.stringify(seen));
      assert.equal(seen.body, body);
      assert.equal(Number(seen.contentLength), Buffer.byteLength(body));
      assert.notEqual(Number(seen.contentLength), body.length);
    }
  });

  test("empty and absent bodies on POST, PUT and PATCH: content-length 0, signed and accepted", async () => {
    for (const method of ["POST", "PUT", "PATCH"]) {
      for (const body of [undefined, "", new Uint8Array(0), new ArrayBuffer(0)]) {
        const response = await signedFetch(`${emulator.url}/echo/empty`, { method, body, signer });
        const seen = (await response.json()) as { contentLength: string; bodyLength: number };
        assert.equal(response.status, 200, `${method} ${String(body)}: ${JSON.stringify(seen)}`);
        assert.equal(seen.contentLength, "0");
        assert.equal(seen.bodyLength, 0);
      }
    }
  });

  test("binary bodies (Uint8Array, ArrayBuffer) are sent as is", async () => {
    const bytes = new Uint8Array([0, 255, 1, 254, 0x80]);
    const response = await signedFetch(`${emulator.url}/echo/bin`, { method: "PUT", body: bytes.buffer, signer });
    const seen = (await response.json()) as { bodyLength: number };
    assert.equal(response.status, 200);
    assert.equal(seen.bodyLength, 5);
  });

  test("the emulator's own (non-default) port is in the signed host", async () => {
    const response = await signedFetch(`${emulator.url}/echo/port`, { signer });
    const seen = (await response.json()) as { host: string };
    assert.equal(response.status, 200);
    assert.equal(seen.host, new URL(emulator.url).host);
    assert.match(seen.host, /:\d+$/);
  });

  test("explicit default port: signed host has no :443, and no host header is handed to fetch", async () => {
    const calls: Array<{ url: string; headers: Record<string, string> }> = [];
    const captureFetch = async (input: string | URL, init?: RequestInit): Promise<Response> => {
      calls.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
      return new Response("{}", { status: 200 });
    };
    const details: string[] = [];
    const spy: RequestSigner = {
      async sign(request) {
        const parts = await signer.signWithDetails(request);
        details.push(parts.signingString);
        return parts.headers;
      },
    };
    await signedFetch("https://x.example:443/a", { signer: spy, fetch: captureFetch });
    await signedFetch("https://x.example:8443/a", { signer: spy, fetch: captureFetch });
    await signedFetch("http://x.example:80/a", { signer: spy, fetch: captureFetch });
    assert.match(details[0]!, /^host: x\.example$/m);
    assert.match(details[1]!, /^host: x\.example:8443$/m);
    assert.match(details[2]!, /^host: x\.example$/m);
    for (const call of calls) assert.equal(call.headers["host"], undefined);
    // fetch sends Host from the URL, which drops the default port exactly as the signer did.
    assert.equal(new URL(calls[0]!.url).host, "x.example");
  });

  test("a stream body needs excludeBodyFromSignature; with it, it is sent unsigned", async () => {
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("chunk-1,"));
          controller.enqueue(new TextEncoder().encode("chunk-2"));
          controller.close();
        },
      });
    await assert.rejects(
      signedFetch(`${emulator.url}/echo/stream`, { method: "PUT", body: stream(), signer }),
      /excludeBodyFromSignature/,
    );
    emulator.route("PUT", "/unsigned-upload", (request) => json(200, { body: request.body.toString("utf8") }), { verify: { bodySigned: false } });
    const response = await signedFetch(`${emulator.url}/unsigned-upload`, {
      method: "PUT",
      body: stream(),
      excludeBodyFromSignature: true,
      headers: { "content-type": "application/octet-stream" },
      signer,
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { body: "chunk-1,chunk-2" });
    assert.equal(lastVerification()?.ok, true);
  });

  test("GET with a body is a TypeError", async () => {
    await assert.rejects(signedFetch(`${emulator.url}/echo/x`, { body: "x", signer }), TypeError);
  });

  test("a header fetch would refuse is a TypeError up front: not sent, not retried, value not quoted", async () => {
    emulator.clearRequests();
    const counter = counting(signer);
    await assert.rejects(
      signedFetch(`${emulator.url}/echo/x`, { headers: { "x-token": "secret-value\nmore" }, signer: counter, retry: fast }),
      (err: unknown) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, /header "x-token"/);
        assert.ok(!err.message.includes("secret-value"));
        return true;
      },
    );
    assert.equal(counter.calls, 0);
    assert.equal(emulator.requests.length, 0);
  });
});

describe("oci-raw/undici transports", () => {
  test("a custom CA: the HTTPS emulator is trusted through undiciTransport({ ca }) only", async () => {
    const secure = await startEmulator({ https: true });
    const transport = undiciTransport({ ca: secure.caCertificatePem! });
    try {
      const k = await secure.createApiKey();
      const s = new ApiKeySigner({ tenancy: k.tenancy, user: k.user, fingerprint: k.fingerprint, privateKeyContent: k.privateKeyPem });
      const url = `${secure.url}/20160918/users/?compartmentId=${encodeURIComponent(k.tenancy)}`;
      const response = await signedFetch(url, { signer: s, fetch: transport.fetch, dispatcher: transport.dispatcher });
      assert.equal(response.status, 200, await response.clone().text());
      await response.arrayBuffer();
      assert.equal(secure.requests.at(-1)?.verification?.ok, true);
      await assert.rejects(signedFetch(url, { signer: s }), (err: unknown) => {
        assert.ok(err instanceof OciRawError);
        assert.equal(err.code, "NETWORK_ERROR");
        return true;
      });
    } finally {
      await transport.close();
      await secure.stop();
    }
  });

  test("an explicit proxy and the HTTP(S)_PROXY / NO_PROXY environment", async () => {
    const proxy = await startForwardProxy();
    const explicit = undiciTransport({ proxy: proxy.url });
    const fromEnv = envProxyTransport({ httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: "" });
    const bypass = envProxyTransport({ httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: "127.0.0.1" });
    try {
      const target = new URL(emulator.url);
      for (const t of [explicit, fromEnv]) {
        const response = await signedFetch(`${emulator.url}/echo/proxied`, { signer, ...t });
        assert.equal(response.status, 200, await response.clone().text());
        assert.equal(((await response.json()) as { host: string }).host, target.host, "the signed host is the target's, not the proxy's");
      }
      assert.equal(proxy.seen.length, 2, proxy.seen.join("\n"));
      for (const line of proxy.seen) assert.ok(line.includes(target.host), line);
      const direct = await signedFetch(`${emulator.url}/echo/direct`, { signer, ...bypass });
      assert.equal(direct.status, 200);
      await direct.arrayBuffer();
      assert.equal(proxy.seen.length, 2, "NO_PROXY bypasses the proxy");
      assert.equal(proxyFromEnvironment({}), undefined);
      assert.deepEqual(proxyFromEnvironment({ https_proxy: "http://p:1" }), { httpsProxy: "http://p:1" });
    } finally {
      await Promise.all([explicit.close(), fromEnv.close(), bypass.close()]);
      await proxy.stop();
    }
  });
});
