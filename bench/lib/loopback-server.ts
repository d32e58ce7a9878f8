/**
 * A plain node:http server on 127.0.0.1 that answers every request 200 with a fixed JSON body
 * and verifies nothing. It runs in a child process so that it has its own event loop and its
 * CPU time is not counted as the measured client's (see stats.ts, "cpu" clock).
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface LoopbackServer {
  /** e.g. "http://127.0.0.1:41234" */
  readonly url: string;
  /** Requests answered so far. */
  count(): Promise<number>;
  close(): Promise<void>;
}

// Plain JavaScript: the child runs without the TypeScript loader. It exits when the parent goes.
const SERVER_SOURCE = `
const http = require("node:http");
process.once("message", ({ body: text, keepAliveTimeoutMs }) => {
  const body = Buffer.from(text, "utf8");
  let count = 0;
  const server = http.createServer((req, res) => {
    count++;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length, "opc-request-id": "bench" });
      res.end(body);
    });
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  process.on("message", (message) => {
    if (message === "count") process.send({ count });
    if (message === "close") {
      server.closeAllConnections();
      server.close(() => process.send({ closed: true }, () => process.exit(0)));
    }
  });
});
process.on("disconnect", () => process.exit(0));
`;

export interface LoopbackServerOptions {
  /** The JSON text every answer carries. Default "{}". */
  body?: string;
  /** Node's default is 5 s. */
  keepAliveTimeoutMs?: number;
}

export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  // A plain node with an IPC channel, none of this process's flags.
  const child: ChildProcess = spawn(process.execPath, ["-e", SERVER_SOURCE], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = <T>(key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: unknown): void => {
        if (typeof message === "object" && message !== null && key in message) {
          child.off("message", onMessage);
          child.off("exit", onExit);
          resolve((message as Record<string, unknown>)[key] as T);
        }
      };
      const onExit = (code: number | null): void => reject(new Error(`the loopback server exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const port = next<number>("port");
  child.send({ body: options.body ?? "{}", keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5000 });
  return {
    url: `http://127.0.0.1:${await port}`,
    async count() {
      const answer = next<number>("count");
      child.send("count");
      return answer;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("close", resolve));
      child.send("close");
      await exited;
    },
  };
}
