/**
 * Values for differential tests of generated validators against zod: `sample` walks a zod
 * schema's definition (not the generator's model, so it shares no code with what it tests) and
 * builds a value that mostly fits; `mutate` then breaks one spot of it — a wrong type, a
 * missing key, an odd key, or a value JSON cannot hold — so both answers get exercised.
 * Seeded, so a failure names a reproducible case.
 */

interface ZodLike {
  _zod: { def: { type: string; [key: string]: unknown } };
}

export type Random = () => number;

/** mulberry32: small, fast, seedable. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Values of every JSON kind and a few no JSON text produces (a validator may be handed anything). */
function oddValues(): unknown[] {
  const nullProto = Object.create(null) as Record<string, unknown>;
  nullProto["a"] = "x";
  const withSymbol = { a: "x", [Symbol("k")]: 1 };
  const inherited = Object.create({ inheritedKey: "x" }) as object;
  class Thing {
    a = "x";
  }
  return [
    null, 0, -1, 1.5, "", "x", true, false, {}, [], { a: 1 }, [1, "x"], { constructor: "x" },
    // Not NaN: zod throws ("Unmergable intersection") when both sides of an intersection hold it.
    Number.POSITIVE_INFINITY, undefined, nullProto, withSymbol, inherited, new Thing(), new Date(0), new Map(),
    // eslint-disable-next-line no-sparse-arrays
    [, "x"],
  ];
}
const ODD = oddValues();

function def(schema: unknown): ZodLike["_zod"]["def"] {
  return (schema as ZodLike)._zod.def;
}

function randomJson(random: Random, depth: number): unknown {
  const kinds = depth > 2 ? ["string", "number", "boolean", "null"] : ["string", "number", "boolean", "null", "object", "array"];
  switch (pick(random, kinds)) {
    case "string":
      return pick(random, ["", "x", "ACTIVE", "ocid1.user.oc1..aaaa"]);
    case "number":
      return pick(random, [0, 1, -3, 2.5, 1e6]);
    case "boolean":
      return random() < 0.5;
    case "null":
      return null;
    case "object":
      return { k: randomJson(random, depth + 1) };
    default:
      return [randomJson(random, depth + 1)];
  }
}

/** A value that mostly satisfies `schema`; deep recursion ends in the smallest choices. */
export function sample(schema: unknown, random: Random, depth = 0): unknown {
  const d = def(schema);
  const deep = depth > 6;
  switch (d.type) {
    case "string":
      return pick(random, ["", "x", "AVAILABLE", "2026-11-26T06:00:00.000Z"]);
    case "number":
      return pick(random, [0, 7, -2, 0.5, 1234567]);
    case "boolean":
      return random() < 0.5;
    case "null":
      return null;
    case "unknown":
      return randomJson(random, deep ? 3 : 0);
    case "never":
      return undefined;
    case "literal":
      return pick(random, d["values"] as unknown[]);
    case "nullable":
      return deep || random() < 0.2 ? null : sample(d["innerType"], random, depth + 1);
    case "optional":
      return sample(d["innerType"], random, depth + 1);
    case "lazy":
      return sample((d["getter"] as () => unknown)(), random, depth + 1);
    case "pipe":
      // The generated pipes only copy the value's own properties before the object check.
      return sample(d["out"], random, depth + 1);
    case "union":
      return sample(pick(random, d["options"] as unknown[]), random, depth + 1);
    case "intersection": {
      const left = sample(d["left"], random, depth + 1);
      const right = sample(d["right"], random, depth + 1);
      const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
      return isPlain(left) && isPlain(right) ? { ...right, ...left, ...Object.fromEntries(Object.entries(right).filter(([k]) => !(k in left))) } : left;
    }
    case "array": {
      const n = deep ? 0 : Math.floor(random() * 3);
      return Array.from({ length: n }, () => sample(d["element"], random, depth + 1));
    }
    case "record": {
      const n = deep ? 0 : Math.floor(random() * 3);
      return Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, sample(d["valueType"], random, depth + 1)]));
    }
    case "object": {
      const out: Record<string, unknown> = {};
      const shape = d["shape"] as Record<string, unknown>;
      for (const key of Object.keys(shape)) {
        const optional = def(shape[key]).type === "optional";
        if (optional && (deep || random() < 0.5)) continue;
        // Defined, not assigned: a key "__proto__" stays a key.
        Object.defineProperty(out, key, { value: sample(shape[key], random, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      const catchall = d["catchall"];
      if (catchall !== undefined && random() < 0.3) out["extraKey"] = sample(catchall, random, depth + 1);
      return out;
    }
    default:
      throw new Error(`zod-samples: no sample for zod type "${d.type}"`);
  }
}

/** Every spot of a value: a container and a key in it (arrays by index). */
function spots(value: unknown, into: Array<[Record<string, unknown> | unknown[], string | number]> = []): typeof into {
  if (Array.isArray(value)) value.forEach((item, i) => (into.push([value, i]), spots(item, into)));
  else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value)) {
      into.push([value as Record<string, unknown>, key]);
      spots((value as Record<string, unknown>)[key], into);
    }
  }
  return into;
}

/** A copy of `value` with one spot broken (or the whole value swapped when it has no spots). */
export function mutate(value: unknown, random: Random): unknown {
  const copy = structuredClone(value);
  const all = spots(copy);
  if (all.length === 0) return pick(random, ODD);
  const [container, key] = pick(random, all);
  const action = random();
  if (action < 0.15 && !Array.isArray(container)) delete container[key as string];
  else if (action < 0.25 && !Array.isArray(container)) container[pick(random, ["toString", "__proto__", "constructor", "unexpected"])] = pick(random, ODD);
  else if (Array.isArray(container)) container[key as number] = pick(random, ODD);
  else container[key as string] = pick(random, ODD);
  return copy;
}
