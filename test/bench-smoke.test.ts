/**
 * Keeps the benchmark code from rotting: every figure runs with tiny iteration counts and must
 * produce finite numbers. No timing is asserted. The only acceptable skip is a figure that
 * needs Oracle's specs when the sibling ../shared checkout is absent.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { FIGURES } from "../bench/figures/index.js";
import { markdownTable } from "../bench/lib/report.js";
import { ORACLE_SPECS } from "../bench/lib/paths.js";
import { runFigures } from "../bench/run.js";

test("every benchmark figure produces finite figures in a smoke run", { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const figures = await runFigures({ smoke: true, log: (l) => lines.push(l) });
  assert.deepEqual(figures.map((f) => f.id), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(figures.map((f) => f.id), FIGURES.map((f) => f.id));
  const specsPresent = existsSync(ORACLE_SPECS);
  for (const figure of figures) {
    if (figure.skipped !== undefined) {
      assert.ok(!specsPresent && figure.skipped.includes("oci-specs"), `figure ${figure.id} skipped: ${figure.skipped}\n${lines.join("\n")}`);
      continue;
    }
    assert.ok(figure.rows.length > 0, `figure ${figure.id} has rows`);
    for (const row of figure.rows) {
      assert.ok(Number.isFinite(row.value.median), `${figure.id} ${row.measure}: median ${row.value.median}`);
      assert.ok(row.value.median >= 0, `${figure.id} ${row.measure}: median ${row.value.median} >= 0`);
      assert.notEqual(row.detail, "", `${figure.id} ${row.measure} says what was measured`);
    }
  }
  const table = markdownTable(figures);
  assert.match(table, /\| 1\. Signing \| GET, 2048-bit: ApiKeySigner\.sign ÷ bare/);
  assert.match(table, /\|  \| listUsers \(100 users\), validation strict ÷ signedFetch \+ json\(\) \|/);
  assert.match(table, /\| 3\. Token refresh under load \| federation calls during 50 concurrent requests across expiry \| 1 calls /);
});
