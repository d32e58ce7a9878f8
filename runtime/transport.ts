/**
 * The one transport option shape (DECISIONS.md 1): everything that sends HTTP takes an
 * optional `fetch` (default `globalThis.fetch`) and an optional `dispatcher`, which is handed
 * to `fetch` in its init (Node's fetch and undici's both read it). A dispatcher made with the
 * `undici` package must go with that package's own `fetch`: see `oci-raw/undici`.
 */

/** The subset of the fetch signature the runtime uses. */
export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Default: `globalThis.fetch`. */
  fetch?: FetchFunction | undefined;
  /** An undici Dispatcher (Agent, ProxyAgent, …), passed through in the fetch init. */
  dispatcher?: unknown;
}

/** fetch with the transport's dispatcher applied. */
export function transportFetch(transport: TransportOptions, url: string | URL, init: RequestInit): Promise<Response> {
  const fetchFn = transport.fetch ?? globalThis.fetch;
  if (transport.dispatcher === undefined) return fetchFn(url, init);
  return fetchFn(url, { ...init, dispatcher: transport.dispatcher } as RequestInit);
}

/** One line on why a fetch failed without a response: the cause's code and message (fetch's own is just "fetch failed"). */
export function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  // fetch's own refusal, before any connection: its two words alone read like a server fault.
  if (message === "bad port") {
    return "the port is one fetch never connects to (the Fetch standard's blocked ports, e.g. 6000, 6665-6669, 10080); use another port";
  }
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * `process.env` where there is a process (Node, Bun, Deno), else nothing: this module is also
 * the web entry's, whose declarations must type-check without @types/node.
 */
function processEnv(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/** The proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY, or lower case) a transport would honour; undefined when no proxy is set. */
export function proxyFromEnvironment(
  env: Readonly<Record<string, string | undefined>> = processEnv(),
): { httpsProxy?: string; httpProxy?: string; noProxy?: string } | undefined {
  const httpsProxy = env["HTTPS_PROXY"] || env["https_proxy"];
  const httpProxy = env["HTTP_PROXY"] || env["http_proxy"];
  if (!httpsProxy && !httpProxy) return undefined;
  const noProxy = env["NO_PROXY"] || env["no_proxy"];
  return { ...(httpsProxy ? { httpsProxy } : {}), ...(httpProxy ? { httpProxy } : {}), ...(noProxy ? { noProxy } : {}) };
}

/**
 * `url` with any `user:password@` replaced by `<redacted>@`, for error messages. Text that does
 * not parse as a URL loses everything from `//` to its last `@` before any `?` or `#` (a
 * password may hold a `/`, which ends the authority for the parser).
 */
export function redactUserinfo(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^?#]*@/i, "$1<redacted>@");
  }
  if (parsed.username === "" && parsed.password === "") return url;
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace("//", "//<redacted>@");
}
