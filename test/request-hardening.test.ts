/**
 * Issue 18's request defects, one reproduction each (items 1, 3, 4, 6, 11): a path parameter
 * never redirects a request, a body that breaks off is a typed (and retried) failure, what is
 * signed is what fetch sends, every HeadersInput form arrives, and programming errors are
 * refused before sending — never reported as network errors, retried, or echoing a password.
 * Each failed before its fix. The generated properties over the same ground are in
 * properties-requests.test.ts.
 */
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import {
  ApiKeySigner,
  AuthError,
  OciRawError,
  createClient,
  errorFromResponse,
  invoke,
  noRetry,
  retryStrategy,
  signedFetch,
  type Client,
  type HeadersInput,
  type OperationRequest,
  type ServiceInfo,
} from "oci-raw";
import { EMULATOR_NAMESPACE, bytes, json, startEmulator, type ApiKey, type Emulator } from "oci-raw/emulator";
import { rawRequestCommand } from "../bin/commands/raw-request.js";
import { EXIT } from "../bin/cli-util.js";
import * as identity from "../generated/identity/index.js";
import * as objectstorage from "../generated/objectstorage/index.js";

let emulator: Emulator;
let key: ApiKey;
let signer: ApiKeySigner;
const fast = retryStrategy({ maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 });
const echoService: ServiceInfo = { name: "echo", endpointTemplate: "https://echo.{region}.{domain}", basePath: "" };

before(async () => {
  emulator = await startEmulator();
  key = await emulator.createApiKey();
  signer = new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem });
  // What arrived, after the emulator verified the signature.
  for (const method of ["GET", "POST", "PUT", "DELETE"]) {
    emulator.route(method, /^\/echo(?:\/.*)?$/, (request) => json(200, { target: request.target, headers: request.headers }));
  }
  emulator.route("GET", "/bad-gzip", () => bytes(200, "this is not gzip", { "content-type": "application/json", "content-encoding": "gzip" }));
  emulator.route("GET", "/blob", () => bytes(200, new Uint8Array(64 * 1024).fill(7)));
  emulator.route("GET", "/one-byte", () => json(200, 1));
  emulator.route("DELETE", "/no-content", () => ({ status: 204 }));
  emulator.route("GET", "/gzip", () => bytes(200, gzipSync('{"ok":true}'), { "content-type": "application/json", "content-encoding": "gzip" }));
});
after(() => emulator.stop());

function client(extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({ signer, endpoint: emulator.url, validation: "off", retry: fast, ...extra });
}

type Echoed = { target: string; headers: Record<string, string> };

function echo(extra: Partial<OperationRequest<Echoed>> = {}): OperationRequest<Echoed> {
  return { service: echoService, operationId: "Echo", method: "GET", path: "/echo", retryByDefault: true, ...extra };
}

/** A fetch that counts its calls, so a test can say "nothing was sent". */
function countingFetch(): typeof fetch & { calls: number } {
  const counted = Object.assign((input: string | URL | Request, init?: RequestInit) => {
    counted.calls += 1;
    return fetch(input, init);
  }, { calls: 0 });
  return counted;
}

async function rejectsWithCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<OciRawError> {
  const error: unknown = await promise.then(
    () => assert.fail(`expected ${code}, but it resolved`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OciRawError, `expected an OciRawError ${code}, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
  return error;
}

describe("item 1: a path parameter addresses exactly one segment", () => {
  const dotSpellings = [".", "..", "%2E", "%2e", "%2E%2E", "%2e%2E", ".%2E", "%2E.", "%252E", "%252e%252E"];

  test("getObject / DeleteObject with a dot-segment object name: PATH_PARAMETER_INVALID naming it, nothing sent", async () => {
    const c = client();
    const params = { namespaceName: EMULATOR_NAMESPACE, bucketName: "photos" };
    const seen = emulator.requests.length;
    for (const objectName of dotSpellings) {
      await rejectsWithCode(objectstorage.getObject(c, { ...params, objectName }), "PATH_PARAMETER_INVALID", /GetObject: path parameter "objectName"/);
      const deleteObject: OperationRequest = {
        service: objectstorage.service, operationId: "DeleteObject", method: "DELETE", path: "/n/{namespaceName}/b/{bucketName}/o/{objectName}",
        pathParams: { ...params, objectName }, responseKind: "none",
      };
      await rejectsWithCode(invoke(c, deleteObject), "PATH_PARAMETER_INVALID", /DeleteObject: path parameter "objectName"/);
    }
    await rejectsWithCode(identity.getUser(c, { userId: "." }), "PATH_PARAMETER_INVALID", /GetUser: path parameter "userId"/);
    assert.equal(emulator.requests.length, seen, "nothing reached the emulator");
  });

  test("an empty path parameter is refused rather than collapsing a segment", async () => {
    const seen = emulator.requests.length;
    await rejectsWithCode(
      objectstorage.getObject(client(), { namespaceName: EMULATOR_NAMESPACE, bucketName: "photos", objectName: "" }),
      "PATH_PARAMETER_INVALID",
      /"objectName" is empty/,
    );
    assert.equal(emulator.requests.length, seen);
  });

  test("a lone surrogate is a typed error naming the parameter, not a URIError", async () => {
    await rejectsWithCode(invoke(client(), echo({ path: "/echo/{name}", pathParams: { name: "a\uD800" } })), "PATH_PARAMETER_INVALID", /"name"/);
    await rejectsWithCode(invoke(client(), echo({ query: { q: "\uDC00" } })), "QUERY_PARAMETER_INVALID", /Echo: query parameter "q"/);
    await rejectsWithCode(invoke(client(), echo({ query: { when: new Date(Number.NaN) } })), "QUERY_PARAMETER_INVALID", /invalid Date/);
  });

  test("names with dots that are not dot segments still go where they say", async () => {
    const c = client();
    for (const name of ["...", ".a", "a.", "..a", "a/..", "../a", "%2E%2E%2E", " .."]) {
      const answer = await invoke(c, echo({ path: "/echo/{name}", pathParams: { name } }));
      assert.equal(answer.data.target, `/echo/${encodeURIComponent(name)}`);
    }
  });
});

describe("item 3: reading the body is part of the request", () => {
  test("a body that breaks off mid-read is retried for an idempotent call", async () => {
    emulator.clearRequests();
    emulator.faults.breakBodyNext(1);
    const answer = await invoke(client(), echo());
    assert.equal(answer.data.target, "/echo");
    assert.equal(emulator.requests.length, 2);
    assert.equal(emulator.requests[0]?.fault, "break-body");
  });

  test("without retries it is a typed NETWORK_ERROR whose cause is kept", async () => {
    emulator.faults.breakBodyNext(1, { afterBytes: 5 });
    const error = await rejectsWithCode(invoke(client(), echo(), { retry: noRetry }), "NETWORK_ERROR", /while reading the 200 response's body/);
    assert.ok(error.cause instanceof Error);
  });

  test("a POST without a retry token is not retried when its answer breaks off", async () => {
    emulator.clearRequests();
    emulator.faults.breakBodyNext(1);
    await rejectsWithCode(invoke(client(), echo({ method: "POST", body: {} })), "NETWORK_ERROR");
    assert.equal(emulator.requests.length, 1);
  });

  test("a body that cannot be decoded (bad gzip) is typed, and good gzip still reads", async () => {
    await rejectsWithCode(invoke(client(), echo({ path: "/bad-gzip" })), "NETWORK_ERROR");
    const good = await invoke(client(), echo({ path: "/gzip" }));
    assert.deepEqual(good.data, { ok: true });
  });

  test("timeoutMs firing while the body is read: REQUEST_TIMEOUT, retried, then typed", async () => {
    emulator.clearRequests();
    emulator.faults.breakBodyNext(3, { afterBytes: 3, then: "stall" });
    const error = await rejectsWithCode(invoke(client(), echo(), { timeoutMs: 150 }), "REQUEST_TIMEOUT", /while reading the 200 response's body/);
    assert.equal(emulator.requests.length, 3, "each attempt timed out and was retried");
    assert.equal((error.cause as Error).name, "TimeoutError");
  });
});

describe("item 3: a binary body the caller reads fails typed too", () => {
  const download = (): OperationRequest<Response> => ({ service: echoService, operationId: "Download", method: "GET", path: "/blob", responseKind: "binary" });

  test("whole: the bytes arrive as before", async () => {
    const got = await invoke(client(), download());
    assert.equal((await got.data.arrayBuffer()).byteLength, 64 * 1024);
    assert.equal(got.data.headers.get("content-type"), "application/octet-stream");
  });

  test("broken off mid-read: NETWORK_ERROR from arrayBuffer(), cause kept", async () => {
    emulator.faults.breakBodyNext(1);
    const got = await invoke(client(), download());
    const error = await rejectsWithCode(got.data.arrayBuffer(), "NETWORK_ERROR", /Download|GET .*\/blob failed while the 200 response's body was read/);
    assert.ok(error.cause instanceof Error);
  });

  test("timeoutMs firing while the caller reads: REQUEST_TIMEOUT, not a DOMException", async () => {
    emulator.faults.breakBodyNext(1, { afterBytes: 10, then: "stall" });
    const got = await invoke(client(), download(), { timeoutMs: 150 });
    await rejectsWithCode(got.data.arrayBuffer(), "REQUEST_TIMEOUT");
  });
});

describe("emulator: a broken answer is really broken, and never holds up the connection", () => {
  test("a 1-byte body cut after more bytes than it has still withholds its last byte; the next request is answered", async () => {
    emulator.faults.breakBodyNext(1, { afterBytes: 10, then: "stall" });
    await rejectsWithCode(invoke(client(), echo({ path: "/one-byte" }), { retry: noRetry, timeoutMs: 100 }), "REQUEST_TIMEOUT");
    const next = await invoke(client(), echo(), { retry: noRetry, timeoutMs: 2000 });
    assert.equal(next.data.target, "/echo");
  });

  test("a path that starts with // is recorded, verified and answered 404, not a 500 from the emulator", async () => {
    emulator.clearRequests();
    const response = await signedFetch(`${emulator.url}//b%20E%2b/c`, { signer });
    assert.equal(response.status, 404, await response.text());
    assert.equal(emulator.requests[0]?.path, "//b%20E%2b/c");
    assert.equal(emulator.requests[0]?.verification?.ok, true);
  });

  test("a 204 has no body to break: it is answered whole, and the next request too", async () => {
    emulator.faults.breakBodyNext(1, { then: "stall" });
    const deleted = await invoke(client(), echo({ method: "DELETE", path: "/no-content", responseKind: "none" }), { retry: noRetry, timeoutMs: 2000 });
    assert.equal(deleted.status, 204);
    const next = await invoke(client(), echo(), { retry: noRetry, timeoutMs: 2000 });
    assert.equal(next.data.target, "/echo");
  });
});

describe("item 4: header values are signed as fetch sends them (trimmed)", () => {
  test("a padded content-type and caller header verify", async () => {
    const response = await signedFetch(`${emulator.url}/echo`, {
      method: "POST",
      signer,
      headers: { "content-type": "application/json ", "x-padded": " \t value \t " },
      body: "{}",
    });
    assert.equal(response.status, 200, await response.clone().text());
    const seen = (await response.json()) as { headers: Record<string, string> };
    assert.equal(seen.headers["x-padded"], "value");
  });

  test("through a generated call and client headers too", async () => {
    const c = client({ headers: { "opc-client-info": "  app/1.0 " } });
    const answer = await invoke(c, echo({ method: "PUT", body: { a: 1 }, headers: { "content-type": "application/json\t", "if-match": " etag " } }));
    assert.equal(answer.data.headers["opc-client-info"], "app/1.0");
    assert.equal(answer.data.headers["if-match"], "etag");
  });
});

describe("item 6: every HeadersInput form arrives", () => {
  const forms: Array<[string, HeadersInput]> = [
    ["record", { "X-Team": "a", "opc-client-info": "app" }],
    ["pairs", [["X-Team", "a"], ["opc-client-info", "app"]]],
    ["Headers", new Headers({ "X-Team": "a", "opc-client-info": "app" })],
  ];
  for (const [form, headers] of forms) {
    test(`signedFetch and createClient take headers as ${form}`, async () => {
      const direct = await signedFetch(`${emulator.url}/echo`, { signer, headers });
      assert.equal(direct.status, 200);
      const seen = ((await direct.json()) as { headers: Record<string, string> }).headers;
      assert.equal(seen["x-team"], "a");
      assert.equal(seen["opc-client-info"], "app");
      assert.equal(seen["0"], undefined);
      const viaClient = await invoke(client({ headers }), echo());
      assert.equal(viaClient.data.headers["x-team"], "a");
      assert.equal(viaClient.data.headers["0"], undefined);
    });
  }

  test("a name given twice in pairs is combined as Headers.append does; a malformed pair is a TypeError", async () => {
    const response = await signedFetch(`${emulator.url}/echo`, { signer, headers: [["x-a", "1"], ["X-A", "2"]] });
    assert.equal(((await response.json()) as { headers: Record<string, string> }).headers["x-a"], "1, 2");
    await assert.rejects(signedFetch(`${emulator.url}/echo`, { signer, headers: [["x-a"]] as unknown as HeadersInput }), TypeError);
  });
});

describe("item 11: programming errors are refused before sending, never retried, never echo a password", () => {
  test("a keyId with a character above U+00FF: CREDENTIALS_INVALID, fetch never called", async () => {
    const bad = new ApiKeySigner({ ...key, user: `${key.user}\u2019`, privateKeyContent: key.privateKeyPem });
    const counted = countingFetch();
    const error = await rejectsWithCode(signedFetch(`${emulator.url}/echo`, { signer: bad, fetch: counted, retry: fast }), "CREDENTIALS_INVALID", /U\+2019/);
    assert.ok(error instanceof AuthError);
    assert.equal(counted.calls, 0);
    assert.doesNotMatch(error.message, /ocid1\.user/);
  });

  test("a URL with user:password@ is a TypeError that does not echo the password; fetch never called", async () => {
    const counted = countingFetch();
    const url = emulator.url.replace("://", "://admin:s3cretPW@") + "/echo";
    const error: unknown = await signedFetch(url, { signer, fetch: counted, retry: fast }).catch((e: unknown) => e);
    assert.ok(error instanceof TypeError, String(error));
    assert.doesNotMatch(`${error.message} ${error.stack}`, /s3cretPW|admin/);
    assert.equal(counted.calls, 0);
    const unparsable: unknown = await signedFetch("http://admin:pa/s3cretPW@[bad", { signer, fetch: counted }).catch((e: unknown) => e);
    assert.ok(unparsable instanceof TypeError);
    assert.doesNotMatch(`${unparsable.message}`, /s3cretPW/);
  });

  test("a control character in a header value is a TypeError up front, not a retried NETWORK_ERROR", async () => {
    const counted = countingFetch();
    for (const value of ["a\u0001b", "a\u007fb", "a\u0100b"]) {
      await assert.rejects(signedFetch(`${emulator.url}/echo`, { signer, fetch: counted, retry: fast, headers: { "x-bad": value } }), TypeError);
    }
    assert.equal(counted.calls, 0);
  });

  test("headers fetch manages itself, or a content-length that is not a number, are a TypeError up front", async () => {
    const counted = countingFetch();
    const refused: Array<Record<string, string>> = [
      { "transfer-encoding": "chunked" },
      { "keep-alive": "timeout=5" },
      { upgrade: "websocket" },
      { expect: "100-continue" },
      { connection: "upgrade" },
      { "content-length": "abc" },
      { "content-length": "" },
    ];
    for (const headers of refused) {
      await assert.rejects(signedFetch(`${emulator.url}/echo`, { signer, fetch: counted, retry: fast, headers }), TypeError, JSON.stringify(headers));
    }
    assert.equal(counted.calls, 0);
    const kept = await signedFetch(`${emulator.url}/echo`, { signer, headers: { connection: "close" } });
    assert.equal(kept.status, 200);
  });

  test("a URL fetch cannot send (ftp:) is a TypeError up front", async () => {
    const counted = countingFetch();
    await assert.rejects(signedFetch("ftp://127.0.0.1/x", { signer, fetch: counted, retry: fast }), TypeError);
    assert.equal(counted.calls, 0);
  });

  test("the CLI's --target-uri with user:password@ is a usage error that does not echo it", async () => {
    for (const target of [emulator.url.replace("://", "://admin:s3cretPW@") + "/n/", "http://admin:pa/s3cretPW@[bad"]) {
      let stderr = "";
      const code = await rawRequestCommand(["--target-uri", target, "--http-method", "GET"], {
        stdout: () => {},
        stderr: (text) => void (stderr += text),
        env: {},
        isTTY: false,
      });
      assert.equal(code, EXIT.usage, stderr);
      assert.doesNotMatch(stderr, /s3cretPW/);
    }
  });

  test("errorFromResponse redacts userinfo in the URL it reports", async () => {
    const error = await errorFromResponse(new Response('{"code":"NotFound","message":"no"}', { status: 404 }), {
      method: "GET",
      url: "https://admin:s3cretPW@objectstorage.example.com/n/x",
    });
    assert.doesNotMatch(`${error.message} ${error.url}`, /s3cretPW/);
  });
});
