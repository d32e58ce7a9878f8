/**
 * The HTTP(S) server: collect the body, verify the signature, apply injected faults, dispatch
 * to a route, answer with OCI's headers (`opc-request-id`, `date` on the emulator clock).
 */
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { EmulatorHttpError, notAuthenticated, notFound } from "./errors.js";
import type { BodyBreak, FaultQueue } from "./faults.js";
import type { EmulatorRequest, EmulatorResponse, RouteMatch } from "./routes.js";
import { verifyRequestSignature } from "./verify.js";
import type { DelegationLookup, KeyLookup, VerificationResult, VerifyPolicy } from "./verify.js";

/** One request as the emulator saw it. Holds raw headers (authorization included): never log it. */
export interface RecordedRequest {
  readonly method: string;
  /** The request target exactly as received (path plus query). */
  readonly path: string;
  readonly headers: Readonly<IncomingHttpHeaders>;
  readonly bodyLength: number;
  /** The signature check; undefined on routes that do not verify (IMDS and the like). */
  readonly verification: VerificationResult | undefined;
  /** The status answered; undefined while pending and for dropped requests. */
  readonly status: number | undefined;
  /** The injected fault that decided the answer, if any ("break-body": the body was cut off). */
  readonly fault: "fail" | "drop" | "break-body" | undefined;
  /** Injected delay before handling, in ms (0 when none). */
  readonly delayMs: number;
  readonly requestId: string;
  /** When it arrived, on the emulator clock. */
  readonly receivedAt: Date;
}

type MutableRecord = { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] };

export interface ServerContext {
  /** The route for a method and raw path; may throw EmulatorHttpError (bad percent-encoding). */
  readonly matchRoute: (method: string, rawPath: string) => RouteMatch | undefined;
  readonly lookupKey: KeyLookup;
  readonly lookupDelegation?: DelegationLookup;
  readonly faults: FaultQueue;
  readonly now: () => Date;
  readonly log: ((line: string) => void) | undefined;
  readonly record: (request: RecordedRequest) => void;
  readonly maxBodyBytes: number;
}

export interface ListenOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: { readonly certificatePem: string; readonly privateKeyPem: string } | undefined;
}

export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

const DEFAULT_POLICY: VerifyPolicy = {};

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | "too-large" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        request.removeAllListeners("data");
        request.resume();
        resolve("too-large");
        return;
      }
      chunks.push(chunk);
    });
    request.once("end", () => resolve(Buffer.concat(chunks, size)));
    request.once("error", () => resolve("aborted"));
    request.once("close", () => resolve("aborted")); // no-op when "end" came first
  });
}

function requestIdFactory(): (clientId: string | undefined) => string {
  const prefix = randomBytes(8).toString("hex").toUpperCase();
  let counter = 0;
  return (clientId) => {
    counter += 1;
    const own = `${prefix}${counter.toString(16).toUpperCase().padStart(8, "0")}`;
    return clientId === undefined || clientId === "" ? own : `${clientId}/${own}`;
  };
}

/** `cut`: send only part of the body, then reset or stall the connection (an injected fault). */
function write(response: ServerResponse, answer: EmulatorResponse, requestId: string, now: Date, cut?: BodyBreak): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
  headers["opc-request-id"] = requestId;
  headers["date"] = now.toUTCString();
  const body = typeof answer.body === "string" ? Buffer.from(answer.body, "utf8") : answer.body;
  if (headers["content-length"] === undefined && answer.status !== 204 && answer.status !== 304) {
    headers["content-length"] = String(body?.byteLength ?? 0);
  }
  response.writeHead(answer.status, headers);
  if (cut === undefined) {
    response.end(body);
    return;
  }
  const whole = body ?? new Uint8Array(0);
  const socket = response.socket;
  if (whole.byteLength === 0 || answer.status === 204 || answer.status === 304) {
    // Nothing to break: the answer is whole once its head is out. Left unfinished, the
    // connection would look reusable to the client while the server still owes an end.
    response.end();
    if (cut.then === "reset") response.once("finish", () => socket?.destroy());
    return;
  }
  // At least the last byte is held back: an answer sent whole is not broken, and left
  // unfinished it would look reusable to the client while the server still owes its end.
  const wanted = cut.afterBytes === "half" ? Math.floor(whole.byteLength / 2) : cut.afterBytes;
  const sent = whole.subarray(0, Math.min(wanted, whole.byteLength - 1));
  response.flushHeaders();
  if (sent.byteLength > 0) response.write(sent);
  // end() sends what is queued (head and bytes) before closing, so the client sees the answer
  // break off rather than a connection dropped before it; destroy() then closes our side too,
  // or the half-open socket could take (and silently lose) another request.
  if (cut.then === "reset") socket?.end(() => socket.destroy());
}

function errorAnswer(error: EmulatorHttpError): EmulatorResponse {
  return {
    status: error.status,
    headers: { "content-type": "application/json", ...error.headers },
    body: JSON.stringify(error.body()),
  };
}

/** A keyId safe to log: security tokens are secrets. */
function loggableKeyId(verification: VerificationResult | undefined): string {
  const keyId = verification?.keyId;
  if (keyId === undefined) return "-";
  return keyId.startsWith("ST$") ? "ST$<token>" : keyId;
}

export async function listen(context: ServerContext, options: ListenOptions): Promise<RunningServer> {
  const nextRequestId = requestIdFactory();
  const pendingDelays = new Set<() => void>();
  let stopped = false;

  const sleep = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const finish = (completed: boolean): void => {
        clearTimeout(timer);
        pendingDelays.delete(cancel);
        resolve(completed);
      };
      const cancel = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      pendingDelays.add(cancel);
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? "GET").toUpperCase();
    const target = request.url ?? "/";
    const clientRequestId = request.headers["opc-request-id"];
    const requestId = nextRequestId(typeof clientRequestId === "string" ? clientRequestId : undefined);
    // OCI echoes the caller's opc-client-request-id on every answer (Oracle's specs list it).
    const clientTracking = request.headers["opc-client-request-id"];
    if (typeof clientTracking === "string" && /^[\x20-\x7e]*$/.test(clientTracking)) response.setHeader("opc-client-request-id", clientTracking);

    const body = await readBody(request, context.maxBodyBytes);
    if (body === "aborted" || stopped) return;
    const now = context.now();
    if (body === "too-large") {
      const error = new EmulatorHttpError(413, "RequestEntityTooLarge", `The body exceeds the emulator's limit of ${context.maxBodyBytes} bytes.`, { connection: "close" });
      write(response, errorAnswer(error), requestId, now);
      return;
    }

    // Origin-form targets are appended, not resolved: "//b%20c/d" resolved against a base is a
    // host ("b%20c"), which throws; the path it names is "//b%20c/d".
    const url = target.startsWith("/") ? new URL(`http://emulator.invalid${target}`) : new URL(target, "http://emulator.invalid");
    let matched: RouteMatch | undefined;
    let routeError: EmulatorHttpError | undefined;
    try {
      matched = context.matchRoute(method, url.pathname);
    } catch (error) {
      if (!(error instanceof EmulatorHttpError)) throw error;
      routeError = error;
    }
    const verify = matched?.route.options.verify ?? true;
    const verification =
      verify === false
        ? undefined
        : verifyRequestSignature(
            { method, target, rawHeaders: request.rawHeaders, body },
            context.lookupKey,
            now,
            verify === true ? DEFAULT_POLICY : verify,
            context.lookupDelegation,
          );

    const record: MutableRecord = {
      method,
      path: target,
      headers: request.headers,
      bodyLength: body.byteLength,
      verification,
      status: undefined,
      fault: undefined,
      delayMs: 0,
      requestId,
      receivedAt: now,
    };
    context.record(record);

    const fault = context.faults.takeNext();
    if (fault.delayMs > 0) {
      record.delayMs = fault.delayMs;
      if (!(await sleep(fault.delayMs))) return; // stopped while waiting
    }
    if (fault.drop) {
      record.fault = "drop";
      context.log?.(`${method} ${target} dropped (injected)`);
      request.socket.destroy();
      return;
    }

    let answer: EmulatorResponse;
    if (fault.fail !== undefined) {
      record.fault = "fail";
      const { status, code, message, headers } = fault.fail;
      answer = errorAnswer(new EmulatorHttpError(status, code, message, headers));
    } else if (verification !== undefined && !verification.ok) {
      answer = errorAnswer(notAuthenticated(verification.reason));
    } else if (routeError !== undefined) {
      answer = errorAnswer(routeError);
    } else if (matched === undefined) {
      answer = errorAnswer(notFound(`No operation at ${method} ${url.pathname}; the resource`));
    } else {
      const emulatorRequest: EmulatorRequest = {
        method,
        url,
        target,
        params: matched.params,
        headers: request.headers,
        rawHeaders: request.rawHeaders,
        body,
        principal: verification?.ok === true ? verification.principal : undefined,
        now,
        json: () => {
          try {
            return JSON.parse(body.toString("utf8")) as unknown;
          } catch {
            throw new EmulatorHttpError(400, "CannotParseRequest", "The request body is not valid JSON.");
          }
        },
      };
      try {
        answer = await matched.route.handler(emulatorRequest);
      } catch (error) {
        if (error instanceof EmulatorHttpError) {
          answer = errorAnswer(error);
        } else {
          const message = error instanceof Error ? error.message : String(error);
          context.log?.(`${method} ${target} handler failed: ${message}`);
          answer = errorAnswer(new EmulatorHttpError(500, "InternalServerError", `The emulator's handler failed: ${message}`));
        }
      }
    }
    if (stopped) return;
    record.status = answer.status;
    if (fault.breakBody !== undefined && record.fault === undefined) record.fault = "break-body";
    write(response, answer, requestId, context.now(), fault.breakBody);
    if (context.log !== undefined) {
      const reason = verification !== undefined && !verification.ok ? ` (${verification.reason})` : "";
      context.log(`${answer.status} ${method} ${target}${reason} key=${loggableKeyId(verification)}`);
    }
  }

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response).catch((error: unknown) => {
      // Only a bug in the emulator gets here; answer rather than crash the test process.
      context.log?.(`emulator error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (!response.headersSent && !stopped) {
        write(response, errorAnswer(new EmulatorHttpError(500, "InternalServerError", "The emulator failed.")), "emulator-error", context.now());
      } else {
        response.destroy();
      }
    });
  };

  const server: Server =
    options.tls === undefined
      ? createHttpServer(onRequest)
      : createHttpsServer({ cert: options.tls.certificatePem, key: options.tls.privateKeyPem }, onRequest);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  const url = `${options.tls === undefined ? "http" : "https"}://${host}:${address.port}`;

  return {
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const cancel of [...pendingDelays]) cancel();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
