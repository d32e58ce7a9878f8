/** Helpers shared by the in-memory services: query parameters, pagination, body fields. */
import { createHash } from "node:crypto";
import { invalidParameter, missingParameter } from "../errors.js";

export const DEFAULT_PAGE_SIZE = 100;

export function requireQuery(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value === "") throw missingParameter(name);
  return value;
}

/** `limit` as OCI validates it: an integer from 1 to `max`; absent → `fallback` (default `DEFAULT_PAGE_SIZE`). */
export function pageLimit(url: URL, max: number, fallback = DEFAULT_PAGE_SIZE): number {
  const raw = url.searchParams.get("limit");
  if (raw === null) return Math.min(fallback, max);
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > max) {
    throw invalidParameter(`The parameter 'limit' must be an integer from 1 to ${max}, got '${raw}'.`);
  }
  return limit;
}

// Page tokens are opaque to clients; inside they are a scope (which listing) and an offset.
export function encodePageToken(scope: string, offset: number): string {
  return Buffer.from(`${scope}\n${offset}`, "utf8").toString("base64url");
}

function decodePageToken(scope: string, token: string): number {
  const [tokenScope, offset] = Buffer.from(token, "base64url").toString("utf8").split("\n");
  if (tokenScope !== scope || offset === undefined || !/^\d+$/.test(offset)) {
    throw invalidParameter("The parameter 'page' is not a page token from this listing.");
  }
  return Number(offset);
}

/** One page of `items` plus the `opc-next-page` header when more remain. */
export function paginate<T>(
  url: URL,
  scope: string,
  items: readonly T[],
  maxLimit: number,
): { readonly page: T[]; readonly headers: Record<string, string> } {
  const limit = pageLimit(url, maxLimit);
  const token = url.searchParams.get("page");
  const start = token === null || token === "" ? 0 : decodePageToken(scope, token);
  const page = items.slice(start, start + limit);
  const next = start + limit;
  return { page, headers: next < items.length ? { "opc-next-page": encodePageToken(scope, next) } : {} };
}

export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidParameter(`${what} must be a JSON object.`);
  return value as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null || value === "") throw invalidParameter(`The field '${name}' is required.`);
  if (typeof value !== "string") throw invalidParameter(`The field '${name}' must be a string.`);
  return value;
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParameter(`The field '${name}' must be a string.`);
  return value;
}

export function optionalTags(body: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = body[name];
  if (value === undefined || value === null) return {};
  return asObject(value, `The field '${name}'`);
}

/** A strong etag for a JSON-able value. */
export function etagOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);
}
