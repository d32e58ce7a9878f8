/**
 * A `fetch` over node:https that trusts exactly the CA it is given (the OKE cluster CA), for the
 * few auth requests that go to an endpoint with a private CA. Platform `fetch` ignores
 * `https.Agent` (oci-typescript-sdk #416), and a dispatcher would take the `undici` package,
 * which nothing reachable from the package entry may import (DECISIONS.md 1, 2). So this is a
 * small `FetchFunction` on an `https.Agent` of its own: TLS verification on, the CA for this
 * agent only — never a global setting, never `NODE_TLS_REJECT_UNAUTHORIZED`.
 *
 * Enough of fetch for `sendRequest`: method, headers, a byte or string body, `signal`; the
 * answer is read whole. No redirects are followed (`sendRequest` asks for "manual" anyway).
 */
import { Agent, request } from "node:https";
import type { FetchFunction } from "../transport.js";

export interface CaFetch {
  readonly fetch: FetchFunction;
  /** Close the agent's sockets. */
  close(): void;
}

function bodyBytes(body: RequestInit["body"]): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError("caFetch: only string and byte bodies are supported");
}

/** A fetch that verifies servers against `ca` only (PEM). */
export function caFetch(ca: string | Buffer): CaFetch {
  const agent = new Agent({ ca, rejectUnauthorized: true, keepAlive: false });
  const fetch: FetchFunction = (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === "string" ? input : input.href);
      if (url.protocol !== "https:") {
        reject(new TypeError(`caFetch: ${url.origin} is not https`));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let body: Buffer | undefined;
      const headers: Record<string, string> = {};
      try {
        body = bodyBytes(init.body);
        new Headers(init.headers).forEach((value, name) => {
          headers[name] = value;
        });
      } catch (error) {
        reject(error);
        return;
      }
      if (body !== undefined) headers["content-length"] = String(body.byteLength);
      const outgoing = request(url, { method: init.method ?? "GET", headers, agent, ...(signal ? { signal } : {}) }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.once("error", reject);
        incoming.once("close", () => {
          if (!incoming.complete) reject(Object.assign(new Error("The connection closed before the answer was complete."), { code: "ECONNRESET" }));
        });
        incoming.once("end", () => {
          try {
            const answerHeaders = new Headers();
            for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) answerHeaders.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
            const status = incoming.statusCode ?? 0;
            const nullBody = status === 204 || status === 205 || status === 304;
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage ?? "", headers: answerHeaders }));
          } catch (error) {
            reject(error);
          }
        });
      });
      outgoing.once("error", reject);
      outgoing.end(body);
    });
  return { fetch, close: () => agent.destroy() };
}
