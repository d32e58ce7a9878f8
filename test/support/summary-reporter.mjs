/**
 * The test runner's reporter for `npm test` and `npm run test:unit`
 * (`node --test --test-reporter=./test/support/summary-reporter.ts …`): one line per test file
 * as it finishes (pass/fail counts, seconds), then every failure in full — the test's path of
 * names, its location, the error with its stack, the file's diagnostics and its output — then
 * the totals. Passing tests print nothing of their own: TAP's ~2 500 lines hid the one that
 * mattered. The runner sets the exit code on failures; this reporter also fails a run in
 * which no test file ran, so that an empty file list can never pass.
 *
 * Written against Node 20's events: each file is a test named by its path (nesting 0), whose
 * `test:complete` closes the file; tests inside it also start at nesting 0. A file that fails
 * on its own (it does not load, or exits non-zero) gets a `test:fail` under its own name.
 *
 * Plain JavaScript (type-checked through JSDoc with `// @ts-check`): Node 20 loads a reporter
 * before `--import tsx` takes effect, so a .ts reporter fails with ERR_UNKNOWN_FILE_EXTENSION.
 */
// @ts-check
import { relative } from "node:path";
import { inspect } from "node:util";

/** @typedef {import("node:test/reporters").TestEvent} TestEvent */
/**
 * @typedef {object} Failure
 * @property {string[]} names Suite and test names, outermost first.
 * @property {string} location
 * @property {unknown} error
 */
/**
 * @typedef {object} Counts
 * @property {number} passed
 * @property {number} failed
 * @property {number} skipped
 * @property {number} todo
 */
/**
 * @typedef {Counts & { open: string[]; failures: Failure[]; diagnostics: string[]; output: string[]; skippedNames: string[] }} FileState
 * `open`: the name of the test started at each nesting level (a failure's path).
 * `skippedNames`: printed under the file's line, so a skip says why (a runtime that could not be installed).
 */

/** How many lines of a failing file's own stdout/stderr to show (its end says most). */
const OUTPUT_LINES = 60;

/** @returns {FileState} */
function newFile() {
  return { passed: 0, failed: 0, skipped: 0, todo: 0, open: [], failures: [], diagnostics: [], output: [], skippedNames: [] };
}

/** @param {string | undefined} file */
function shown(file) {
  return file === undefined ? "(no file)" : relative(process.cwd(), file);
}

/** @param {number} n @param {string} word */
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** @param {Counts} s */
function counts(s) {
  const parts = [`${s.passed} passed`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  if (s.todo) parts.push(`${s.todo} todo`);
  return parts.join(", ");
}

/**
 * The runner wraps what a test threw in an ERR_TEST_FAILURE whose `cause` is the real error
 * (an AssertionError with its diff, a timeout's message): show the cause's stack without the
 * runner's own frames, its extra properties (an assertion's actual, expected and operator)
 * and its own causes. A file that failed on its own gets its exit code or signal.
 * @param {unknown} error
 * @returns {string}
 */
function describeError(error) {
  if (error instanceof Error && "exitCode" in error && typeof error.cause === "string") {
    const { exitCode, signal } = /** @type {{ exitCode: unknown; signal: unknown }} */ (/** @type {unknown} */ (error));
    return signal ? `the file's process was killed by ${String(signal)}` : `the file's process exited with code ${String(exitCode)}`;
  }
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (!(cause instanceof Error)) return String(cause);
  const stack = (cause.stack ?? String(cause)).split("\n").filter((line) => !/^\s+at .*node:internal\//.test(line));
  const extra = Object.entries(cause).filter(([key]) => key !== "generatedMessage");
  if (extra.length) stack.push(inspect(Object.fromEntries(extra), { depth: 4 }));
  if (cause.cause !== undefined) stack.push(`caused by: ${describeError(cause.cause)}`);
  return stack.join("\n");
}

/**
 * Where in the test file the error was thrown (its stack's first frame in that file), which
 * says more than where the test was declared — and under tsx the runner's declaration line and
 * column are those of the transpiled code, while stack frames are source-mapped.
 * @param {string | undefined} file
 * @param {unknown} error
 * @returns {string | undefined}
 */
function failingLine(file, error) {
  const cause = error instanceof Error ? error.cause : undefined;
  if (file === undefined || !(cause instanceof Error) || !cause.stack) return undefined;
  for (const line of cause.stack.split("\n")) {
    const match = /\(?(?:file:\/\/)?([^\s()]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (match && match[1] === file) return `${shown(file)}:${match[2]}:${match[3]}`;
  }
  return undefined;
}

function indent(/** @type {string} */ text, prefix = "    ") {
  return text.split("\n").map((line) => (line ? prefix + line : line)).join("\n");
}

/** @param {string} file @param {FileState} state */
function failureReport(file, state) {
  /** @type {string[]} */
  const lines = [];
  for (const failure of state.failures) {
    lines.push(`✖ ${[shown(file), ...failure.names].join(" › ")}`, `    at ${failure.location}`, indent(describeError(failure.error)), "");
  }
  if (state.diagnostics.length) lines.push(`  diagnostics of ${shown(file)}:`, indent(state.diagnostics.join("\n")), "");
  const output = state.output.join("").trimEnd().split("\n");
  if (output.length && output[0] !== "") {
    const cut = output.length > OUTPUT_LINES ? [`(last ${OUTPUT_LINES} of ${output.length} lines)`] : [];
    lines.push(`  output of ${shown(file)}:`, indent([...cut, ...output.slice(-OUTPUT_LINES)].join("\n")), "");
  }
  return lines.join("\n");
}

/**
 * @param {AsyncIterable<TestEvent>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* summaryReporter(source) {
  /** @type {Map<string, FileState>} */
  const files = new Map();
  /** @type {(file: string | undefined) => FileState} */
  const state = (file) => {
    const key = file ?? "";
    let s = files.get(key);
    if (!s) files.set(key, (s = newFile()));
    return s;
  };
  /** @type {Array<{ file: string; state: FileState; seconds: number }>} */
  const finished = [];
  const started = performance.now();

  for await (const event of source) {
    switch (event.type) {
      case "test:start": {
        const { file, name, nesting } = event.data;
        if (name === file) break;
        const s = state(file);
        s.open.length = nesting;
        s.open.push(name);
        break;
      }
      case "test:pass":
      case "test:fail": {
        const { data } = event;
        const s = state(data.file);
        // A suite's result is its tests' results, counted already.
        if (data.details.type === "suite") break;
        // The file's own result: taken from its test:complete, which comes first.
        if (data.name === data.file) break;
        if (data.skip !== undefined && data.skip !== false) {
          s.skipped++;
          s.skippedNames.push(typeof data.skip === "string" ? `${data.name} (${data.skip})` : data.name);
        }
        else if (data.todo !== undefined && data.todo !== false) s.todo++;
        else if (event.type === "test:pass") s.passed++;
        else {
          s.failed++;
          s.failures.push({
            names: [...s.open.slice(0, data.nesting), data.name],
            location: failingLine(data.file, "error" in data.details ? data.details.error : undefined) ?? `${shown(data.file)}:${data.line ?? "?"}:${data.column ?? "?"}`,
            error: "error" in data.details ? data.details.error : undefined,
          });
        }
        break;
      }
      case "test:diagnostic":
        // Diagnostics without a file are the runner's own totals, which we print our way.
        if (event.data.file !== undefined) state(event.data.file).diagnostics.push(event.data.message);
        break;
      case "test:stdout":
      case "test:stderr":
        state(event.data.file).output.push(event.data.message);
        break;
      case "test:complete": {
        const { data } = event;
        if (data.name !== data.file || data.file === undefined) break;
        const s = state(data.file);
        if (!data.details.passed && s.failed === 0) {
          // The file failed though none of its tests did (it did not load, exited non-zero, …):
          // its exit code and what it printed say why.
          s.failed++;
          s.failures.push({ names: ["(the file itself)"], location: shown(data.file), error: data.details.error });
        }
        const seconds = data.details.duration_ms / 1000;
        finished.push({ file: data.file, state: s, seconds });
        yield `${s.failed ? "✖" : "✔"} ${shown(data.file).padEnd(40)} ${counts(s).padEnd(30)} ${seconds.toFixed(1).padStart(6)} s\n`;
        for (const name of s.skippedNames) yield `    skipped: ${name}\n`;
        break;
      }
      default:
        break;
    }
  }

  const failing = finished.filter((f) => f.state.failed > 0);
  if (failing.length) {
    yield `\nFailures (${plural(failing.length, "file")}):\n\n`;
    for (const f of failing) yield failureReport(f.file, f.state) + "\n";
  }
  const total = finished.reduce(
    (t, f) => ({ passed: t.passed + f.state.passed, failed: t.failed + f.state.failed, skipped: t.skipped + f.state.skipped, todo: t.todo + f.state.todo }),
    { passed: 0, failed: 0, skipped: 0, todo: 0 },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (finished.length === 0) {
    process.exitCode = 1;
    yield `✖ no test file ran (is the file list empty?) — ${seconds} s\n`;
    return;
  }
  yield `\n${failing.length ? "✖" : "✔"} ${plural(finished.length, "file")}: ${counts(total)} — ${seconds} s\n`;
}
