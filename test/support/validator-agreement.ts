/**
 * Differential check of a generated folder: every validator in its index.ts (`isUser`) must
 * answer exactly as `safeParse` of the schema of the same name (`UserSchema`), on sampled values and
 * on mutations of them (test/support/zod-samples.ts).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { mutate, sample, seeded } from "./zod-samples.js";

interface SafeParser {
  safeParse(value: unknown): { success: boolean };
}

export interface Agreement {
  /** Validators compared. */
  validators: number;
  /** Values compared, and how many of them zod accepted. */
  values: number;
  accepted: number;
  /** The first few disagreements, readable. */
  disagreements: string[];
}

/** Whether `value` is what JSON.parse could have returned. */
export function isJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return Object.keys(value).length === value.length && value.every(isJson);
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.getOwnPropertySymbols(value).length === 0 && Object.values(value).every(isJson);
}

export async function compareWithZod(dir: string, options: { seed?: number; samples?: number; mutations?: number } = {}): Promise<Agreement> {
  const module = (await import(pathToFileURL(join(dir, "index.ts")).href)) as Record<string, unknown>;
  const named = (pattern: RegExp) =>
    Object.fromEntries(Object.entries(module).flatMap(([key, value]) => (pattern.test(key) ? [[key.replace(pattern, "$1"), value]] : [])));
  const schemas = named(/^([A-Z_].*)Schema$/) as Record<string, () => SafeParser>;
  const validators = named(/^is([A-Z_].*)$/) as Record<string, (value: unknown) => boolean>;
  const random = seeded(options.seed ?? 1);
  const result: Agreement = { validators: 0, values: 0, accepted: 0, disagreements: [] };
  const names = Object.keys(validators).sort();
  if (names.join() !== Object.keys(schemas).sort().join()) {
    result.disagreements.push(`validators: ${names.join(", ")}; schemas: ${Object.keys(schemas).sort().join(", ")}`);
  }
  for (const name of names) {
    const schema = schemas[name]!();
    const check = validators[name]!;
    result.validators++;
    const compare = (value: unknown): void => {
      let zod: boolean;
      try {
        zod = schema.safeParse(value).success;
      } catch (error) {
        // zod throws ("Unmergable intersection") when the two sides of an intersection return
        // values it cannot merge — only possible for values no JSON text produces.
        if (isJson(value) && result.disagreements.length < 5) {
          result.disagreements.push(`${name}: zod threw ${String(error)} for JSON ${inspect(value, { depth: 6, breakLength: Infinity })}`);
        }
        return;
      }
      const ours = check(value);
      result.values++;
      if (zod) result.accepted++;
      if (zod !== ours && result.disagreements.length < 5) {
        result.disagreements.push(`${name}: zod says ${zod}, validator says ${ours} for ${inspect(value, { depth: 6, breakLength: Infinity })}`);
      }
    };
    for (let i = 0; i < (options.samples ?? 4); i++) {
      const value = sample(schema, random);
      compare(value);
      for (let j = 0; j < (options.mutations ?? 6); j++) compare(mutate(value, random));
    }
  }
  return result;
}
