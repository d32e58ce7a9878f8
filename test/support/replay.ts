/**
 * Replaying recorded OCI traffic (../shared/oci-recorded/responses.json) through generated
 * clients: a loopback server that answers with one recorded response at a time and keeps
 * what it received, the mapping from a recorded request to a generated function's params
 * (from the codegen model, so it follows the spec and not these recordings), and the
 * comparisons of what was sent with what was recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BODY_KEY, type OperationModel, type ParamModel } from "../../codegen/model.js";

/** One entry of responses.json (its SOURCES.md describes the fields). */
export interface RecordedEntry {
  service: string;
  operationId: string;
  method: string;
  uri: string;
  pathParams: Record<string, string>;
  query: Record<string, string | string[]>;
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  source: string;
  recorded: string;
  expect: "accept" | "reject";
}

/** A request as the replay server received it. */
export interface ReceivedRequest {
  method: string;
  /** The request target as sent: raw path plus query. */
  target: string;
  body: string;
}

/** The recorded response headers the server sends back (the ones the recordings keep). */
const REPLAYED_HEADERS = ["content-type", "opc-request-id", "etag", "opc-next-page"];

export interface ReplayServer {
  readonly url: string;
  /** Runs `call` while the server answers every request with `entry`'s response; returns what it received. */
  replay<T>(entry: RecordedEntry, call: () => Promise<T>): Promise<{ received: ReceivedRequest[]; outcome: PromiseSettledResult<T> }>;
  close(): Promise<void>;
}

export async function startReplayServer(): Promise<ReplayServer> {
  let current: RecordedEntry | undefined;
  let received: ReceivedRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ method: request.method ?? "", target: request.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
      if (current === undefined) {
        response.writeHead(500, { "content-type": "text/plain" }).end("no recorded entry is being replayed");
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = current.responseHeaders[name];
        if (value !== undefined) headers[name] = value;
      }
      response.writeHead(current.status, headers).end(current.responseBody);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async replay(entry, call) {
      current = entry;
      received = [];
      try {
        const [outcome] = await Promise.allSettled([call()]);
        return { received, outcome: outcome! };
      } finally {
        current = undefined;
      }
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** The params object for `op`'s generated function, from what the recording shows. */
export interface MappedParams {
  params: Record<string, unknown>;
  /** Recorded parts that have no place in the operation (a harness or recording problem). */
  problems: string[];
  /** Required header parameters the recording does not show, given placeholder values. */
  placeholders: string[];
}

/** Placeholder for a required header the recording does not show; the replay server reads no request header. */
export const HEADER_PLACEHOLDER = "replay-placeholder";

function schemaType(schema: unknown): string | undefined {
  return schema !== null && typeof schema === "object" && typeof (schema as { type?: unknown }).type === "string"
    ? (schema as { type: string }).type
    : undefined;
}

/** A recorded query string value as a caller would pass it, by the parameter's schema type. */
function scalar(schema: unknown, text: string): unknown {
  const type = schemaType(schema);
  if (type === "integer" || type === "number") {
    const number = Number(text);
    return text.trim() !== "" && String(number) === text ? number : text; // keep the text when a number would not round-trip
  }
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function itemsOf(schema: unknown): unknown {
  return schema !== null && typeof schema === "object" ? (schema as { items?: unknown }).items : undefined;
}

/** A recorded query value in the shape the generated function takes for this serialisation. */
function queryValue(param: ParamModel, raw: string | string[]): unknown {
  const values = Array.isArray(raw) ? raw : [raw];
  const items = itemsOf(param.schema);
  switch (param.serialisation) {
    case "multi":
      return values.map((v) => scalar(items, v));
    case "csv":
      return values.flatMap((v) => v.split(",")).map((v) => scalar(items, v));
    case "ssv":
      return values.flatMap((v) => v.split(" ")).map((v) => scalar(items, v));
    case "pipes":
      return values.flatMap((v) => v.split("|")).map((v) => scalar(items, v));
    case "json":
      return JSON.parse(values[0]!);
    default:
      return values.length === 1 ? scalar(param.schema, values[0]!) : values.map((v) => scalar(param.schema, v));
  }
}

/** Maps a recording's path parameters, query and body to `op`'s params keys (from the codegen model). */
export function paramsFor(op: OperationModel, entry: RecordedEntry): MappedParams {
  const params: Record<string, unknown> = {};
  const problems: string[] = [];
  const placeholders: string[] = [];
  const byLocation = (location: ParamModel["in"], name: string) => op.params.find((p) => p.in === location && p.name === name);

  for (const [name, value] of Object.entries(entry.pathParams)) {
    const param = byLocation("path", name);
    if (param) params[param.key] = value;
    else problems.push(`path parameter ${name} is not in the spec's ${op.path}`);
  }
  for (const [name, value] of Object.entries(entry.query)) {
    const param = byLocation("query", name);
    if (param) params[param.key] = queryValue(param, value);
    else problems.push(`query parameter ${name} is not in the spec`);
  }
  for (const param of op.params) {
    if (!param.required || params[param.key] !== undefined) continue;
    if (param.in === "header") {
      // The recordings keep no request headers; a required one gets a harmless value the
      // replay server ignores. (None of the recorded operations has one today.)
      params[param.key] = param.serialisation === "headerCollection" ? {} : HEADER_PLACEHOLDER;
      placeholders.push(param.name);
    } else {
      problems.push(`required ${param.in} parameter ${param.name} is not in the recording`);
    }
  }
  if (entry.requestBody !== null && entry.requestBody !== undefined) {
    if (op.body) params[BODY_KEY] = entry.requestBody;
    else problems.push("the recording has a request body; the spec's operation takes none");
  } else if (op.body?.required) {
    problems.push("the spec requires a request body; the recording has none");
  }
  return { params, problems, placeholders };
}

function segments(path: string): string[] {
  return path.split("/");
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // compared raw: a bad escape shows up as a difference
  }
}

export type PathComparison = "same" | "encoding" | "trailing-slash" | "different";

/**
 * Recorded path against sent path, segment by segment: "same" byte for byte, "encoding" when
 * only the percent-encoding differs, "trailing-slash" when the decoded segments differ only by a
 * trailing "/", else "different".
 */
export function comparePaths(recorded: string, sent: string): PathComparison {
  if (recorded === sent) return "same";
  const a = segments(recorded).map(decodeSegment);
  const b = segments(sent).map(decodeSegment);
  const equal = (x: string[], y: string[]) => x.length === y.length && x.every((s, i) => s === y[i]);
  if (equal(a, b)) return "encoding";
  const trim = (x: string[]) => (x.length > 1 && x[x.length - 1] === "" ? x.slice(0, -1) : x);
  return equal(trim(a), trim(b)) ? "trailing-slash" : "different";
}

/** Decoded query pairs, sorted: the order of parameters and their spelling do not matter. */
export function queryPairs(search: string): string[] {
  return [...new URLSearchParams(search)].map(([k, v]) => `${k}=${v}`).sort();
}

/** `$.items[3].name` → `$.items[].name`: one line per property, however many array elements. */
export function genericPath(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/** The value a runtime JSON path (`$`, `$.a[3]["x-y"]`, see runtime formatPath) points at; `resolved` false when its parent does not exist. */
export function valueAtPath(data: unknown, path: string): { resolved: boolean; value: unknown } {
  if (!path.startsWith("$")) return { resolved: false, value: undefined };
  const token = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  const parts: Array<string | number> = [];
  token.lastIndex = 1;
  while (token.lastIndex < path.length) {
    const start = token.lastIndex;
    const match = token.exec(path);
    if (!match || match.index !== start) return { resolved: false, value: undefined };
    parts.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : (JSON.parse(match[3]!) as string)));
  }
  let current: unknown = data;
  for (let i = 0; i < parts.length; i++) {
    if (current === null || typeof current !== "object") return { resolved: false, value: undefined };
    const part = parts[i]!;
    const own = Object.prototype.hasOwnProperty.call(current, part);
    if (!own && i < parts.length - 1) return { resolved: false, value: undefined };
    current = own ? (current as Record<string | number, unknown>)[part] : undefined;
  }
  return { resolved: true, value: current };
}

/**
 * String values of a response body that a message must not repeat: longer than 8 characters
 * and not also a property name somewhere in the body (values can be secrets: passwords, keys).
 */
export function revealingStrings(body: unknown): string[] {
  const values = new Set<string>();
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node === "string") values.add(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        keys.add(key);
        walk(value);
      }
    }
  };
  walk(body);
  return [...values].filter((v) => v.length > 8 && !keys.has(v));
}

/** What a value at an issue's path is, for grouping failures: null, missing, or its type. */
export function describeValue(found: { resolved: boolean; value: unknown }): string {
  if (!found.resolved) return "path not in the body";
  if (found.value === null) return "null";
  if (found.value === undefined) return "missing";
  return Array.isArray(found.value) ? "array" : typeof found.value;
}
