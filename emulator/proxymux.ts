/**
 * A fake OKE proxymux, for testing pods' code off the cluster: an HTTPS server on loopback
 * with a test CA of its own (the "cluster CA"), answering
 * `POST /resourcePrincipalSessionTokens` with `{"podKey": "<public key PEM>"}` and
 * `Authorization: Bearer <service account token>` by a session token registered with the
 * emulator under the pod's key — so requests the pod signs as `ST$<token>` with that key are
 * accepted by the emulator until the token expires.
 *
 *   const proxymux = await startProxymux(emulator);
 *   // KUBERNETES_SERVICE_HOST=127.0.0.1, KUBERNETES_SERVICE_PORT_PROXYMUX=proxymux.port,
 *   // the CA file = proxymux.caCertificatePem, the token file = proxymux.serviceAccountToken
 *
 * Faults: a service account token that expired or was rotated away (401), injected failures
 * (`faults.failNext(1, 503, …)`), dropped connections, and a server certificate from a CA the
 * pod does not trust (`rotateCa()`, or a CA file that is not `caCertificatePem`).
 */
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { FaultQueue, type Faults } from "./faults.js";
import { EMULATOR_TENANCY_ID } from "./keys.js";
import { createTestCa, issueCertificate } from "./pki.js";
import { makeJwt, sessionTokenMinter } from "./session-tokens.js";
import type { Emulator } from "./types.js";

/** How the session token answer is encoded: base64 of the JSON (the usual), or that base64 quoted as a JSON string. */
export type ProxymuxAnswerEncoding = "base64" | "json-string";

export interface StartProxymuxOptions {
  /** 127.0.0.1 (default) or ::1. */
  readonly host?: "127.0.0.1" | "::1";
  /** Default 0 (any free port). */
  readonly port?: number;
  readonly encoding?: ProxymuxAnswerEncoding;
  /** Lifetime of session tokens, seconds. Default 3600. Mutable later. */
  readonly tokenLifetimeSeconds?: number;
  /** Lifetime of the service account tokens `issueServiceAccountToken` makes, seconds. Default 3600. */
  readonly serviceAccountTokenLifetimeSeconds?: number;
  readonly tenancyId?: string;
  readonly compartmentId?: string;
}

export interface Proxymux {
  /** `https://<host>:<port>/resourcePrincipalSessionTokens`. */
  readonly url: string;
  /** For KUBERNETES_SERVICE_HOST. */
  readonly host: string;
  /** For KUBERNETES_SERVICE_PORT_PROXYMUX. */
  readonly port: number;
  /** The CA the server's certificate chains to: the pod's cluster CA file. Changes with `rotateCa()`. */
  readonly caCertificatePem: string;
  /** The service account token accepted now (the last one issued). */
  readonly serviceAccountToken: string;
  encoding: ProxymuxAnswerEncoding;
  tokenLifetimeSeconds: number;
  /** Injected faults for the next requests (failures, delays, dropped connections). */
  readonly faults: Faults;
  /** Counts: every request, and session tokens issued. */
  readonly counts: { requests: number; exchanges: number; refused: number };
  /** Session tokens issued, oldest first. */
  readonly issued: ReadonlyArray<{ readonly token: string; readonly expiresAt: Date }>;
  /**
   * A new service account token (a JWT with `exp`, as kubelet's are) that is accepted until it
   * expires; with `rotate` (the default) the earlier ones are refused from now on, as after
   * kubelet rotated the pod's token, and `serviceAccountToken` becomes this one. Without
   * `rotate` it is accepted beside them (e.g. an already expired one: `lifetimeSeconds: -10`).
   */
  issueServiceAccountToken(options?: { readonly lifetimeSeconds?: number; readonly rotate?: boolean }): string;
  /** Accept this literal token too (no expiry). */
  acceptServiceAccountToken(token: string): void;
  /** Make the emulator refuse every session token issued so far (their signatures answer 401). */
  revokeIssued(): void;
  /** Serve a certificate from a new CA: pods still holding the old CA file fail verification. Returns the new CA PEM. */
  rotateCa(): Promise<string>;
  stop(): Promise<void>;
}

const PATH = "/resourcePrincipalSessionTokens";
const MAX_BODY_BYTES = 64 * 1024;

async function serverCredentials(): Promise<{ ca: string; cert: string; key: string }> {
  const ca = await createTestCa({ commonName: "oci-raw emulator proxymux cluster CA" });
  const tls = await issueCertificate({
    ca,
    subject: { commonName: "localhost", organization: "oci-raw emulator proxymux" },
    subjectAltNames: { dns: ["localhost"], ip: ["127.0.0.1", "::1"] },
  });
  return { ca: ca.certificatePem, cert: tls.certificatePem, key: tls.privateKeyPem };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.once("end", () => resolve(Buffer.concat(chunks, size)));
    request.once("error", () => resolve(undefined));
    request.once("close", () => resolve(undefined));
  });
}

function answer(response: ServerResponse, status: number, body: string, contentType = "application/json"): void {
  response.writeHead(status, { "content-type": contentType, "content-length": String(Buffer.byteLength(body)), "opc-request-id": randomUUID() });
  response.end(body);
}

function error(response: ServerResponse, status: number, code: string, message: string): void {
  answer(response, status, JSON.stringify({ code, message }));
}

/** Starts a proxymux whose session tokens `emulator` accepts. Loopback only. */
export async function startProxymux(emulator: Emulator, options: StartProxymuxOptions = {}): Promise<Proxymux> {
  const host = options.host ?? "127.0.0.1";
  if (host !== "127.0.0.1" && host !== "::1") throw new TypeError(`startProxymux: host must be 127.0.0.1 or ::1, got "${String(host)}"`);
  const tenancyId = options.tenancyId ?? EMULATOR_TENANCY_ID;
  const compartmentId = options.compartmentId ?? "ocid1.compartment.oc1..aaaaaaaaokecompartment";
  const saLifetime = options.serviceAccountTokenLifetimeSeconds ?? 3600;
  const mint = sessionTokenMinter(emulator);
  const saJwtKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const faults = new FaultQueue();
  /** Accepted service account tokens → expiry (ms), or undefined for none. */
  const accepted = new Map<string, number | undefined>();
  const issued: Array<{ token: string; expiresAt: Date }> = [];
  const sockets = new Set<Socket>();
  let credentials = await serverCredentials();
  let current = "";

  const issueServiceAccountToken = (issueOptions: { lifetimeSeconds?: number; rotate?: boolean } = {}): string => {
    const iat = Math.floor(emulator.now().getTime() / 1000);
    const exp = iat + (issueOptions.lifetimeSeconds ?? saLifetime);
    const token = makeJwt(
      { iss: "https://kubernetes.default.svc.cluster.local", sub: "system:serviceaccount:default:emulator", aud: ["https://kubernetes.default.svc"], iat, exp, jti: randomUUID() },
      saJwtKey,
    );
    if (issueOptions.rotate !== false) {
      accepted.clear();
      current = token;
    }
    accepted.set(token, exp * 1000);
    return token;
  };
  issueServiceAccountToken();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    mux.counts.requests += 1;
    const fault = faults.takeNext();
    if (fault.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault.drop) {
      request.socket.destroy();
      return;
    }
    if (fault.fail !== undefined) {
      error(response, fault.fail.status, fault.fail.code, fault.fail.message);
      return;
    }
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "POST" || path !== PATH) {
      error(response, 404, "NotFound", `No operation at ${request.method ?? "?"} ${path ?? ""}; the proxymux answers POST ${PATH}`);
      return;
    }
    if (body === undefined) {
      error(response, 413, "RequestEntityTooLarge", "The body is too large.");
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const expiry = bearer === undefined ? undefined : accepted.get(bearer);
    if (bearer === undefined || !accepted.has(bearer) || (expiry !== undefined && expiry <= emulator.now().getTime())) {
      mux.counts.refused += 1;
      const why = bearer === undefined ? "no Bearer token" : !accepted.has(bearer) ? "an unknown or rotated service account token" : "an expired service account token";
      error(response, 401, "NotAuthenticated", `The proxymux refused the request: ${why}.`);
      return;
    }
    let publicKey: KeyObject;
    try {
      const podKey = (JSON.parse(body.toString("utf8")) as { podKey?: unknown }).podKey;
      if (typeof podKey !== "string" || !podKey.includes("-----BEGIN PUBLIC KEY-----")) throw new Error("no PEM");
      publicKey = createPublicKey(podKey);
    } catch {
      error(response, 400, "InvalidParameter", 'The body must be {"podKey": "<public key, PEM>"}.');
      return;
    }
    const now = emulator.now();
    const { token, expiresAt } = mint({
      publicKey,
      claims: { sub: "ocid1.workload.oc1..emulator", res_tenant: tenancyId, res_compartment: compartmentId, ptype: "resource", res_type: "workload" },
      subject: "ocid1.workload.oc1..emulator",
      lifetimeSeconds: mux.tokenLifetimeSeconds,
      now,
    });
    issued.push({ token, expiresAt });
    mux.counts.exchanges += 1;
    const base64 = Buffer.from(JSON.stringify({ token: `ST$${token}` }), "utf8").toString("base64");
    if (mux.encoding === "json-string") answer(response, 200, JSON.stringify(base64));
    else answer(response, 200, base64, "text/plain");
  };

  const server: Server = createServer({ cert: credentials.cert, key: credentials.key }, (request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) error(response, 500, "InternalServerError", "The proxymux failed.");
      else response.destroy();
    });
  });
  server.on("secureConnection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host === "::1" ? "[::1]" : host;

  const mux: Proxymux = {
    url: `https://${hostPart}:${port}${PATH}`,
    host,
    port,
    get caCertificatePem() {
      return credentials.ca;
    },
    get serviceAccountToken() {
      return current;
    },
    encoding: options.encoding ?? "base64",
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    faults,
    counts: { requests: 0, exchanges: 0, refused: 0 },
    issued,
    issueServiceAccountToken,
    acceptServiceAccountToken(token) {
      accepted.set(token, undefined);
    },
    revokeIssued() {
      for (const { token } of issued) emulator.revokeSecurityToken(token);
    },
    async rotateCa() {
      credentials = await serverCredentials();
      server.setSecureContext({ cert: credentials.cert, key: credentials.key });
      // Connections kept alive would go on with the old certificate.
      for (const socket of sockets) socket.destroy();
      return credentials.ca;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return mux;
}
