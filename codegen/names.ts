/**
 * Identifiers for generated code: camelCase / PascalCase from spec names, derived operation
 * names, and deterministic disambiguation of collisions and reserved words.
 */

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "as implements interface let package private protected public static yield await async of type " +
    "arguments eval undefined NaN Infinity Object Function Array String Number Boolean Symbol Promise Error Date " +
    "Map Set Record Partial Required Readonly Pick Omit"
  ).split(" "),
);

/** Splits `opc-request-id`, `ListUsers`, `user_name`, `HTTPServer`, `v2Items` into words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * `opc-request-id` → `opcRequestId`, `ListUsers` → `listUsers`, `compartmentId` stays.
 * A name that is already an identifier keeps its inner capitals (`getVNIC` stays readable).
 */
export function camelCase(name: string): string {
  let out: string;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !name.includes("_")) {
    out = name.charAt(0).toLowerCase() + name.slice(1);
    // A leading acronym (`VCNs`, `URLPath`) reads better fully lower-cased up to the next word.
    const acronym = /^([A-Z]+)([A-Z][a-z]|$)/.exec(name);
    if (acronym && acronym[1]!.length > 1) out = acronym[1]!.toLowerCase() + name.slice(acronym[1]!.length);
  } else {
    const parts = words(name);
    out = parts.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : capitalise(w))).join("");
  }
  if (out === "") out = "value";
  if (/^[0-9]/.test(out)) out = "_" + out;
  return out;
}

/** `list-users` → `ListUsers`, `User` stays, `user.details` → `UserDetails`. */
export function pascalCase(name: string): string {
  let out: string;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !name.includes("_")) out = capitalise(name);
  else out = words(name).map(capitalise).join("");
  if (out === "") out = "Value";
  if (/^[0-9]/.test(out)) out = "_" + out;
  return out;
}

export function isReserved(name: string): boolean {
  return RESERVED.has(name);
}

/** A valid identifier that is not a reserved word: `delete` → `delete_`. */
export function safeIdentifier(name: string): string {
  return isReserved(name) ? `${name}_` : name;
}

/** Can `name` be written as a bare property key (`{ name: … }`) rather than quoted? */
export function isIdentifierName(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name);
}

/**
 * A stable name for an operation without operationId, from its method and path:
 * `GET /users/{userId}/apiKeys/` → `GetUsersByUserIdApiKeys`.
 */
export function deriveOperationId(method: string, path: string): string {
  const parts = path
    .split("/")
    .filter((s) => s !== "")
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? "By" + pascalCase(param[1]!) : pascalCase(segment);
    });
  return pascalCase(method.toLowerCase()) + (parts.length ? parts.join("") : "Root");
}

/**
 * Hands out unique names in a scope. The first claimant of a name keeps it; later ones get
 * `fallback(name, attempt)` — so the outcome depends only on the order of claims, which the
 * generator keeps in spec order.
 */
export class NameScope {
  private readonly taken = new Set<string>();
  private readonly avoidKeywords: boolean;

  /** `avoidKeywords: false` for property keys, where `default` or `delete` are fine. */
  constructor(reserved: Iterable<string> = [], options: { avoidKeywords?: boolean } = {}) {
    for (const name of reserved) this.taken.add(name);
    this.avoidKeywords = options.avoidKeywords ?? true;
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** Claims `wanted`, or the first free `${wanted}${suffix}`, `${wanted}${suffix}2`, … */
  claim(wanted: string, suffix = "_"): string {
    let name = wanted;
    const unavailable = (n: string): boolean => this.taken.has(n) || (this.avoidKeywords && isReserved(n));
    if (unavailable(name)) {
      name = `${wanted}${suffix}`;
      for (let i = 2; unavailable(name); i++) name = `${wanted}${suffix}${i}`;
    }
    this.taken.add(name);
    return name;
  }
}
