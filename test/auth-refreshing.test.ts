/**
 * The one refresh mechanism (RefreshingCredentials) with a fake clock and a counting source,
 * plus JWT decoding and the tenancy lookup in certificate subjects.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync, X509Certificate, type KeyObject } from "node:crypto";
import { after, describe, test } from "node:test";
import { AuthError } from "../runtime/errors.js";
import {
  RefreshingCredentials,
  SessionKeySupplier,
  decodeJwtPayload,
  jwtExpiresAt,
  tenancyFromCertificate,
  type ExpiringCredentials,
} from "../runtime/auth/index.js";
import { createTestCa, issueCertificate } from "../emulator/index.js";
import { watchProcess } from "./support/hygiene.js";

const hygiene = watchProcess();
after(() => {
  hygiene.assertNoUnhandledRejections();
});

const key: KeyObject = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;

/** A source whose answers the test controls: each call waits for `release()`. */
function controlledSource(now: () => number, lifetimeMs: number) {
  let calls = 0;
  let failNext = 0;
  const waiting: Array<() => void> = [];
  return {
    get calls() {
      return calls;
    },
    failNext(n: number) {
      failNext = n;
    },
    release() {
      for (const resolve of waiting.splice(0)) resolve();
    },
    fetch: async (): Promise<ExpiringCredentials> => {
      calls += 1;
      const n = calls;
      await new Promise<void>((resolve) => waiting.push(resolve));
      if (failNext > 0) {
        failNext -= 1;
        throw new AuthError("federation down");
      }
      return { keyId: `ST$token-${n}`, privateKey: key, expiresAt: now() + lifetimeMs };
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("RefreshingCredentials", () => {
  test("concurrent callers share one refresh; the value is held until the refresh window", async () => {
    let clock = 1_000_000;
    const source = controlledSource(() => clock, 20 * 60_000);
    const creds = new RefreshingCredentials({ fetchCredentials: source.fetch, now: () => clock, refreshWindowMs: 5 * 60_000 });
    const all = Array.from({ length: 100 }, () => creds.credentials());
    await settle();
    assert.equal(source.calls, 1);
    source.release();
    const values = await Promise.all(all);
    assert.ok(values.every((v) => v === values[0]), "one immutable value for everyone");
    assert.equal(values[0]!.keyId, "ST$token-1");
    assert.ok(Object.isFrozen(values[0]));

    clock += 14 * 60_000; // 6 minutes left: still fresh
    assert.equal((await creds.credentials()).keyId, "ST$token-1");
    assert.equal(source.calls, 1);
  });

  test("inside the window: the current value is served while one background refresh runs", async () => {
    let clock = 0;
    const source = controlledSource(() => clock, 20 * 60_000);
    const creds = new RefreshingCredentials({ fetchCredentials: source.fetch, now: () => clock, refreshWindowMs: 5 * 60_000 });
    const first = creds.credentials();
    await settle();
    source.release();
    await first;

    clock = 16 * 60_000; // 4 minutes left: inside the window, more than half of it left
    const served = await Promise.all(Array.from({ length: 10 }, () => creds.credentials()));
    assert.ok(served.every((v) => v.keyId === "ST$token-1"));
    await settle();
    assert.equal(source.calls, 2, "exactly one background refresh");
    source.release();
    await settle();
    assert.equal((await creds.credentials()).keyId, "ST$token-2");
  });

  test("a failed background refresh is swallowed (no unhandled rejection) and retried later", async () => {
    let clock = 0;
    const source = controlledSource(() => clock, 20 * 60_000);
    const creds = new RefreshingCredentials({ fetchCredentials: source.fetch, now: () => clock, refreshWindowMs: 5 * 60_000 });
    const first = creds.credentials();
    await settle();
    source.release();
    await first;

    clock = 16 * 60_000;
    source.failNext(1);
    assert.equal((await creds.credentials()).keyId, "ST$token-1");
    await settle();
    source.release();
    await settle();
    assert.equal(source.calls, 2);
    // Right after the failure no new background attempt; a second later there is one.
    assert.equal((await creds.credentials()).keyId, "ST$token-1");
    assert.equal(source.calls, 2);
    clock += 1500;
    assert.equal((await creds.credentials()).keyId, "ST$token-1");
    await settle();
    assert.equal(source.calls, 3);
    source.release();
    await settle();
    assert.equal((await creds.credentials()).keyId, "ST$token-3");
  });

  test("past half the window (or expired) callers wait; a failed refresh rejects them and clears itself", async () => {
    let clock = 0;
    const source = controlledSource(() => clock, 20 * 60_000);
    const creds = new RefreshingCredentials({ fetchCredentials: source.fetch, now: () => clock, refreshWindowMs: 5 * 60_000 });
    const first = creds.credentials();
    await settle();
    source.release();
    await first;

    clock = 19 * 60_000; // 1 minute left: less than half the window
    source.failNext(1);
    const waiting = [creds.credentials(), creds.credentials()];
    await settle();
    assert.equal(source.calls, 2);
    source.release();
    for (const p of waiting) await assert.rejects(p, /federation down/);

    const retry = creds.credentials();
    await settle();
    assert.equal(source.calls, 3, "the next call tries again");
    source.release();
    assert.equal((await retry).keyId, "ST$token-3");
  });

  test("refresh() forces a new value and joins one already running", async () => {
    let clock = 0;
    const source = controlledSource(() => clock, 20 * 60_000);
    const creds = new RefreshingCredentials({ fetchCredentials: source.fetch, now: () => clock });
    const a = creds.refresh();
    const b = creds.refresh();
    const c = creds.credentials();
    await settle();
    assert.equal(source.calls, 1);
    source.release();
    const [va, vb, vc] = await Promise.all([a, b, c]);
    assert.equal(va, vb);
    assert.equal(vb, vc);
    const d = creds.refresh();
    await settle();
    assert.equal(source.calls, 2);
    source.release();
    assert.equal((await d).keyId, "ST$token-2");
  });

  test("short-lived credentials use half their lifetime as the window", async () => {
    let clock = 0;
    const source = controlledSource(() => clock, 60_000); // lives 1 minute, window 5 minutes
    const creds = new RefreshingCredentials({ fetchCredentials: source.fetch, now: () => clock });
    const first = creds.credentials();
    await settle();
    source.release();
    await first;
    clock = 20_000;
    await creds.credentials();
    await settle();
    assert.equal(source.calls, 1, "still fresh at a third of its life");
  });

  test("a source answering nonsense is an AuthError", async () => {
    const creds = new RefreshingCredentials({
      fetchCredentials: async () => ({ keyId: "", privateKey: key, expiresAt: 1 }),
    });
    await assert.rejects(creds.credentials(), AuthError);
  });
});

describe("SessionKeySupplier", () => {
  test("refresh() makes a new pair and returns it; keyPair() is stable until then", async () => {
    const supplier = new SessionKeySupplier({ keySize: 1024 });
    const a = await supplier.keyPair();
    assert.equal(await supplier.keyPair(), a);
    const b = await supplier.refresh();
    assert.notEqual(a, b);
    assert.equal(await supplier.keyPair(), b);
    assert.match(b.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(b.privateKey.asymmetricKeyDetails?.modulusLength, 1024);
    // generate() does not change the current pair until use().
    const c = await supplier.generate();
    assert.equal(await supplier.keyPair(), b);
    supplier.use(c);
    assert.equal(await supplier.keyPair(), c);
    assert.throws(() => new SessionKeySupplier({ keySize: 512 }), /at least 1024/);
  });
});

describe("jwt", () => {
  const jwt = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;

  test("reads claims and exp without verifying", () => {
    assert.deepEqual(decodeJwtPayload(jwt({ exp: 1700000000, res_tenant: "t" })), { exp: 1700000000, res_tenant: "t" });
    assert.equal(jwtExpiresAt(jwt({ exp: 1700000000 })), 1_700_000_000_000);
  });

  test("garbage is a clear AuthError that does not quote the token", () => {
    for (const bad of ["not-a-token", "a.b", "a.!!!.c", `x.${Buffer.from("[1]").toString("base64url")}.y`]) {
      assert.throws(
        () => decodeJwtPayload(bad),
        (err: unknown) => err instanceof AuthError && err.code === "TOKEN_NOT_JWT" && !err.message.includes(bad),
      );
    }
    assert.throws(() => jwtExpiresAt(jwt({ sub: "x" })), (err: unknown) => err instanceof AuthError && err.code === "TOKEN_NO_EXPIRY");
  });
});

describe("tenancyFromCertificate", () => {
  test("finds opc-tenant: or opc-identity: in whichever subject attribute carries it", async () => {
    const ca = await createTestCa({ modulusLength: 1024 });
    const cases: Array<[Array<{ shortName: string; value: string }>, string | undefined]> = [
      [[{ shortName: "CN", value: "x" }, { shortName: "OU", value: "opc-instance:i" }, { shortName: "OU", value: "opc-tenant:ocid1.tenancy.oc1..aaa" }], "ocid1.tenancy.oc1..aaa"],
      [[{ shortName: "O", value: "opc-identity:ocid1.tenancy.oc1..bbb" }], "ocid1.tenancy.oc1..bbb"],
      [[{ shortName: "CN", value: "opc-tenant:ocid1.tenancy.oc1..ccc" }], "ocid1.tenancy.oc1..ccc"],
      [[{ shortName: "CN", value: "nothing here" }], undefined],
    ];
    for (const [subject, expected] of cases) {
      const issued = await issueCertificate({ ca, subject, modulusLength: 1024 });
      assert.equal(tenancyFromCertificate(new X509Certificate(issued.certificatePem)), expected);
    }
  });
});
