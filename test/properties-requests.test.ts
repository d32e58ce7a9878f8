/**
 * Issue 18's request properties, with fast-check against one emulator (loopback only):
 *
 * 1. URLs through signedFetch: refused with a TypeError before sending, or verified by the
 *    emulator and received at exactly the path and query the URL parser gives.
 * 2. Path parameters through generated functions: refused with PATH_PARAMETER_INVALID before
 *    sending, or verified and received at the template's path with the value as one segment.
 * 3. Header values in every HeadersInit form, for signedFetch and createClient: refused with
 *    a TypeError before sending, or verified and received as fetch normalises them.
 * 4. Server answers through invoke (wrong types, truncated bodies, resets and stalls mid-body,
 *    non-JSON, huge bodies, error statuses): only documented typed errors, never an untyped
 *    rejection, an unhandled rejection or a hang.
 *
 * Each property counts inputs tried, requests misdirected (arrived elsewhere, or failed to
 * verify) and lost (neither refused nor received); the figures are logged and both of the
 * latter must be 0. Runs are bounded so the file takes a few seconds.
 */
import assert from "node:assert/strict";
import "./support/fc-seed.js";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import {
  ApiKeySigner,
  OciRawError,
  OciServiceError,
  ResponseValidationError,
  createClient,
  hasOciRawCode,
  invoke,
  retryStrategy,
  signedFetch,
  type Client,
  type HeadersInput,
  type OperationRequest,
  type ServiceInfo,
} from "oci-raw";
import { EMULATOR_NAMESPACE, bytes, json, startEmulator, type Emulator } from "oci-raw/emulator";
import type { RecordedRequest } from "../emulator/server.js";
import * as identity from "../generated/identity/index.js";
import * as objectstorage from "../generated/objectstorage/index.js";
import * as z from "zod/mini";

let emulator: Emulator;
let signer: ApiKeySigner;
const fast = retryStrategy({ maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 });
const probe: ServiceInfo = { name: "probe", endpointTemplate: "https://probe.{region}.{domain}", basePath: "" };

/** The figures each property reports (and the README quotes). */
interface Tally {
  tried: number;
  refused: number;
  received: number;
  misdirected: number;
  lost: number;
}

function tally(): Tally {
  return { tried: 0, refused: 0, received: 0, misdirected: 0, lost: 0 };
}

function report(name: string, t: Tally): void {
  console.log(`# property ${name}: ${t.tried} inputs, ${t.refused} refused before sending, ${t.received} received, ${t.misdirected} misdirected, ${t.lost} lost`);
  assert.equal(t.misdirected, 0, `${name}: misdirected requests`);
  assert.equal(t.lost, 0, `${name}: lost requests`);
}

/** The one request the emulator recorded since `before`, if exactly one arrived. */
function arrivedSince(before: number): RecordedRequest | undefined {
  const arrived = emulator.requests.slice(before);
  return arrived.length === 1 ? arrived[0] : undefined;
}

/** Judge one attempt: refused before sending, or received at `intended` and verified. */
function judge(t: Tally, before: number, outcome: { refused: boolean }, intended: string | undefined): void {
  t.tried += 1;
  const arrived = arrivedSince(before);
  if (outcome.refused) {
    if (emulator.requests.length !== before) t.misdirected += 1; // refused, yet something went out
    else t.refused += 1;
    return;
  }
  if (arrived === undefined) {
    t.lost += 1;
    // For the failure message: what was meant, and what (if anything) the emulator recorded.
    console.log(`# lost: ${JSON.stringify(intended)}, arrivals ${JSON.stringify(emulator.requests.slice(before).map((r) => [r.path, r.status]))}`);
    return;
  }
  if (arrived.path !== intended || arrived.verification?.ok !== true) {
    t.misdirected += 1;
    console.log(`# misdirected: intended ${JSON.stringify(intended)}, arrived ${JSON.stringify(arrived.path)}, verified ${String(arrived.verification?.ok)}`);
  } else t.received += 1;
}

// Strings that exercise URLs: reserved and unreserved ASCII, percent signs and escapes, dots,
// whitespace, non-ASCII (Latin-1, BMP, astral) and lone surrogates.
const urlPiece = fc.oneof(
  fc.constantFrom(".", "..", "%2e", "%2E%2e", "%", "%zz", "%00", "/", "\\", "?", "#", "&", "=", "+", " ", "@", ":", ";", "~", "|", "^", "`", "{", "}", "[", "]", "\"", "'", "<", ">", "é", "ÿ", "中", "😀", "\uD800", "\t", ""),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.string({ unit: fc.constantFrom(..."abc./%2eE?#&= +"), maxLength: 8 }),
);

before(async () => {
  emulator = await startEmulator({ maxRecordedRequests: 100_000 });
  const key = await emulator.createApiKey();
  signer = new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem });
  for (const method of ["GET", "POST", "PUT", "DELETE"]) {
    emulator.route(method, /^\/(?!answer$).*$/, (request) => json(200, { target: request.target, headers: request.headers, params: request.params }));
  }
});
after(() => emulator.stop());

function client(extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({ signer, endpoint: emulator.url, validation: "strict", retry: fast, ...extra });
}

describe("properties: requests go where they say, signed as sent", () => {
  test("signedFetch: any path and query is refused up front, or verifies and arrives where the URL parser says", async () => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(fc.array(urlPiece, { maxLength: 5 }), fc.option(fc.array(urlPiece, { maxLength: 3 })), fc.constantFrom("GET", "POST", "DELETE"), fc.integer({ min: 0, max: 4 }), async (segments, query, method, dice) => {
        // One URL in five carries a password, which must be refused and never quoted.
        const origin = dice === 0 ? emulator.url.replace("://", "://admin:pw-SECRET@") : emulator.url;
        const raw = `${origin}/p/${segments.join("/")}${query === null ? "" : `?${query.join("&")}`}`;
        let intended: string | undefined;
        try {
          const url = new URL(raw);
          intended = url.pathname + url.search;
        } catch {
          intended = undefined;
        }
        const before = emulator.requests.length;
        let refused = false;
        try {
          const response = await signedFetch(raw, { signer, method, body: method === "POST" ? "{}" : undefined });
          await response.arrayBuffer();
        } catch (error) {
          if (!(error instanceof TypeError)) throw error; // only the documented refusal
          assert.doesNotMatch(`${error.message}\n${error.stack ?? ""}`, /pw-SECRET/);
          refused = true;
        }
        judge(t, before, { refused }, intended);
      }),
      { numRuns: 300 },
    );
    report("signedFetch URLs", t);
  });

  test("generated functions: any path parameter is PATH_PARAMETER_INVALID up front, or verifies and arrives as one segment", async () => {
    const t = tally();
    const c = client({ validation: "off" });
    const value = fc.oneof(urlPiece, fc.array(urlPiece, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("")));
    await fc.assert(
      fc.asyncProperty(value, fc.constantFrom("getUser", "getObject", "getBucket"), async (v, operation) => {
        const before = emulator.requests.length;
        let intended: string;
        let call: Promise<unknown>;
        if (operation === "getUser") {
          intended = `/20160918/users/${safeEncode(v)}`;
          call = identity.getUser(c, { userId: v });
        } else if (operation === "getObject") {
          intended = `/n/${EMULATOR_NAMESPACE}/b/photos/o/${safeEncode(v)}`;
          call = objectstorage.getObject(c, { namespaceName: EMULATOR_NAMESPACE, bucketName: "photos", objectName: v });
        } else {
          intended = `/n/${EMULATOR_NAMESPACE}/b/${safeEncode(v)}/`;
          call = invoke(c, { service: objectstorage.service, operationId: "GetBucket", method: "GET", path: "/n/{namespaceName}/b/{bucketName}/", pathParams: { namespaceName: EMULATOR_NAMESPACE, bucketName: v } });
        }
        let refused = false;
        try {
          const answer = (await call) as { data: unknown };
          if (answer.data instanceof Response) await answer.data.arrayBuffer();
        } catch (error) {
          if (!(error instanceof OciRawError && error.code === "PATH_PARAMETER_INVALID")) throw error;
          refused = true;
        }
        judge(t, before, { refused }, intended);
        // The catch-all route echoes what the emulator decoded: the value itself, as one segment.
      }),
      { numRuns: 400 },
    );
    report("path parameters", t);
  });

  test("headers in every HeadersInit form: refused with a TypeError up front, or verified and received as fetch normalises them", async () => {
    const t = tally();
    const headerName = fc.oneof(
      fc.constantFrom("x-a", "X-Mixed-Case", "opc-client-info", "if-match", "content-type", "accept", "opc-request-id", "connection", "transfer-encoding", "keep-alive", "upgrade", "expect", "host", "content-length", "te"),
      fc.string({ unit: fc.constantFrom(..."abcxyz-_!#$%&'*+.^`|~0129 :é"), minLength: 1, maxLength: 8 }),
    );
    const headerValue = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r", "a", "é", "ÿ", "\u0100", "😀", "\u0000", "\u0001", "\u007f", ",", "\""), maxLength: 8 }),
      fc.constantFrom("application/json ", " padded ", "\tv\t", "close", "keep-alive", "", " "),
    );
    const form = fc.constantFrom("record", "pairs", "Headers", "Map");
    await fc.assert(
      fc.asyncProperty(headerName, headerValue, form, fc.constantFrom("signedFetch", "client"), fc.constantFrom("GET", "POST"), async (name, value, shape, via, method) => {
        let headers: HeadersInput;
        try {
          headers = shape === "record" ? { [name]: value } : shape === "pairs" ? [[name, value]] : shape === "Map" ? new Map([[name, value]]) : new Headers([[name, value]]);
        } catch {
          return; // fetch's own Headers refused it before oci-raw saw it
        }
        const before = emulator.requests.length;
        let refused = false;
        let echoed: Record<string, string> | undefined;
        try {
          if (via === "signedFetch") {
            const response = await signedFetch(`${emulator.url}/h`, { signer, method, headers, body: method === "POST" ? "{}" : undefined });
            echoed = ((await response.json()) as { headers: Record<string, string> }).headers;
          } else {
            const request: OperationRequest<{ headers: Record<string, string> }> = { service: probe, operationId: "Probe", method, path: "/h", body: method === "POST" ? {} : undefined };
            echoed = (await invoke(createClient({ signer, endpoint: emulator.url, validation: "off", headers }), request)).data.headers;
          }
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          refused = true;
        }
        judge(t, before, { refused }, "/h");
        if (echoed !== undefined && !isSetByOciRaw(name.toLowerCase(), method)) {
          // What arrived is the value fetch normalises to: the value that was signed.
          assert.equal(echoed[name.toLowerCase()], value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ""), `header ${JSON.stringify(name)}`);
        }
      }),
      { numRuns: 400 },
    );
    report("header values", t);
  });
});

/** Headers oci-raw or fetch set themselves, whose echoed value is not the caller's. */
function isSetByOciRaw(name: string, method: string): boolean {
  return ["host", "connection", "content-length", "accept", "date", "x-date", "authorization"].includes(name) || (method === "POST" && name === "content-type") || name === "accept-encoding";
}

/** encodeURIComponent, or undefined-safe "" for values that are refused anyway (lone surrogates). */
function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "\u0000unencodable";
  }
}

describe("properties: whatever the server answers, invoke ends in a documented typed error or data", () => {
  const Item = z.object({ id: z.string(), size: z.number() });
  const documented = new Set(["NETWORK_ERROR", "REQUEST_TIMEOUT", "RESPONSE_NOT_JSON", "RESPONSE_VALIDATION_FAILED"]);

  type Answer =
    | { kind: "json"; status: number; body: unknown }
    | { kind: "text"; status: number; text: string; contentType: string }
    | { kind: "huge"; bytes: number }
    | { kind: "empty"; status: number };

  const answer: fc.Arbitrary<Answer> = fc.oneof(
    fc.record({ kind: fc.constant("json" as const), status: fc.constantFrom(200, 201, 400, 404, 409, 429, 500, 503), body: fc.jsonValue({ maxDepth: 3 }) }),
    fc.record({
      kind: fc.constant("text" as const),
      status: fc.constantFrom(200, 404, 500),
      text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("<html>oops</html>", "{\"id\":", "null", "[", "\uFEFF{}")),
      contentType: fc.constantFrom("application/json", "text/html", "application/octet-stream"),
    }),
    fc.record({ kind: fc.constant("huge" as const), bytes: fc.constantFrom(1 << 20, 2 << 20) }),
    fc.record({ kind: fc.constant("empty" as const), status: fc.constantFrom(200, 204, 404) }),
  );
  const fault = fc.constantFrom("none", "none", "reset", "reset-at-0", "stall", "drop", "delay");

  test("wrong types, non-JSON, truncated, reset, stalled, dropped and huge answers", { timeout: 60_000 }, async () => {
    let next: Answer = { kind: "empty", status: 200 };
    emulator.route("GET", "/answer", () => {
      const a = next;
      if (a.kind === "json") return json(a.status, a.body);
      if (a.kind === "text") return bytes(a.status, a.text, { "content-type": a.contentType });
      if (a.kind === "huge") return json(200, { id: "x".repeat(a.bytes), size: 1 });
      return { status: a.status };
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const c = client();
    const counts = { tried: 0, data: 0, service: 0, typed: new Map<string, number>(), faults: new Map<string, number>() };
    try {
      await fc.assert(
        fc.asyncProperty(answer, fault, fc.boolean(), async (a, f, list) => {
          next = a;
          if (f !== "none") counts.faults.set(f, (counts.faults.get(f) ?? 0) + 1);
          if (f === "reset") emulator.faults.breakBodyNext(2);
          if (f === "reset-at-0") emulator.faults.breakBodyNext(2, { afterBytes: 0 });
          if (f === "stall") emulator.faults.breakBodyNext(2, { afterBytes: 1, then: "stall" });
          if (f === "drop") emulator.faults.dropNext(2);
          if (f === "delay") emulator.faults.delayNext(2, 50);
          counts.tried += 1;
          const request: OperationRequest<unknown> = {
            service: probe, operationId: "GetAnswer", method: "GET", path: "/answer", retryByDefault: true,
            schema: () => (list ? z.array(Item) : Item),
          };
          try {
            // Short where the answer is held back (the run must end, and typed), generous elsewhere.
            await invoke(c, request, { timeoutMs: f === "stall" || f === "delay" ? 25 : 5000 });
            counts.data += 1;
          } catch (error) {
            if (error instanceof OciServiceError) counts.service += 1;
            else {
              assert.ok(hasOciRawCode(error) && documented.has(error.code), `undocumented failure: ${String(error)}`);
              if (error.code === "RESPONSE_VALIDATION_FAILED") assert.ok(error instanceof ResponseValidationError);
              counts.typed.set(error.code, (counts.typed.get(error.code) ?? 0) + 1);
            }
          } finally {
            emulator.faults.clear();
          }
        }),
        { numRuns: 120 },
      );
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, [], "no unhandled rejection");
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    const injected = [...counts.faults.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `# property server answers: ${counts.tried} answers, faults injected into ${injected} (${JSON.stringify(Object.fromEntries(counts.faults))}); ` +
        `${counts.data} data, ${counts.service} OciServiceError, typed ${JSON.stringify(Object.fromEntries(counts.typed))}, 0 untyped, 0 unhandled`,
    );
  });
});
