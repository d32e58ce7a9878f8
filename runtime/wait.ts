/**
 * Waiters: poll a generated get function until the resource is where the caller wants it —
 * what the OCI SDKs' `getWaiters().forInstance(…)`, Python's `oci.wait_until` and the CLI's
 * `--wait-for-state` do. Polls back off exponentially from `intervalMs` to `maxIntervalMs`,
 * and the whole wait is capped by `timeoutMs` (defaults as Python's `wait_until`: at most
 * 30 s between polls, 20 minutes in all).
 */
import type { Client } from "./client.js";
import { OciServiceError, WaitError } from "./errors.js";
import type { CallOptions, OciResponse } from "./operation.js";
import { redactSecrets } from "./redact.js";
import { sleep } from "./retry.js";

/** A generated get function: `getInstance`, `getUser`, `getWorkRequest`, … (`C` is the client it takes). */
export type GetFunction<P, T, C = Client> = (client: C, params: P, options?: CallOptions) => Promise<OciResponse<T>>;

export interface WaitOptions {
  /** Give up after this long, with WAIT_TIMEOUT (default 1 200 000: 20 minutes). */
  timeoutMs?: number | undefined;
  /** The first pause between polls (default 1 000); each next one doubles. */
  intervalMs?: number | undefined;
  /** The longest pause between polls (default 30 000). */
  maxIntervalMs?: number | undefined;
  /** Stops the wait (and the poll in flight) at once, rejecting with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Options for each poll (a retry strategy, a per-poll timeout). */
  callOptions?: Omit<CallOptions, "signal"> | undefined;
}

export interface WaitForOptions<T> extends WaitOptions {
  /** True when the wait is over: the resource is where it should be. */
  until: (data: T) => boolean;
  /**
   * True when the resource can no longer get there: the wait rejects at once with
   * WAIT_FAILED_STATE instead of polling to the timeout.
   */
  failed?: ((data: T) => boolean) | undefined;
}

export interface WaitForStateOptions extends WaitOptions {
  /**
   * States that end the wait with WAIT_FAILED_STATE when reached without being a target
   * (default: FAILED, TERMINATED, DELETED, CANCELED, CANCELLED — states a resource does not leave).
   */
  failureStates?: readonly string[] | undefined;
}

const DEFAULTS = Object.freeze({ timeoutMs: 20 * 60_000, intervalMs: 1_000, maxIntervalMs: 30_000 });

/** Terminal states: a resource in one of them will not reach another. */
export const DEFAULT_FAILURE_STATES: readonly string[] = Object.freeze(["FAILED", "TERMINATED", "DELETED", "CANCELED", "CANCELLED"]);

/** States that mean "gone": waiting for one of them, a 404 counts as reached. */
const GONE_STATES: ReadonlySet<string> = new Set(["DELETED", "TERMINATED"]);

function stateOf(data: unknown): string | undefined {
  if (data === null || typeof data !== "object") return undefined;
  const record = data as { lifecycleState?: unknown; status?: unknown };
  const state = record.lifecycleState ?? record.status;
  return typeof state === "string" ? state : undefined;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a finite number of milliseconds ≥ 0, got ${String(value)}.`);
  return value;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * Polls `fn(client, params)` until `until(data)` holds, and resolves to that response. Rejects
 * with WaitError WAIT_TIMEOUT after `timeoutMs`, WAIT_FAILED_STATE when `failed(data)` holds,
 * the service's OciServiceError when a poll fails (retries are the client's, per poll), and
 * the signal's reason on abort.
 */
export function waitFor<P, T, C = Client>(fn: GetFunction<P, T, C>, client: C, params: P, options: WaitForOptions<T>): Promise<OciResponse<T>> {
  return poll(fn, client, params, options, { until: options.until, failed: options.failed, what: "the condition" }) as Promise<OciResponse<T>>;
}

/**
 * Polls until `data.lifecycleState` (or a work request's `status`) is one of `targetStates`.
 * A terminal state that is not a target rejects at once (WAIT_FAILED_STATE). Waiting for
 * DELETED or TERMINATED, a 404 means the resource is gone: the wait resolves to undefined,
 * as the OCI TypeScript SDK's waiters do.
 */
export function waitForState<P, T, C = Client>(
  fn: GetFunction<P, T, C>,
  client: C,
  params: P,
  targetStates: string | readonly string[],
  options: WaitForStateOptions = {},
): Promise<OciResponse<T> | undefined> {
  const targets = new Set(typeof targetStates === "string" ? [targetStates] : targetStates);
  if (targets.size === 0) throw new TypeError("waitForState: name at least one target state, e.g. \"RUNNING\".");
  const failures = (options.failureStates ?? DEFAULT_FAILURE_STATES).filter((s) => !targets.has(s));
  const wanted = [...targets].join(" or ");
  return poll(fn, client, params, options, {
    until: (data) => targets.has(stateOf(data) ?? ""),
    failed: (data) => failures.includes(stateOf(data) ?? ""),
    goneIsReached: [...targets].some((s) => GONE_STATES.has(s)),
    what: wanted,
  });
}

/** The shape of a work request (`status`, and `percentComplete` when the service reports it). */
export interface WorkRequestLike {
  status?: string | undefined;
  percentComplete?: number | undefined;
}

/** One entry of a work request's errors (ListWorkRequestErrors). */
export interface WorkRequestErrorLike {
  code?: string | undefined;
  message?: string | undefined;
}

export interface WaitForWorkRequestOptions<K extends string = "workRequestId"> extends WaitOptions {
  /**
   * The params key the id goes in: `workRequestId` (most of OCI's specs), or e.g.
   * `iamWorkRequestId` for identity's GetIamWorkRequest.
   */
  idParam?: K | undefined;
  /**
   * The service's ListWorkRequestErrors function (same params key): on FAILED or CANCELED its
   * messages go into the rejection.
   */
  listErrors?: GetFunction<Record<K, string>, readonly WorkRequestErrorLike[] | { items: readonly WorkRequestErrorLike[] }> | undefined;
}

/**
 * Polls a work request (`getWorkRequest(client, { workRequestId: id })`) until SUCCEEDED and
 * resolves to that response; FAILED or CANCELED reject with WaitError WAIT_FAILED_STATE,
 * carrying the work request's errors when `listErrors` is given.
 */
export async function waitForWorkRequest<T extends WorkRequestLike, K extends string = "workRequestId">(
  getWorkRequest: GetFunction<Record<K, string>, T>,
  client: Client,
  workRequestId: string,
  options: WaitForWorkRequestOptions<K> = {},
): Promise<OciResponse<T>> {
  if (typeof workRequestId !== "string" || workRequestId === "") throw new TypeError("waitForWorkRequest: workRequestId must be a non-empty string (the opc-work-request-id header).");
  const params = { [options.idParam ?? "workRequestId"]: workRequestId } as Record<K, string>;
  try {
    return (await poll(getWorkRequest, client, params, options, {
      until: (data) => data.status === "SUCCEEDED",
      failed: (data) => data.status === "FAILED" || data.status === "CANCELED" || data.status === "CANCELLED",
      what: "SUCCEEDED",
    })) as OciResponse<T>;
  } catch (error) {
    if (!(error instanceof WaitError) || error.code !== "WAIT_FAILED_STATE" || !options.listErrors) throw error;
    const detail = await workRequestErrors(options.listErrors, client, params, options);
    if (detail === undefined) throw error;
    throw new WaitError(`${error.message} Its errors: ${detail}`, {
      code: "WAIT_FAILED_STATE",
      lastState: error.lastState,
      elapsedMs: error.elapsedMs,
      polls: error.polls,
    });
  }
}

async function workRequestErrors<K extends string>(
  listErrors: NonNullable<WaitForWorkRequestOptions<K>["listErrors"]>,
  client: Client,
  params: Record<K, string>,
  options: WaitOptions,
): Promise<string | undefined> {
  try {
    const { data } = await listErrors(client, params, { ...options.callOptions, signal: options.signal });
    const items = Array.isArray(data) ? (data as readonly WorkRequestErrorLike[]) : (data as { items: readonly WorkRequestErrorLike[] }).items;
    if (!Array.isArray(items) || items.length === 0) return undefined;
    // Service text, quoted like OciServiceError's: redacted and bounded.
    const text = items.slice(0, 5).map((e) => `${e.code ?? "error"}: ${e.message ?? ""}`.trim()).join("; ");
    return redactSecrets(text.length > 500 ? `${text.slice(0, 500)}…` : text) + (items.length > 5 ? ` (and ${items.length - 5} more)` : "");
  } catch {
    return undefined; // the failure itself is the news; its errors are a bonus
  }
}

interface PollRule<T> {
  until: (data: T) => boolean;
  failed?: ((data: T) => boolean) | undefined;
  goneIsReached?: boolean;
  what: string;
}

async function poll<P, T, C>(fn: GetFunction<P, T, C>, client: C, params: P, options: WaitOptions, rule: PollRule<T>): Promise<OciResponse<T> | undefined> {
  if (typeof fn !== "function") throw new TypeError("the first argument must be a generated get function, e.g. getInstance.");
  const timeoutMs = positive("timeoutMs", options.timeoutMs, DEFAULTS.timeoutMs);
  const maxIntervalMs = positive("maxIntervalMs", options.maxIntervalMs, DEFAULTS.maxIntervalMs);
  let intervalMs = Math.min(positive("intervalMs", options.intervalMs, DEFAULTS.intervalMs), maxIntervalMs);
  const { signal } = options;
  const started = Date.now();
  let polls = 0;
  let lastState: string | undefined;
  const elapsed = (): number => Date.now() - started;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    let response: OciResponse<T>;
    try {
      response = await fn(client, params, { ...options.callOptions, signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (rule.goneIsReached && error instanceof OciServiceError && error.status === 404) return undefined;
      throw error;
    }
    polls++;
    lastState = stateOf(response.data) ?? lastState;
    if (rule.until(response.data)) return response;
    if (rule.failed?.(response.data)) {
      throw new WaitError(
        `Stopped waiting for ${rule.what}: the resource is ${lastState ?? "in a state it will not leave"} after ${seconds(elapsed())} (${polls} polls).`,
        { code: "WAIT_FAILED_STATE", lastState, elapsedMs: elapsed(), polls },
      );
    }
    const left = timeoutMs - elapsed();
    if (left <= 0) {
      throw new WaitError(
        `Timed out waiting for ${rule.what} after ${seconds(elapsed())} (${polls} polls; last state ${lastState ?? "unknown"}). ` +
          `Raise timeoutMs (now ${timeoutMs} ms) if it is still on its way.`,
        { code: "WAIT_TIMEOUT", lastState, elapsedMs: elapsed(), polls },
      );
    }
    // The last pause ends at the deadline, so the final poll comes just in time.
    await sleep(Math.min(intervalMs, left), signal);
    intervalMs = Math.min(intervalMs * 2, maxIntervalMs);
  }
}
