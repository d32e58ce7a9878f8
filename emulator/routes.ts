/**
 * Routes: what a handler receives, what it returns, and how patterns match paths.
 * A handler is a function from request to response; helpers build the responses.
 */
import type { IncomingHttpHeaders } from "node:http";
import { invalidParameter } from "./errors.js";
import type { Principal, VerifyPolicy } from "./verify.js";

export interface EmulatorRequest {
  /** Upper-case method, e.g. "GET". */
  readonly method: string;
  /** The request URL, parsed against the emulator's origin. */
  readonly url: URL;
  /** The request target exactly as received (path plus query). */
  readonly target: string;
  /** Path placeholders (`{name}`) or named groups of a RegExp pattern, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Alternating names and values exactly as received (for `verifyRequestSignature`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** Who signed the request; undefined on routes that do not verify signatures. */
  readonly principal: Principal | undefined;
  /** The emulator clock when the request arrived. */
  readonly now: Date;
  /** The body parsed as JSON; a 400 InvalidParameter answer when it is not JSON. */
  json(): unknown;
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export type RouteHandler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface RouteOptions {
  /** Signature checks for this route: true (default), false (none, e.g. IMDS) or a policy. */
  readonly verify?: boolean | VerifyPolicy;
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: RouteHandler;
  readonly options: RouteOptions;
}

export function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): EmulatorResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function bytes(
  status: number,
  body: Uint8Array | string,
  headers: Readonly<Record<string, string>> = {},
): EmulatorResponse {
  return { status, headers: { "content-type": "application/octet-stream", ...headers }, body };
}

export function empty(status: number, headers: Readonly<Record<string, string>> = {}): EmulatorResponse {
  return { status, headers };
}

export function ociError(
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): EmulatorResponse {
  return json(status, { code, message }, headers);
}

const ESCAPE = /[.*+?^$()|[\]\\]/g;

/**
 * Compiles `/20160918/users/{userId}` into a RegExp over the raw (encoded) path. `{name}`
 * matches one segment, `{name+}` the rest of the path (object names may contain "/"). A
 * trailing slash is optional, since OCI's specs spell collection paths both ways.
 */
export function compilePattern(pattern: string): RegExp {
  if (!pattern.startsWith("/")) throw new TypeError(`route pattern must start with "/": ${pattern}`);
  const trimmed = pattern.length > 1 && pattern.endsWith("/") ? pattern.slice(0, -1) : pattern;
  let source = "";
  let last = 0;
  for (const match of trimmed.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}/g)) {
    source += trimmed.slice(last, match.index).replace(ESCAPE, "\\$&");
    source += match[2] === "+" ? `(?<${match[1]}>.+)` : `(?<${match[1]}>[^/]+)`;
    last = match.index + match[0].length;
  }
  source += trimmed.slice(last).replace(ESCAPE, "\\$&");
  return new RegExp(`^${source === "/" ? "" : source}/?$`);
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, pattern: string | RegExp, handler: RouteHandler, options: RouteOptions = {}): void {
    if (typeof handler !== "function") throw new TypeError("route: handler must be a function");
    const compiled = typeof pattern === "string" ? compilePattern(pattern) : pattern;
    this.#routes.push({ method: method.toUpperCase(), pattern: compiled, handler, options });
  }

  /** The first route for this method and raw path, with its decoded parameters. */
  match(method: string, rawPath: string): RouteMatch | undefined {
    for (const route of this.#routes) {
      if (route.method !== method && route.method !== "*") continue;
      const found = route.pattern.exec(rawPath);
      if (found === null) continue;
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(found.groups ?? {})) {
        if (value === undefined) continue;
        try {
          params[name] = decodeURIComponent(value);
        } catch {
          throw invalidParameter(`The path parameter '${name}' is not valid percent-encoding.`);
        }
      }
      return { route, params };
    }
    return undefined;
  }
}
