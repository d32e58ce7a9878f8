/**
 * Property names that every JavaScript object already has (`toString`, `constructor`,
 * `hasOwnProperty`, `valueOf`, `__proto__`…) break the libraries a spec passes through:
 * swagger2openapi calls `object.hasOwnProperty`, and openapi-typescript's resolver reads names
 * through plain objects — it fails on `valueOf`, and recurses without end on a `toString` that
 * is a `$ref` to a recursive schema. While a library holds the spec, such properties carry a
 * stand-in name (a prefix before the name); the names come back in what it returns.
 *
 * Renamed: the keys of every `properties` object, the entries of `required` lists, discriminator
 * property names and `…/properties/<name>` segments of `$ref`s. Whatever else is renamed by
 * mistake (a key of a properties map read as a schema) is renamed back the same way.
 */
import { isObject, walkObjects, type Json, type JsonObject } from "./json.js";

const PREFIX = "oci_raw_member_";

const isMember = (name: string): boolean => name in Object.prototype;
const hide = (name: string): string => (isMember(name) ? PREFIX + name : name);
const show = (name: string): string => (name.startsWith(PREFIX) && isMember(name.slice(PREFIX.length)) ? name.slice(PREFIX.length) : name);

/** Gives such properties of `doc` their stand-in names, in place; false (and nothing done) when it has none, or already uses the prefix. */
export function hideMemberNames(doc: JsonObject): boolean {
  let found = false;
  walkObjects(doc, (node) => void (found ||= isObject(node["properties"]) && Object.keys(node["properties"]).some(isMember)));
  if (!found || JSON.stringify(doc).includes(PREFIX)) return false;
  rename(doc, hide);
  return true;
}

/** Gives the properties of `doc` their names back, in place. */
export function showMemberNames(doc: Json): void {
  rename(doc, show);
}

/** The names back in text a library printed (a stand-in is an identifier, so it is printed bare or quoted as it is). */
export function showMemberNamesInText(text: string): string {
  return text.includes(PREFIX) ? text.replace(/oci_raw_member_(\w+)/g, (standIn: string) => show(standIn)) : text;
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
    if (typeof ref === "string" && ref.includes("/properties/")) node["$ref"] = ref.replace(/(?<=\/properties\/)[^/]+/g, to);
  });
}
