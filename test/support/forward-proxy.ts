/**
 * A tiny loopback HTTP proxy for tests: CONNECT tunnels (what undici's ProxyAgent uses) and
 * absolute-form forwarding, to loopback targets only. Records what passed through it.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

const LOOPBACK = new Set(["127.0.0.1", "::1", "[::1]", "localhost"]);

export interface ForwardProxy {
  readonly url: string;
  /** `CONNECT host:port` targets and `METHOD absolute-url` lines, in order. */
  readonly seen: string[];
  stop(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? "/");
    seen.push(`${req.method} ${target.href}`);
    if (!LOOPBACK.has(target.hostname)) {
      res.writeHead(403).end("loopback only");
      return;
    }
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url ?? ""}`);
    const at = (req.url ?? "").lastIndexOf(":");
    const host = (req.url ?? "").slice(0, at);
    const port = Number((req.url ?? "").slice(at + 1));
    if (!LOOPBACK.has(host)) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(port, host.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(client);
    const cleanup = (): void => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on("error", cleanup);
    client.on("error", cleanup);
    upstream.on("close", () => sockets.delete(upstream));
    client.on("close", () => sockets.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    async stop() {
      for (const socket of sockets) socket.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
