/**
 * Response validation against a generated schema: "strict" throws, "warn" reports once per
 * operation and returns the data, "off" skips. The data returned is always the parsed body
 * itself, so validation never changes what the caller gets.
 */
import { ResponseValidationError, type ValidationIssue } from "./errors.js";
import type { ResponseSchema } from "./operation.js";

export type ValidationMode = "strict" | "warn" | "off";

const SECRET_KEY = /(secret|password|passphrase|pass_phrase|token|private|credential|content|key$)/i;

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

function valueAt(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = data;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** Show a value without ever showing a secret: values under secret-looking keys are redacted, long strings cut. */
export function redactValue(path: ReadonlyArray<PropertyKey>, value: unknown): unknown {
  if (path.some((p) => typeof p === "string" && SECRET_KEY.test(p))) return "[redacted]";
  if (typeof value === "string") return value.length > 120 ? `${value.slice(0, 120)}…` : value;
  if (value !== null && typeof value === "object") return Array.isArray(value) ? `[array(${value.length})]` : "[object]";
  return value;
}

/** The issues of a failed validation, or undefined when the data matches. */
export function validationIssues(schema: ResponseSchema, data: unknown): ValidationIssue[] | undefined {
  const result = schema.safeParse(data);
  if (result.success) return undefined;
  return result.error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    value: redactValue(issue.path, valueAt(data, issue.path)),
  }));
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
