/**
 * Real OCI traffic through the generated clients (issue 16, item 3). Each entry of
 * ../shared/oci-recorded/responses.json (read in place, never copied) is replayed by a loopback
 * server to the function generated for its operation from Oracle's spec in ../shared/oci-specs,
 * called with validation "strict":
 *
 * - the function sends the recorded request: method, path, query (decoded, in any order), body;
 * - `expect: "accept"` entries resolve with `data` equal to the recorded body (nulls kept);
 * - `expect: "reject"` entries reject with a ResponseValidationError whose issues name a JSON
 *   path in the body, and whose message and issues repeat no string value of the body.
 *
 * Params are mapped through the codegen model (functionName per operationId, key per spec
 * parameter, BODY_KEY for the body), so nothing here is tuned to these recordings. The
 * generated code is written under .tmp/ inside the repo, so that its `import … from "oci-raw"`
 * resolves to the sources. Skipped when ../shared is absent.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { ApiKeySigner, ResponseValidationError, createClient, noRetry, type Client, type OciResponse } from "oci-raw";
import { REPO_ROOT } from "./support/repo.js";
import { generateService, serviceNameOf, writeService } from "../codegen/generate.js";
import { loadSpec } from "../codegen/load.js";
import { buildModel, type OperationModel } from "../codegen/model.js";
import {
  comparePaths,
  describeValue,
  genericPath,
  paramsFor,
  queryPairs,
  revealingStrings,
  startReplayServer,
  valueAtPath,
  type ReceivedRequest,
  type RecordedEntry,
  type ReplayServer,
} from "./support/replay.js";
import { FINGERPRINT, TENANCY, TEST_PRIVATE_KEY_PEM, USER } from "./vectors/oci-request-signatures.js";

const SHARED = join(REPO_ROOT, "..", "shared");
const RECORDINGS = join(SHARED, "oci-recorded", "responses.json");
const SPECS = join(SHARED, "oci-specs");
const present = existsSync(RECORDINGS) && existsSync(SPECS);
// Inside the repository (git-ignored), so that `oci-raw` and `zod` resolve as they do for generated/.
const out = join(REPO_ROOT, ".tmp", `replay-${process.pid}`);

type OperationFunction = (client: Client, params: Record<string, unknown>) => Promise<OciResponse<unknown>>;

interface Service {
  operations: Map<string, OperationModel>;
  module: Record<string, unknown>;
}

interface Outcome {
  entry: RecordedEntry;
  /** `#index operationId (source)`, to find the entry. */
  label: string;
  /** Why the entry could not be replayed (no function, a recorded part with no place in the spec). */
  harness: string[];
  /** Differences between the request sent and the one recorded. */
  sent: string[];
  /** Differences that are only spelling (trailing "/", percent-encoding), reported but not failed. */
  notes: string[];
  result: PromiseSettledResult<OciResponse<unknown>> | undefined;
}

let server: ReplayServer | undefined;
const outcomes: Outcome[] = [];

async function loadService(name: string): Promise<Service> {
  const spec = readdirSync(SPECS).find((f) => /\.(ya?ml|json)$/.test(f) && serviceNameOf(f) === name);
  if (spec === undefined) throw new Error(`no spec for service ${name} in ${SPECS}`);
  const file = join(SPECS, spec);
  const generated = await generateService(file, { outDir: out, cwd: REPO_ROOT });
  writeService(generated, REPO_ROOT);
  // The same model the generator built: function names and params keys, never guessed.
  const model = buildModel((await loadSpec(file)).doc, generated.spec);
  const module = (await import(pathToFileURL(join(REPO_ROOT, generated.dir, "index.ts")).href)) as Record<string, unknown>;
  return { operations: new Map(model.operations.map((op) => [op.operationId, op])), module };
}

/** How the request sent differs from the recorded one. */
function compareRequest(entry: RecordedEntry, received: ReceivedRequest[], sent: string[], notes: string[]): void {
  if (received.length !== 1) {
    sent.push(`${received.length} requests reached the server, not 1`);
    if (received.length === 0) return;
  }
  const request = received[0]!;
  const recorded = new URL(entry.uri);
  const actual = new URL(request.target, "http://replay.invalid");
  if (request.method !== entry.method) sent.push(`method ${request.method}, recorded ${entry.method}`);
  const path = comparePaths(recorded.pathname, actual.pathname);
  if (path === "different") sent.push(`path ${actual.pathname}, recorded ${recorded.pathname}`);
  else if (path === "encoding") notes.push("path percent-encoded differently (same decoded segments)");
  else if (path === "trailing-slash") {
    notes.push(recorded.pathname.endsWith("/") ? "path recorded with a trailing / that was not sent" : "path recorded without the trailing / that was sent");
  }
  const query = { sent: queryPairs(actual.search), recorded: queryPairs(recorded.search) };
  if (query.sent.join("&") !== query.recorded.join("&")) sent.push(`query ${query.sent.join("&")}, recorded ${query.recorded.join("&")}`);
  const expectedBody = entry.requestBody ?? undefined;
  let body: unknown;
  try {
    body = request.body === "" ? undefined : JSON.parse(request.body);
  } catch {
    body = request.body;
  }
  try {
    assert.deepStrictEqual(body, expectedBody);
  } catch {
    sent.push(`request body differs from the recorded one`);
  }
}

before(async () => {
  if (!present) return;
  const entries = (JSON.parse(readFileSync(RECORDINGS, "utf8")) as { entries: RecordedEntry[] }).entries;
  const services = new Map<string, Service>();
  for (const name of new Set(entries.map((e) => e.service))) services.set(name, await loadService(name));

  server = await startReplayServer();
  const client = createClient({
    signer: new ApiKeySigner({ tenancy: TENANCY, user: USER, fingerprint: FINGERPRINT, privateKeyContent: TEST_PRIVATE_KEY_PEM }),
    endpoint: server.url,
    validation: "strict",
    retry: noRetry, // one request per call: a retried request would hide what was sent first
  });

  for (const [index, entry] of entries.entries()) {
    const outcome: Outcome = { entry, label: `#${index} ${entry.operationId} (${entry.source})`, harness: [], sent: [], notes: [], result: undefined };
    outcomes.push(outcome);
    const service = services.get(entry.service)!;
    const op = service.operations.get(entry.operationId);
    const fn = op === undefined ? undefined : service.module[op.functionName];
    if (op === undefined || typeof fn !== "function") {
      outcome.harness.push(op === undefined ? `no operation ${entry.operationId} in the ${entry.service} spec` : `index.ts exports no function ${op.functionName}`);
      continue;
    }
    const mapped = paramsFor(op, entry);
    outcome.harness.push(...mapped.problems);
    const { received, outcome: result } = await server.replay(entry, () => (fn as OperationFunction)(client, mapped.params));
    outcome.result = result;
    compareRequest(entry, received, outcome.sent, outcome.notes);
  }
});

after(async () => {
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

/** `count label` lines, most frequent first, at most `limit` of them. */
function tally(lines: string[], limit = 40): string {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, limit).map(([line, n]) => `    ${String(n).padStart(4)} × ${line}`);
  if (sorted.length > limit) shown.push(`    … and ${sorted.length - limit} more distinct lines`);
  return shown.join("\n");
}

/** Why an entry that should be accepted was not: one cause, and lines naming where. */
function acceptFailure(outcome: Outcome): { cause: string; where: string[] } | undefined {
  const { entry, result } = outcome;
  if (result === undefined) return { cause: "not replayed", where: outcome.harness };
  if (result.status === "rejected") {
    const error: unknown = result.reason;
    if (!(error instanceof ResponseValidationError)) {
      const e = error as { name?: unknown; code?: unknown; message?: unknown };
      return { cause: `${String(e?.name)} ${String(e?.code ?? "")}`.trim(), where: [`${entry.operationId}: ${String(e?.message ?? error)}`] };
    }
    const body: unknown = JSON.parse(entry.responseBody);
    const kinds = error.issues.map((issue) => describeValue(valueAtPath(body, issue.path)));
    const cause = kinds.every((k) => k === "null")
      ? "ResponseValidationError: only null values at the issue paths (null for a property the spec does not require, per the recording's `accept`)"
      : `ResponseValidationError: issue values ${[...new Set(kinds)].sort().join(", ")}`;
    // One line per property per entry, however many array elements have it.
    return { cause, where: [...new Set(error.issues.map((issue, i) => `${entry.operationId} ${genericPath(issue.path)} (${kinds[i]}): ${issue.message}`))] };
  }
  const response = result.value;
  const problems: string[] = [];
  try {
    assert.deepStrictEqual(response.data, JSON.parse(entry.responseBody));
  } catch {
    problems.push("data differs from the recorded body");
  }
  if (response.status !== entry.status) problems.push(`status ${response.status}, recorded ${entry.status}`);
  if (response.opcRequestId !== entry.responseHeaders["opc-request-id"]) problems.push("opcRequestId differs from the recorded header");
  if (response.opcNextPage !== entry.responseHeaders["opc-next-page"]) problems.push("opcNextPage differs from the recorded header");
  return problems.length ? { cause: "resolved with a different response", where: problems.map((p) => `${entry.operationId}: ${p}`) } : undefined;
}

/** Why an entry that should be rejected was not rejected usefully. */
function rejectFailure(outcome: Outcome): { cause: string; where: string[] } | undefined {
  const { entry, result } = outcome;
  if (result === undefined) return { cause: "not replayed", where: outcome.harness };
  if (result.status === "fulfilled") return { cause: "accepted", where: [`${entry.operationId} (${entry.source})`] };
  const error: unknown = result.reason;
  if (!(error instanceof ResponseValidationError)) {
    const e = error as { name?: unknown; message?: unknown };
    return { cause: `not a ResponseValidationError: ${String(e?.name)}`, where: [`${entry.operationId}: ${String(e?.message ?? error)}`] };
  }
  const body: unknown = JSON.parse(entry.responseBody);
  const where: string[] = [];
  if (error.operation !== entry.operationId) where.push(`error.operation is ${error.operation}`);
  if (error.issues.length === 0) where.push("no issues");
  for (const issue of error.issues) {
    const at = typeof issue.path === "string" ? valueAtPath(body, issue.path) : { resolved: false, value: undefined };
    if (!at.resolved) {
      where.push(`issue path ${String(issue.path)} names no place in the body`);
      continue;
    }
    // The type that arrived, as the body has it (worked out here, not by the runtime).
    const arrived = at.value === undefined ? "missing" : at.value === null ? "null" : Array.isArray(at.value) ? "array" : typeof at.value;
    if (issue.received !== arrived) where.push(`issue at ${issue.path} says received ${issue.received}; the body has ${arrived}`);
    if (!issue.expected || issue.expected === issue.received || /invalid input/i.test(issue.expected)) where.push(`issue at ${issue.path} does not say what was expected (${issue.expected})`);
    if (!error.message.includes(issue.path) && issue === error.issues[0]) where.push("the message does not name the first issue's path");
  }
  const first = error.issues[0];
  if (first && !error.message.includes(`expected ${first.expected}, received ${first.received}`)) where.push("the message does not say what the first issue expected and received");
  const said = [error.message, JSON.stringify(error.issues)].join("\n");
  const leaked = revealingStrings(body).filter((value) => said.includes(value));
  if (leaked.length) where.push(`message or issues repeat ${leaked.length} string value(s) of the response body (e.g. at ${leakedPaths(body, leaked[0]!)})`);
  return where.length ? { cause: "rejected, but not usefully", where: where.map((w) => `${entry.operationId}: ${w}`) } : undefined;
}

/** Where a string value sits in a body (JSON paths, first few), to name a leak without repeating it. */
function leakedPaths(body: unknown, value: string): string {
  const found: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (found.length >= 3) return;
    if (node === value) found.push(path);
    else if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
  };
  walk(body, "$");
  return found.map(genericPath).join(", ");
}

/** Failures grouped by cause, then by where, as one readable message. */
function report(what: string, total: number, failures: Array<{ cause: string; where: string[] }>): string {
  const byCause = new Map<string, { entries: number; where: string[] }>();
  for (const failure of failures) {
    const group = byCause.get(failure.cause) ?? { entries: 0, where: [] };
    group.entries++;
    group.where.push(...failure.where);
    byCause.set(failure.cause, group);
  }
  const parts = [...byCause].sort((a, b) => b[1].entries - a[1].entries).map(([cause, group]) => `  ${group.entries} entries: ${cause}\n${tally(group.where)}`);
  return `${failures.length} of ${total} ${what}:\n${parts.join("\n")}`;
}

describe("recorded OCI responses replayed through the generated clients (strict)", { skip: present ? false : `${SHARED} is absent` }, () => {
  test("every recorded request maps onto its generated function", (t) => {
    assert.ok(outcomes.length > 0, "no entries replayed");
    const settled = outcomes.flatMap((o) => (o.result ? [o.result] : []));
    const rejected = settled.filter((r) => r.status === "rejected");
    t.diagnostic(
      `${outcomes.length} entries (${outcomes.filter((o) => o.entry.expect === "accept").length} accept, ${outcomes.filter((o) => o.entry.expect === "reject").length} reject): ` +
        `${settled.length - rejected.length} resolved, ${rejected.length} rejected ` +
        `(${rejected.filter((r) => r.reason instanceof ResponseValidationError).length} by response validation), ` +
        `${outcomes.filter((o) => o.sent.length > 0).length} requests mismatched, ${outcomes.length - settled.length} not replayed`,
    );
    const problems = outcomes.flatMap((o) => o.harness.map((h) => `${o.entry.operationId}: ${h}`));
    assert.deepEqual(problems, [], `recorded requests that do not fit their operation:\n${tally(problems)}`);
  });

  test("each function sends the recorded method, path, query and body", (t) => {
    const replayed = outcomes.filter((o) => o.result !== undefined);
    const mismatched = replayed.filter((o) => o.sent.length > 0);
    const notes = replayed.flatMap((o) => o.notes.map((n) => `${o.entry.operationId}: ${n}`));
    t.diagnostic(`${replayed.length} requests sent: ${replayed.length - mismatched.length} as recorded, ${mismatched.length} mismatched`);
    // Spelling differences (trailing "/", percent-encoding) are not failures: the service answered both.
    if (notes.length) {
      t.diagnostic(`${notes.length} differ from the recorded URI only in spelling (the spec's path was sent):`);
      for (const line of tally(notes, 20).split("\n")) t.diagnostic(line);
    }
    assert.deepEqual(
      mismatched.map((o) => o.label),
      [],
      `requests that differ from the recording:\n${tally(mismatched.flatMap((o) => o.sent.map((s) => `${o.entry.operationId}: ${s}`)))}`,
    );
  });

  test('every "accept" entry resolves with the recorded body unchanged', (t) => {
    const accept = outcomes.filter((o) => o.entry.expect === "accept");
    const failures = accept.map(acceptFailure).filter((f) => f !== undefined);
    t.diagnostic(`accept: ${accept.length - failures.length} of ${accept.length} accepted with data unchanged, ${failures.length} failed`);
    assert.equal(failures.length, 0, report('"accept" entries failed', accept.length, failures));
  });

  test('every "reject" entry is rejected with a ResponseValidationError naming a JSON path, repeating no value', (t) => {
    const reject = outcomes.filter((o) => o.entry.expect === "reject");
    const failures = reject.map(rejectFailure).filter((f) => f !== undefined);
    t.diagnostic(`reject: ${reject.length - failures.length} of ${reject.length} rejected usefully, ${failures.length} failed`);
    assert.equal(failures.length, 0, report('"reject" entries failed', reject.length, failures));
  });
});

describe("the replay harness itself", () => {
  test("tells spelling from real path differences, and reads paths as the runtime writes them", () => {
    assert.equal(comparePaths("/n/ns/b/x%2By", "/n/ns/b/x%2By"), "same");
    assert.equal(comparePaths("/n/ns/p/a+b%3D", "/n/ns/p/a%2Bb%3D"), "encoding");
    assert.equal(comparePaths("/n/ns/b", "/n/ns/b/"), "trailing-slash");
    assert.equal(comparePaths("/n/ns/b/x", "/n/ns/b/y"), "different");
    assert.equal(comparePaths("/n/ns/b", "/n/ns/b/o"), "different");
    assert.deepEqual(queryPairs("?b=2&a=x%2Cy"), queryPairs("?a=x,y&b=2"));
    assert.notDeepEqual(queryPairs("?a=1"), queryPairs("?a=1&a=2"));
    const body = { items: [{ "x-y": null, name: "a" }] };
    assert.deepEqual(valueAtPath(body, '$.items[0]["x-y"]'), { resolved: true, value: null });
    assert.deepEqual(valueAtPath(body, "$.items[0].missing"), { resolved: true, value: undefined });
    assert.equal(valueAtPath(body, "$.items[1].name").resolved, false);
    assert.equal(describeValue(valueAtPath(body, "$.items[0].name")), "string");
    assert.deepEqual(revealingStrings({ password: "s3cr3t-value!", lifecycleState: "ACTIVE", ref: "lifecycleState", alsoAKey: { lifecycleStateX: 1 } }), ["s3cr3t-value!"]);
  });
});
