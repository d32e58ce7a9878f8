/**
 * Property names the libraries a spec passes through cannot take, given stand-ins while they
 * hold it:
 * - names every JavaScript object already has (`toString`, `constructor`, `hasOwnProperty`,
 *   `valueOf`, `__proto__`…): swagger2openapi calls `object.hasOwnProperty`, and
 *   openapi-typescript's resolver reads names through plain objects (it fails on `valueOf`,
 *   and recurses without end on a `toString` that is a `$ref` to a recursive schema);
 * - names with a "%" that starts no percent escape: openapi-typescript decodes the paths it
 *   builds for nested properties ("URI malformed").
 * A stand-in is an identifier (`oci_raw_name_3_`); the names come back in what the library
 * returns: the document, or the text it printed.
 *
 * Renamed: the keys of every `properties` object, the entries of `required` lists, discriminator
 * property names and `…/properties/<name>` segments of `$ref`s. Whatever else is renamed by
 * mistake (a key of a properties map read as a schema) is renamed back the same way; a `$ref`
 * segment comes back as its name escaped anew (`%` as `%25`), which resolves to the same place.
 */
import { isPercentEncoded, pointerOf, segmentsOf } from "./errors.js";
import { isObject, walkObjects, type Json, type JsonObject } from "./json.js";

const STAND_IN = /("?)oci_raw_name_(\d+)_\1/g;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const needsStandIn = (name: string): boolean => name in Object.prototype || !isPercentEncoded(name);

export interface StandIns {
  /** Gives the properties of `doc` their names back, in place. */
  show(doc: Json): void;
  /** The names back in text a library printed: as a property key, bare when it can be; inside a string literal, as one. */
  showInText(text: string): string;
  /** The names back in a JSON pointer, as its segments. */
  showInPointer(pointer: string): string;
}

/** What hides nothing shows nothing. */
const NONE: StandIns = { show: () => undefined, showInText: (text) => text, showInPointer: (pointer) => pointer };

/**
 * Gives such properties of `doc` their stand-ins, in place; nothing is done (and nothing shown)
 * when it has none, or already uses the stand-ins' form.
 */
export function hideNames(doc: JsonObject): StandIns {
  let found = false;
  walkObjects(doc, (node) => void (found ||= isObject(node["properties"]) && Object.keys(node["properties"]).some(needsStandIn)));
  if (!found || JSON.stringify(doc).includes("oci_raw_name_")) return NONE;
  const names: string[] = [];
  const standIns = new Map<string, string>();
  const hide = (name: string): string => {
    if (!needsStandIn(name)) return name;
    let standIn = standIns.get(name);
    if (standIn === undefined) {
      standIn = `oci_raw_name_${names.length}_`;
      standIns.set(name, standIn);
      names.push(name);
    }
    return standIn;
  };
  const nameOf = (text: string): string => text.replace(STAND_IN, (match, _quote: string, index: string) => names[Number(index)] ?? match);
  rename(doc, hide);
  return {
    show: (target) => rename(target, nameOf),
    showInText: (text) =>
      text.replace(STAND_IN, (match, quote: string, index: string) => {
        const name = names[Number(index)];
        if (name === undefined) return match;
        return quote === "" && IDENTIFIER.test(name) ? name : JSON.stringify(name);
      }),
    showInPointer: (pointer) => pointer.replace(/oci_raw_name_(\d+)_/g, (match, index: string) => (index in names ? pointerOf([names[Number(index)]!]).slice(1) : match)),
  };
}

function rename(doc: Json, to: (name: string) => string): void {
  walkObjects(doc, (node) => {
    const properties = node["properties"];
    if (isObject(properties) && Object.keys(properties).some((key) => to(key) !== key)) {
      const entries = Object.entries(properties);
      for (const [key] of entries) delete properties[key];
      // Defined, not assigned: "__proto__" stays a key.
      for (const [key, value] of entries) Object.defineProperty(properties, to(key), { value, enumerable: true, writable: true, configurable: true });
    }
    const required = node["required"];
    if (Array.isArray(required)) required.forEach((entry, i) => typeof entry === "string" && (required[i] = to(entry)));
    const discriminator = node["discriminator"];
    if (typeof discriminator === "string") node["discriminator"] = to(discriminator);
    else if (isObject(discriminator) && typeof discriminator["propertyName"] === "string") discriminator["propertyName"] = to(discriminator["propertyName"]);
    const ref = node["$ref"];
    if (typeof ref === "string" && ref.includes("/properties/")) {
      node["$ref"] = ref.replace(/(?<=\/properties\/)[^/]+/g, (segment) => {
        const name = segmentsOf(`/${segment}`)[0]!;
        const renamed = to(name);
        // As a pointer segment in a URI fragment: JSON pointer escapes, then "%" as %25.
        return renamed === name ? segment : pointerOf([renamed]).slice(1).replace(/%/g, "%25");
      });
    }
  });
}
