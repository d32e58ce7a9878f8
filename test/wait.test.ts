/**
 * Waiters against the emulator: a generated get function (identity getUser) polled while the
 * emulator moves the user's lifecycleState, and a work request served by a route. The states
 * each poll sees are scripted per test (the emulator answers them in order), so the tests
 * assert how many polls a wait takes, what it resolves to and how it fails. The last test waits
 * on the spec-driven emulator's own moving states and work requests.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  ApiKeySigner,
  OciServiceError,
  WaitError,
  createClient,
  invoke,
  noRetry,
  waitFor,
  waitForState,
  waitForWorkRequest,
  type CallOptions,
  type Client,
  type OciResponse,
} from "oci-raw";
import { EMULATOR_COMPARTMENT_ID, json, startEmulator, type Emulator } from "oci-raw/emulator";
import { REPO_ROOT } from "./support/repo.js";
import * as identity from "../generated/identity/index.js";

let emulator: Emulator;
let client: Client;
let user: identity.User;
/** The lifecycleState each next GetUser answers; the last one repeats. "404" answers NotAuthorizedOrNotFound. */
let script: string[] = [];

before(async () => {
  emulator = await startEmulator();
  const key = await emulator.createApiKey();
  client = createClient({
    signer: new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem }),
    endpoint: emulator.url,
    validation: "strict",
    retry: noRetry,
  });
  ({ data: user } = await identity.createUser(client, { body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: "waiter", description: "waits" } }));
  emulator.route("GET", "/20160918/users/{userId}", (request) => {
    const state = script.length > 1 ? script.shift()! : script[0]!;
    if (state === "404") return json(404, { code: "NotAuthorizedOrNotFound", message: "gone" });
    return json(200, { ...user, id: request.params["userId"], lifecycleState: state });
  });
});
after(() => emulator.stop());
beforeEach(() => emulator.clearRequests());

const polls = (): number => emulator.requests.filter((r) => r.method === "GET" && r.path.startsWith("/20160918/users/")).length;

describe("waitForState", () => {
  test("polls a generated get function until the target state and resolves to that response", async () => {
    script = ["CREATING", "CREATING", "ACTIVE"];
    const response = await waitForState(identity.getUser, client, { userId: user.id }, "ACTIVE", { intervalMs: 5 });
    assert.equal(response?.data.lifecycleState, "ACTIVE");
    assert.equal(response?.status, 200);
    assert.equal(polls(), 3);
  });

  test("a terminal state it was not waiting for rejects at once with WAIT_FAILED_STATE, the state and the time", async () => {
    script = ["CREATING", "DELETED", "ACTIVE"];
    const error = await waitForState(identity.getUser, client, { userId: user.id }, ["ACTIVE"], { intervalMs: 5 }).catch((e: unknown) => e);
    assert.ok(error instanceof WaitError, String(error));
    assert.equal(error.code, "WAIT_FAILED_STATE");
    assert.equal(error.lastState, "DELETED");
    assert.equal(error.polls, 2);
    assert.ok(error.elapsedMs >= 5, `elapsed ${error.elapsedMs}`);
    assert.match(error.message, /ACTIVE.*DELETED/);
    assert.equal(polls(), 2, "no poll after the terminal state");
  });

  test("failureStates replaces the default terminal states", async () => {
    script = ["INACTIVE"];
    const error = await waitForState(identity.getUser, client, { userId: user.id }, "ACTIVE", { intervalMs: 5, failureStates: ["INACTIVE"] }).catch((e: unknown) => e);
    assert.ok(error instanceof WaitError && error.code === "WAIT_FAILED_STATE" && error.lastState === "INACTIVE", String(error));
  });

  test("times out with WAIT_TIMEOUT, the last state and the elapsed time; the last pause ends at the deadline", async () => {
    script = ["CREATING"];
    const started = Date.now();
    const error = await waitForState(identity.getUser, client, { userId: user.id }, "ACTIVE", { intervalMs: 10, timeoutMs: 120 }).catch((e: unknown) => e);
    const took = Date.now() - started;
    assert.ok(error instanceof WaitError, String(error));
    assert.equal(error.code, "WAIT_TIMEOUT");
    assert.equal(error.lastState, "CREATING");
    assert.ok(error.elapsedMs >= 120, `elapsed ${error.elapsedMs}`);
    assert.ok(took < 5_000, `took ${took} ms`);
    // Pauses of 10, 20, 40, then what is left: at most five polls (fewer when polls are slow).
    assert.ok(error.polls >= 2 && error.polls <= 5, `${error.polls} polls`);
    assert.equal(polls(), error.polls);
  });

  test("waiting for DELETED, a 404 counts as reached (resolves undefined); waiting for ACTIVE, it is the service's error", async () => {
    script = ["DELETING", "404"];
    assert.equal(await waitForState(identity.getUser, client, { userId: user.id }, "DELETED", { intervalMs: 5 }), undefined);
    script = ["CREATING", "404"];
    const error = await waitForState(identity.getUser, client, { userId: user.id }, "ACTIVE", { intervalMs: 5 }).catch((e: unknown) => e);
    assert.ok(error instanceof OciServiceError && error.status === 404 && error.code === "NotAuthorizedOrNotFound", String(error));
  });

  test("an abort rejects at once with the signal's reason, even in a long pause", async () => {
    script = ["CREATING"];
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    const error = await waitForState(identity.getUser, client, { userId: user.id }, "ACTIVE", { intervalMs: 60_000, signal: controller.signal }).catch((e: unknown) => e);
    assert.equal(error, reason);
    assert.ok(Date.now() - started < 5_000);
    assert.equal(polls(), 1);
  });

  test("bad options are TypeErrors before any request", async () => {
    await assert.rejects(waitForState(identity.getUser, client, { userId: user.id }, "ACTIVE", { intervalMs: -1 }), TypeError);
    assert.throws(() => waitForState(identity.getUser, client, { userId: user.id }, []), TypeError);
    assert.equal(polls(), 0);
  });
});

describe("waitFor", () => {
  test("waits on any condition of the data", async () => {
    script = ["CREATING", "INACTIVE", "ACTIVE"];
    const response = await waitFor(identity.getUser, client, { userId: user.id }, { until: (data) => data.lifecycleState !== "CREATING", intervalMs: 5 });
    assert.equal(response.data.lifecycleState, "INACTIVE");
    assert.equal(polls(), 2);
  });

  test("pauses double from intervalMs up to maxIntervalMs", async () => {
    const times: number[] = [];
    const started = Date.now();
    let calls = 0;
    // A get function of the generated shape that never gets there, timing each call.
    const fn = async (_client: Client, _params: object, _options?: CallOptions): Promise<OciResponse<{ lifecycleState: string }>> => {
      times.push(Date.now() - started);
      calls++;
      return { data: { lifecycleState: "CREATING" }, status: 200, headers: new Headers(), opcRequestId: undefined };
    };
    const error = await waitFor(fn, client, {}, { until: () => false, intervalMs: 50, maxIntervalMs: 100, timeoutMs: 700 }).catch((e: unknown) => e);
    assert.ok(error instanceof WaitError && error.code === "WAIT_TIMEOUT", String(error));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 50, 100, 100, … (timers fire late, never early; a pause still doubling would be 200).
    assert.ok(gaps[0]! >= 49 && gaps[1]! >= 99 && gaps[2]! >= 99 && gaps[3]! >= 99, `gaps ${gaps.join(", ")}`);
    assert.ok(gaps[2]! < 199 && gaps[3]! < 199, `the pause stopped growing at maxIntervalMs: ${gaps.join(", ")}`);
    assert.ok(calls >= 5);
  });
});

describe("waitForWorkRequest", () => {
  interface WorkRequest {
    id: string;
    status: string;
    percentComplete: number;
  }
  const getWorkRequest = (c: Client, params: { workRequestId: string }, options?: CallOptions) =>
    invoke<WorkRequest>(c, { service: { name: "wr", basePath: "/20160918" }, operationId: "GetWorkRequest", method: "GET", path: "/workRequests/{workRequestId}", pathParams: { workRequestId: params.workRequestId }, retryByDefault: true }, options);
  const listWorkRequestErrors = (c: Client, params: { workRequestId: string }, options?: CallOptions) =>
    invoke<{ code: string; message: string }[]>(c, { service: { name: "wr", basePath: "/20160918" }, operationId: "ListWorkRequestErrors", method: "GET", path: "/workRequests/{workRequestId}/errors", pathParams: { workRequestId: params.workRequestId }, retryByDefault: true }, options);
  let statuses: string[] = [];
  before(() => {
    emulator.route("GET", "/20160918/workRequests/{workRequestId}/errors", () =>
      json(200, [{ code: "LimitExceeded", message: "The service limit for VCNs is reached." }]),
    );
    emulator.route("GET", "/20160918/workRequests/{workRequestId}", (request) => {
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      return json(200, { id: request.params["workRequestId"], status, percentComplete: status === "SUCCEEDED" ? 100 : 50 });
    });
  });

  test("polls ACCEPTED → IN_PROGRESS → SUCCEEDED and resolves to the last response", async () => {
    statuses = ["ACCEPTED", "IN_PROGRESS", "SUCCEEDED"];
    const response = await waitForWorkRequest(getWorkRequest, client, "ocid1.workrequest.oc1..aaaa", { intervalMs: 5 });
    assert.equal(response.data.status, "SUCCEEDED");
    assert.equal(response.data.id, "ocid1.workrequest.oc1..aaaa");
  });

  test("a long operation's response exposes opc-work-request-id as opcWorkRequestId, which waitForWorkRequest polls", async () => {
    emulator.route("POST", "/20160918/vcns", () => json(202, {}, { "opc-work-request-id": "ocid1.workrequest.oc1..fromheader" }));
    const started = await invoke<unknown>(client, { service: { name: "wr", basePath: "/20160918" }, operationId: "CreateVcn", method: "POST", path: "/vcns", body: {}, retryByDefault: false });
    assert.equal(started.opcWorkRequestId, "ocid1.workrequest.oc1..fromheader");
    statuses = ["IN_PROGRESS", "SUCCEEDED"];
    const done = await waitForWorkRequest(getWorkRequest, client, started.opcWorkRequestId!, { intervalMs: 5 });
    assert.equal(done.data.id, "ocid1.workrequest.oc1..fromheader");
    // Responses without the header have no such property.
    assert.equal("opcWorkRequestId" in done, false);
  });

  test("FAILED rejects with WAIT_FAILED_STATE and the work request's errors", async () => {
    statuses = ["IN_PROGRESS", "FAILED"];
    const error = await waitForWorkRequest(getWorkRequest, client, "ocid1.workrequest.oc1..bbbb", { intervalMs: 5, listErrors: listWorkRequestErrors }).catch((e: unknown) => e);
    assert.ok(error instanceof WaitError, String(error));
    assert.equal(error.code, "WAIT_FAILED_STATE");
    assert.equal(error.lastState, "FAILED");
    assert.match(error.message, /LimitExceeded: The service limit for VCNs is reached\./);
  });

  test("idParam names the params key for services whose id parameter is not workRequestId (identity's iamWorkRequestId)", async () => {
    emulator.route("GET", "/20160918/iamWorkRequests/{iamWorkRequestId}", (request) => json(200, { id: request.params["iamWorkRequestId"], status: "SUCCEEDED" }));
    const getIamWorkRequest = (c: Client, params: { iamWorkRequestId: string }, options?: CallOptions) =>
      invoke<WorkRequest>(c, { service: { name: "identity", basePath: "/20160918" }, operationId: "GetIamWorkRequest", method: "GET", path: "/iamWorkRequests/{iamWorkRequestId}", pathParams: { iamWorkRequestId: params.iamWorkRequestId }, retryByDefault: true }, options);
    const done = await waitForWorkRequest(getIamWorkRequest, client, "ocid1.iamworkrequest.oc1..dddd", { idParam: "iamWorkRequestId", intervalMs: 5 });
    assert.equal(done.data.id, "ocid1.iamworkrequest.oc1..dddd");
  });

  test("CANCELED rejects too, without listErrors", async () => {
    statuses = ["CANCELED"];
    const error = await waitForWorkRequest(getWorkRequest, client, "ocid1.workrequest.oc1..cccc", { intervalMs: 5 }).catch((e: unknown) => e);
    assert.ok(error instanceof WaitError && error.lastState === "CANCELED", String(error));
  });
});

describe("against the spec-driven emulator's moving states (Oracle's identity spec)", () => {
  const spec = join(REPO_ROOT, "..", "shared", "oci-specs", "identity.swagger.yaml");
  const service = { name: "identity", basePath: "/20160918" };
  interface Compartment {
    id: string;
    lifecycleState: string;
  }
  const getCompartment = (c: Client, params: { compartmentId: string }, options?: CallOptions) =>
    invoke<Compartment>(c, { service, operationId: "GetCompartment", method: "GET", path: "/compartments/{compartmentId}", pathParams: params, retryByDefault: true }, options);
  const getWorkRequest = (c: Client, params: { workRequestId: string }, options?: CallOptions) =>
    invoke<{ status: string }>(c, { service, operationId: "GetWorkRequest", method: "GET", path: "/workRequests/{workRequestId}", pathParams: params, retryByDefault: true }, options);
  let specEmulator: Emulator | undefined;
  let specClient: Client;
  before(async () => {
    if (!existsSync(spec)) return;
    specEmulator = await startEmulator({ specs: [spec], lifecycleDelayMs: 150 });
    const key = await specEmulator.createApiKey();
    specClient = createClient({ signer: new ApiKeySigner({ ...key, privateKeyContent: key.privateKeyPem }), endpoint: specEmulator.url, retry: noRetry });
  });
  after(() => specEmulator?.stop());

  test("a compartment: created CREATING, waited ACTIVE; deleted with a work request, waited SUCCEEDED", async (t) => {
    if (!specEmulator) return t.skip(`Oracle's identity spec is not at ${spec}`);
    const created = await invoke<Compartment>(specClient, {
      service, operationId: "CreateCompartment", method: "POST", path: "/compartments/", retryByDefault: false,
      body: { compartmentId: EMULATOR_COMPARTMENT_ID, name: "waited", description: "waits for ACTIVE" },
    });
    assert.equal(created.data.lifecycleState, "CREATING");
    const started = Date.now();
    const active = await waitForState(getCompartment, specClient, { compartmentId: created.data.id }, "ACTIVE", { intervalMs: 40 });
    assert.equal(active?.data.lifecycleState, "ACTIVE");
    assert.ok(Date.now() - started >= 100, "it was not ACTIVE at once: the wait polled");

    const deleting = await invoke<unknown>(specClient, {
      service, operationId: "DeleteCompartment", method: "DELETE", path: "/compartments/{compartmentId}", pathParams: { compartmentId: created.data.id }, retryByDefault: false,
    });
    assert.ok(deleting.opcWorkRequestId, "DeleteCompartment answers with opc-work-request-id");
    const done = await waitForWorkRequest(getWorkRequest, specClient, deleting.opcWorkRequestId, { intervalMs: 40 });
    assert.equal(done.data.status, "SUCCEEDED");
  });
});
