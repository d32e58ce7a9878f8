/**
 * Generated validators (`isUser` beside `UserSchema` in index.ts) answer exactly as the zod schemas they stand in for:
 * differential runs over this repo's generated clients and every snapshot fixture, a few
 * cases zod decides in ways that are easy to get wrong, and the runtime's use of them.
 * Oracle's own specs get the same differential run in codegen-oracle.test.ts.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ResponseValidationError, validateResponse, type ResponseSchema } from "oci-raw";
import { REPO_ROOT } from "./support/repo.js";
import * as composition from "./__snapshots__/codegen/composition/index.js";
import { compareWithZod } from "./support/validator-agreement.js";

const folders = [
  ...["identity", "objectstorage", "compute"].map((name) => join(REPO_ROOT, "generated", name)),
  ...readdirSync(join(REPO_ROOT, "test/__snapshots__/codegen")).map((name) => join(REPO_ROOT, "test/__snapshots__/codegen", name)),
];

describe("validators agree with zod", () => {
  for (const dir of folders) {
    test(dir.slice(REPO_ROOT.length + 1), async () => {
      const result = await compareWithZod(dir, { samples: 20, mutations: 10 });
      assert.deepEqual(result.disagreements, []);
      assert.ok(result.validators > 0);
      // Both answers are exercised: some values pass, most mutated ones fail.
      assert.ok(result.accepted > result.validators, `${result.accepted} of ${result.values} accepted`);
      assert.ok(result.accepted < result.values * 0.8, `${result.accepted} of ${result.values} accepted`);
    });
  }
});

describe("validators on cases zod decides its own way", () => {
  const tree = { name: "root", children: [{ name: "leaf" }] };
  const cases: Array<[string, unknown, (value: unknown) => boolean, () => ResponseSchema]> = [
    ["a recursive tree", tree, composition.isTreeNode, composition.TreeNodeSchema],
    ["a cycle broken by a wrong leaf", { name: "root", children: [{ name: 1 }] }, composition.isTreeNode, composition.TreeNodeSchema],
    ["an optional key that is inherited", Object.create({ parent: "not a tree" }) as unknown, composition.isForest, composition.ForestSchema],
    ["an array where an object is wanted", [], composition.isEverything, composition.EverythingSchema],
    ["a record with a class instance", { labels: new (class { a = "x"; })() }, composition.isEverything, composition.EverythingSchema],
    ["a record with a null prototype", { labels: Object.assign(Object.create(null) as object, { a: "x" }) }, composition.isEverything, composition.EverythingSchema],
    ["a record with a symbol key", { labels: { a: "x", [Symbol("s")]: "y" } }, composition.isEverything, composition.EverythingSchema],
    ["an own __proto__ key in a record", { labels: JSON.parse('{"__proto__": 1, "a": "x"}') as unknown }, composition.isEverything, composition.EverythingSchema],
    ["a catch-all value of the wrong type", { counted: { total: 1, other: "x" } }, composition.isEverything, composition.EverythingSchema],
    ["Infinity for a number", { level: Number.POSITIVE_INFINITY }, composition.isEverything, composition.EverythingSchema],
  ];
  for (const [what, value, check, schema] of cases) {
    test(what, () => {
      assert.equal(check(value), schema().safeParse(value).success);
    });
  }
  test("the cases include both answers", () => {
    const answers = new Set(cases.map(([, value, check]) => check(value)));
    assert.deepEqual([...answers].sort(), [false, true]);
  });
});

describe("the runtime asks the validator first", () => {
  const context = () => ({ warned: new Set<string>(), onWarning: () => {} });
  test("a valid response never builds the zod schema", () => {
    let built = 0;
    const schema = () => (built++, composition.ForestSchema());
    validateResponse("strict", "ListForest", schema, [{ name: "a" }], context(), composition.isForest);
    assert.equal(built, 0);
  });
  test("an invalid one is explained by zod, with the path", () => {
    assert.throws(
      () => validateResponse("strict", "ListForest", composition.ForestSchema, [{ name: 7 }], context(), composition.isForest),
      (error: unknown) => error instanceof ResponseValidationError && error.issues.some((issue) => issue.path === "$[0].name"),
    );
  });
  test("where the validator is stricter than zod, zod's yes stands", () => {
    // A validator that says no to everything: the runtime must then ask zod, and zod's yes
    // means no error in "strict" and no warning in "warn".
    let asked = 0;
    let built = 0;
    const stricter = (): boolean => (asked++, false);
    const schema = () => (built++, composition.ForestSchema());
    const data = [{ name: "a" }];
    assert.equal(schema().safeParse(data).success, true, "zod accepts the value");
    built = 0;
    assert.doesNotThrow(() => validateResponse("strict", "ListForest", schema, data, context(), stricter));
    const warnings: string[] = [];
    validateResponse("warn", "ListForest", schema, data, { warned: new Set<string>(), onWarning: (m) => warnings.push(m) }, stricter);
    assert.deepEqual(warnings, []);
    assert.equal(asked, 2, "the validator was asked first, each time");
    assert.equal(built, 2, "zod was asked after the validator's no, each time");
  });
});
