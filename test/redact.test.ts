/**
 * Outside text quoted in errors (runtime/redact.ts): whatever surrounds a secret-shaped value,
 * and wherever the length cap falls, the secret does not come through and the result is bounded.
 */
import assert from "node:assert/strict";
import "./support/fc-seed.js";
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

test(`a response validation error carries no response value, whatever the response (${RUNS} inputs)`, async () => {
  const { inspect } = await import("node:util");
  const z = await import("zod/mini");
  const { ResponseValidationError, validateResponse } = await import("../runtime/index.js");
  // A KMS decrypt answer, a secret bundle and a password field, each of which may be wrong.
  const schema = z.object({
    plaintext: z.string(),
    keyVersionId: z.number(),
    secretBundleContent: z.object({ contentType: z.literal("BASE64"), content: z.string() }),
    users: z.array(z.object({ pwd: z.boolean(), name: z.string() })),
  });
  // Every string in the response is a distinct secret; keys are the schema's, so paths name no value.
  const value = fc.string({ unit: fc.constantFrom(..."ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), minLength: 12, maxLength: 24 }).map((s) => `sEcReT${s}`);
  const anyLeaf = fc.oneof(value, fc.integer(), fc.boolean(), fc.constant(null), fc.array(value, { maxLength: 2 }));
  const response = fc.record(
    {
      plaintext: anyLeaf,
      keyVersionId: anyLeaf,
      secretBundleContent: fc.oneof(anyLeaf, fc.record({ contentType: fc.oneof(value, fc.constant("BASE64")), content: anyLeaf }, { requiredKeys: [] })),
      users: fc.oneof(anyLeaf, fc.array(fc.oneof(anyLeaf, fc.record({ pwd: anyLeaf, name: anyLeaf }, { requiredKeys: [] })), { maxLength: 3 })),
    },
    { requiredKeys: [] },
  );
  let failures = 0;
  fc.assert(
    fc.property(response, (data) => {
      try {
        validateResponse("strict", "Decrypt", () => schema, data, { warned: new Set(), onWarning: () => {} });
        return;
      } catch (error) {
        assert.ok(error instanceof ResponseValidationError, String(error));
        failures++;
        const told = [error.message, error.stack ?? "", inspect(error, { depth: 10 }), JSON.stringify(error), JSON.stringify(error.issues)].join("\n");
        for (const secret of JSON.stringify(data).match(/sEcReT[A-Z0-9]+/g) ?? []) assert.ok(!told.includes(secret), `${secret} in ${told}`);
      }
    }),
    { numRuns: RUNS },
  );
  assert.ok(failures > RUNS / 2, `only ${failures} of ${RUNS} responses were invalid`);
});
