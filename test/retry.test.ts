import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  backoffDelayMs,
  decideRetry,
  defaultRetryStrategy,
  isRetryable,
  noRetry,
  parseRetryAfter,
  retryStrategy,
  sleep,
  type RetryAttempt,
} from "../runtime/retry.js";

const get = (over: Partial<RetryAttempt> = {}): RetryAttempt => ({ attempt: 1, method: "GET", hasRetryToken: false, ...over });

describe("retry policy (pure)", () => {
  test("defaults are the OCI SDKs': 8 attempts, 30 s cap, full jitter", () => {
    assert.equal(defaultRetryStrategy.maxAttempts, 8);
    assert.equal(defaultRetryStrategy.maxDelayMs, 30_000);
    assert.equal(defaultRetryStrategy.jitter, "full");
    assert.equal(noRetry.maxAttempts, 1);
    assert.ok(Object.isFrozen(defaultRetryStrategy) && Object.isFrozen(noRetry));
    assert.equal(retryStrategy({ maxAttempts: 4 }).maxAttempts, 4);
  });

  test("which answers are retried", () => {
    const table: Array<[Partial<RetryAttempt>, boolean]> = [
      [{ status: 429 }, true],
      [{ status: 500 }, true],
      [{ status: 502 }, true],
      [{ status: 503 }, true],
      [{ status: 504 }, true],
      [{ status: 501 }, false],
      [{ status: 400 }, false],
      [{ status: 401 }, false],
      [{ status: 404 }, false],
      [{ status: 409, errorCode: "IncorrectState" }, true],
      [{ status: 409, errorCode: "LockConflict" }, true],
      [{ status: 409, errorCode: "Conflict" }, false],
      [{ status: 409 }, false],
      [{ status: 200 }, false],
      // Network failures: only those another attempt can get past (the code may sit a few causes down).
      [{ error: new TypeError("fetch failed", { cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) }) }, true],
      [{ error: new Error("x", { cause: new TypeError("fetch failed", { cause: { code: "UND_ERR_SOCKET" } }) }) }, true],
      [{ error: Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" }) }, true],
      [{ error: Object.assign(new Error("timed out"), { code: "REQUEST_TIMEOUT" }) }, true],
      [{ error: Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }) }, false],
      [{ error: new TypeError("fetch failed", { cause: { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" } }) }, false],
      [{ error: new TypeError("fetch failed", { cause: { code: "ERR_TLS_CERT_ALTNAME_INVALID" } }) }, false],
      [{ error: new TypeError("fetch failed") }, false],
      [{ method: "POST", status: 503 }, false],
      [{ method: "PATCH", status: 429 }, false],
      [{ method: "POST", status: 503, hasRetryToken: true }, true],
      [{ method: "POST", error: new Error("reset"), hasRetryToken: false }, false],
      [{ method: "PUT", status: 503 }, true],
      [{ method: "DELETE", status: 503 }, true],
    ];
    for (const [over, expected] of table) assert.equal(isRetryable(get(over)), expected, JSON.stringify(over));
  });

  test("retry-after: seconds or HTTP date, never negative", () => {
    const now = Date.parse("Thu, 05 Jan 2014 21:31:40 GMT");
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter(" 0 ", now), 0);
    assert.equal(parseRetryAfter("Thu, 05 Jan 2014 21:31:45 GMT", now), 5000);
    assert.equal(parseRetryAfter("Thu, 05 Jan 2014 21:31:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  test("exponential backoff, capped; full jitter draws within [0, backoff)", () => {
    const exact = retryStrategy({ baseDelayMs: 100, maxDelayMs: 1000, jitter: "none" });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(exact, n)), [100, 200, 400, 800, 1000, 1000]);
    const jittered = retryStrategy({ baseDelayMs: 100, maxDelayMs: 1000 });
    assert.equal(backoffDelayMs(jittered, 3, () => 0), 0);
    assert.equal(backoffDelayMs(jittered, 3, () => 0.5), 200);
    assert.equal(backoffDelayMs(jittered, 10, () => 0.999), 999);
  });

  test("decideRetry: budget, retry-after replaces backoff (capped), custom policy", () => {
    const strategy = retryStrategy({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 5000, jitter: "none" });
    assert.deepEqual(decideRetry(strategy, get({ attempt: 1, status: 503 })), { retry: true, delayMs: 100 });
    assert.deepEqual(decideRetry(strategy, get({ attempt: 2, status: 503 })), { retry: true, delayMs: 200 });
    assert.deepEqual(decideRetry(strategy, get({ attempt: 3, status: 503 })), { retry: false });
    assert.deepEqual(decideRetry(strategy, get({ status: 429, retryAfter: "2" })), { retry: true, delayMs: 2000 });
    assert.deepEqual(decideRetry(strategy, get({ status: 429, retryAfter: "60" })), { retry: true, delayMs: 5000 });
    assert.deepEqual(decideRetry(noRetry, get({ status: 503 })), { retry: false });
    const only404 = retryStrategy({ shouldRetry: (a) => a.status === 404, jitter: false, baseDelayMs: 1 });
    assert.deepEqual(decideRetry(only404, get({ status: 404 })), { retry: true, delayMs: 1 });
    assert.deepEqual(decideRetry(only404, get({ status: 503 })), { retry: false });
  });

  test("bad options are TypeErrors", () => {
    assert.throws(() => retryStrategy({ maxAttempts: 0 }), TypeError);
    assert.throws(() => retryStrategy({ maxAttempts: 1.5 }), TypeError);
    assert.throws(() => retryStrategy({ baseDelayMs: -1 }), TypeError);
    assert.throws(() => retryStrategy({ maxDelayMs: Number.NaN }), TypeError);
  });

  test("sleep rejects promptly with the signal's reason and leaves no timer", async () => {
    const controller = new AbortController();
    const reason = new Error("stop now");
    const waiting = sleep(60_000, controller.signal);
    setImmediate(() => controller.abort(reason));
    await assert.rejects(waiting, (err) => err === reason);
    await assert.rejects(sleep(10, AbortSignal.abort(reason)), (err) => err === reason);
    await sleep(1);
  });
});
