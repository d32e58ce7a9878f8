/**
 * Response validation against a generated schema: "strict" throws, "warn" reports once per
 * operation and returns the data, "off" skips. The data returned is always the parsed body
 * itself, so validation never changes what the caller gets.
 */
import { ResponseValidationError, type ValidationIssue } from "./errors.js";
import type { ResponseSchema, SchemaIssue } from "./operation.js";

export type ValidationMode = "strict" | "warn" | "off";

/** `$`, `$.items[3].name` — a JSON path readers can paste into jq. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "$";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && /^[A-Za-z_$][\w$]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

/** The JSON type of what is at `path` in `data` (`missing` when its key is absent): never the value. */
function receivedAt(data: unknown, path: ReadonlyArray<PropertyKey>): string {
  let current: unknown = data;
  for (const part of path) {
    if (current === null || typeof current !== "object" || !Object.prototype.hasOwnProperty.call(current, part)) return "missing";
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  if (current === null) return "null";
  if (Array.isArray(current)) return "array";
  return current === undefined ? "missing" : typeof current;
}

/** Whether an option of a union was ruled out by a value its schema fixes (a discriminator, a literal) rather than by a wrong field. */
function ruledOutByValue(option: ReadonlyArray<SchemaIssue>): boolean {
  return option.some((inner) => inner.path.length <= 1 && (inner.code === "invalid_value" || inner.code === "custom"));
}

/**
 * The issue that explains a failed union best: among the options not ruled out by a fixed
 * value (for a discriminated union, the subtype its discriminator names), the one with the
 * fewest issues, followed down to its own first issue. A union that fails at its own level
 * has no better one.
 */
function explain(issue: SchemaIssue): SchemaIssue {
  if (issue.code !== "invalid_union" || !issue.errors || issue.errors.length === 0) return issue;
  const failed = issue.errors.filter((option) => option.length > 0);
  if (failed.length === 0 || failed.some((option) => option.every((inner) => inner.path.length === 0))) return issue;
  const candidates = failed.filter((option) => !ruledOutByValue(option));
  const options = candidates.length > 0 ? candidates : failed;
  const closest = options.reduce((best, option) => (option.length < best.length ? option : best));
  const inner = explain(closest[0]!);
  return { ...inner, path: [...issue.path, ...inner.path] };
}

/** What the schema wanted, in words: from the issue's own fields, never from the data. */
function expectedOf(issue: SchemaIssue): string {
  if (issue.code === "invalid_type" && issue.expected) return issue.expected === "nonoptional" ? "a value" : issue.expected;
  if (issue.code === "invalid_value" && issue.values) return issue.values.map((value) => JSON.stringify(value)).join(" or ");
  if (issue.code === "invalid_union" && issue.errors) {
    const wanted = new Set(issue.errors.flatMap((option) => option.filter((inner) => inner.path.length === 0).map(expectedOf)));
    if (wanted.size > 0) return [...wanted].join(" or ");
  }
  if (issue.code === "custom") return "another value";
  return "a valid value";
}

/** The issues of a failed validation, or undefined when the data matches. */
export function validationIssues(schema: ResponseSchema, data: unknown): ValidationIssue[] | undefined {
  const result = schema.safeParse(data);
  if (result.success) return undefined;
  return result.error.issues.map((found) => {
    const issue = explain(found);
    const expected = expectedOf(issue);
    const received = receivedAt(data, issue.path);
    return { path: formatPath(issue.path), expected, received, message: `expected ${expected}, received ${received}` };
  });
}

/**
 * Validate `data` per `mode`. `isValid`, the generated plain check, answers first; the zod
 * schema is built and run only when it says no (or is missing). `warned` is the caller-owned
 * set of operations already warned about (it lives in the client, never in module state).
 */
export function validateResponse(
  mode: ValidationMode,
  operation: string,
  schema: (() => ResponseSchema) | undefined,
  data: unknown,
  context: { opcRequestId?: string | undefined; warned: Set<string>; onWarning: (message: string) => void },
  isValid?: ((data: unknown) => boolean) | undefined,
): void {
  // Once an operation was warned about, "warn" has nothing more to say about it: skip the work.
  if (mode === "off" || schema === undefined || (mode === "warn" && context.warned.has(operation))) return;
  if (isValid?.(data) === true) return;
  const issues = validationIssues(schema(), data);
  if (!issues) return;
  const error = new ResponseValidationError({ operation, issues, opcRequestId: context.opcRequestId });
  if (mode === "strict") throw error;
  // "warn" returned above for an operation already warned about.
  context.warned.add(operation);
  context.onWarning(error.message);
}
