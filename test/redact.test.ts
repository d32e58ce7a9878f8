/**
 * Outside text quoted in errors (runtime/redact.ts): whatever surrounds a secret-shaped value,
 * and wherever the length cap falls, the secret does not come through and the result is bounded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { quotedText, redactSecrets } from "../runtime/redact.js";

const RUNS = 2_000;
const base64url = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), minLength: 16, maxLength: 200 });

/** A secret as a service might echo it, and the part of it that must not come through. */
const secret = fc.oneof(
  fc.tuple(base64url, base64url, base64url).map(([a, b, c]) => ({ text: `ST$eyJ${a}.${b}.${c}`, hidden: `${a}.${b}` })),
  fc.tuple(base64url, base64url).map(([a, b]) => ({ text: `eyJ${a}.${b}.sig`, hidden: `${a}.${b}` })),
  base64url.map((s) => ({ text: `Signature version="1",keyId="k",signature="${s}"`, hidden: s })),
  base64url.map((s) => ({ text: `Authorization: Bearer ${s}`, hidden: s })),
  base64url.map((s) => ({ text: `-----BEGIN RSA PRIVATE KEY-----\n${s}\n-----END RSA PRIVATE KEY-----`, hidden: s })),
);
// Text around it: anything but characters that could join the secret into a longer token.
const around = fc.string({ maxLength: 300 }).map((s) => s.replace(/[A-Za-z0-9_$.=-]+$/, "").concat(" "));

test(`a secret-shaped value never comes through quotedText, whatever surrounds it and wherever the cap falls (${RUNS} inputs)`, () => {
  fc.assert(
    fc.property(around, secret, around, fc.integer({ min: 10, max: 2_000 }), (before, { text, hidden }, after, max) => {
      const quoted = quotedText(" " + before + text + " " + after, max);
      assert.ok(!quoted.includes(hidden), quoted);
      assert.ok(quoted.length <= max + 40, `${quoted.length} > ${max}`);
    }),
    { numRuns: RUNS },
  );
});

test("text without secrets is left as it is", () => {
  const plain = 'Authorization failed or requested resource not found. keyId="ocid1.tenancy.oc1..aaa/ocid1.user.oc1..bbb/12:34"';
  assert.equal(redactSecrets(plain), plain);
  assert.equal(quotedText(plain, 1000), plain);
});
