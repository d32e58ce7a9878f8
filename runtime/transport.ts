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
