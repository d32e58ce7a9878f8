/**
 * Keeps the benchmark code from rotting: every figure runs with tiny iteration counts and must
 * produce finite numbers (or say clearly why it was skipped). No timing is asserted.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runFigures } from "../bench/run.js";
import { markdownTable } from "../bench/lib/report.js";

test("every benchmark figure produces finite figures in a smoke run", { timeout: 60_000 }, async () => {
  const lines: string[] = [];
  const figures = await runFigures({ smoke: true, log: (l) => lines.push(l) });
  assert.deepEqual(figures.map((f) => f.id), [1]);
  for (const figure of figures) {
    assert.equal(figure.skipped, undefined, `figure ${figure.id} skipped: ${figure.skipped}\n${lines.join("\n")}`);
    assert.ok(figure.rows.length > 0, `figure ${figure.id} has rows`);
    for (const row of figure.rows) {
      assert.ok(Number.isFinite(row.value.median), `${figure.id} ${row.measure}: median ${row.value.median}`);
      assert.ok(row.value.median > 0, `${figure.id} ${row.measure}: median ${row.value.median} > 0`);
    }
  }
  const table = markdownTable(figures);
  assert.match(table, /\| 1\. Signing \| GET, 2048-bit: ApiKeySigner\.sign ÷ bare/);
});
