/**
 * `oci-raw/undici`: transports for what the platform fetch cannot do — a custom CA bundle
 * (federation `caBundle`, the config's `cert_bundle`, an OKE cluster CA), an explicit proxy,
 * or the HTTPS_PROXY / HTTP_PROXY / NO_PROXY environment. Each returns `{ fetch, dispatcher }`
 * from the `undici` package itself: a dispatcher must go with the fetch of the same undici
 * (DECISIONS.md 1). Pass both to signedFetch, createClient or an auth provider.
 *
 * Only this module imports undici; the main entry never does.
 */
import { Agent, EnvHttpProxyAgent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from "undici";
import type { FetchFunction } from "./transport.js";

// Reading the variables needs no undici; it lives in transport.ts so the CLI can check them cheaply.
export { proxyFromEnvironment } from "./transport.js";

export type CaBundle = string | Buffer | ReadonlyArray<string | Buffer>;

export interface UndiciTransportOptions {
  /** PEM certificate(s) to trust instead of Node's default CA list. */
  ca?: CaBundle | undefined;
  /** A proxy URL (`http://proxy:3128`); HTTPS targets go through a CONNECT tunnel. */
  proxy?: string | undefined;
  /** Maximum connections per origin. */
  connections?: number | undefined;
  /** Default true. `false` turns TLS verification off: only for throwaway test setups. */
  rejectUnauthorized?: boolean | undefined;
  /** Give up connecting (TCP and TLS) after this long (undici's default: 10 000). */
  connectTimeoutMs?: number | undefined;
  /** Give up when the response's headers, or the next piece of its body, take longer than this (undici's default: 300 000). */
  readTimeoutMs?: number | undefined;
}

export interface UndiciTransport {
  readonly fetch: FetchFunction;
  readonly dispatcher: Dispatcher;
  /** Close the dispatcher's connections (lets the process exit promptly). */
  close(): Promise<void>;
}

export interface EnvProxyTransportOptions {
  ca?: CaBundle | undefined;
  connections?: number | undefined;
  /** Overrides HTTPS_PROXY / https_proxy. */
  httpsProxy?: string | undefined;
  /** Overrides HTTP_PROXY / http_proxy. */
  httpProxy?: string | undefined;
  /** Overrides NO_PROXY / no_proxy. */
  noProxy?: string | undefined;
  /** As in `UndiciTransportOptions`. */
  connectTimeoutMs?: number | undefined;
  /** As in `UndiciTransportOptions`. */
  readTimeoutMs?: number | undefined;
}

/** undici's connect timeout and its headers and body timeouts, from the two OCI CLI-style settings. */
function timeouts(options: { connectTimeoutMs?: number | undefined; readTimeoutMs?: number | undefined }): {
  connectTimeout?: number;
  headersTimeout?: number;
  bodyTimeout?: number;
} {
  for (const name of ["connectTimeoutMs", "readTimeoutMs"] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw new TypeError(`${name} must be a number of milliseconds > 0, got ${String(value)}`);
  }
  return {
    ...(options.connectTimeoutMs === undefined ? {} : { connectTimeout: options.connectTimeoutMs }),
    ...(options.readTimeoutMs === undefined ? {} : { headersTimeout: options.readTimeoutMs, bodyTimeout: options.readTimeoutMs }),
  };
}

// undici's fetch is typed with undici's own Request/Response classes; at run time they are
// the WHATWG shapes the rest of oci-raw uses.
const fetchWithUndici = undiciFetch as unknown as FetchFunction;

function tlsOptions(ca: CaBundle | undefined, rejectUnauthorized: boolean | undefined): { ca?: string | Buffer | Array<string | Buffer>; rejectUnauthorized?: boolean } {
  return {
    ...(ca === undefined ? {} : { ca: typeof ca === "string" || Buffer.isBuffer(ca) ? ca : [...ca] }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
  };
}

function transport(dispatcher: Dispatcher): UndiciTransport {
  return {
    dispatcher,
    // Bind the dispatcher here too, so `transport.fetch(url)` alone already uses it.
    fetch: (input, init) => fetchWithUndici(input, { ...init, dispatcher } as unknown as RequestInit),
    close: () => dispatcher.close(),
  };
}

/** An undici Agent (or ProxyAgent when `proxy` is given) with its own fetch. */
export function undiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  const tls = tlsOptions(options.ca, options.rejectUnauthorized);
  const connections = options.connections === undefined ? {} : { connections: options.connections };
  if (options.proxy !== undefined) {
    return transport(new ProxyAgent({ uri: options.proxy, requestTls: tls, ...connections, ...timeouts(options) }));
  }
  return transport(new Agent({ connect: tls, ...connections, ...timeouts(options) }));
}


/** A transport that follows HTTPS_PROXY / HTTP_PROXY / NO_PROXY (undici's EnvHttpProxyAgent). */
export function envProxyTransport(options: EnvProxyTransportOptions = {}): UndiciTransport {
  const tls = tlsOptions(options.ca, undefined);
  return transport(
    new EnvHttpProxyAgent({
      ...timeouts(options),
      ...(options.httpsProxy === undefined ? {} : { httpsProxy: options.httpsProxy }),
      ...(options.httpProxy === undefined ? {} : { httpProxy: options.httpProxy }),
      ...(options.noProxy === undefined ? {} : { noProxy: options.noProxy }),
      ...(options.connections === undefined ? {} : { connections: options.connections }),
      connect: tls,
      requestTls: tls,
    }),
  );
}
