/**
 * A fake Auth service X.509 federation endpoint (`POST /v1/x509`). It checks what OCI checks:
 * the request signature under the leaf certificate's key, the keyId's fingerprint (SHA-1 for
 * `fed-x509`, SHA-256 for `fed-x509-sha256`) and tenancy, and the chain up to the test CA;
 * then it registers the session public key under a new token and answers `{"token": <JWT>}`.
 */
import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import type { Emulator } from "./types.js";
import { ociError, json, type EmulatorRequest, type EmulatorResponse } from "./routes.js";
import { sessionTokenMinter } from "./session-tokens.js";
import { parseAuthorization, verifyRequestSignature, type ReceivedRequest } from "./verify.js";

export interface MountFederationOptions {
  /** The root CA certificate (PEM) the chain must lead to. */
  readonly caCertificatePem: string;
  /** Lifetime of issued tokens. Default 3600. Mutable later through `tokenLifetimeSeconds`. */
  readonly tokenLifetimeSeconds?: number;
  /** Default "/v1/x509". */
  readonly path?: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresAt: Date;
  readonly publicKeyPem: string;
  readonly leafFingerprint: string;
}

export interface MountedFederation {
  /** Full URL to pass as `federationEndpoint`. */
  readonly url: string;
  /** Token requests received (valid or not). */
  readonly tokenRequests: number;
  /** Tokens issued, oldest first. */
  readonly issued: readonly IssuedToken[];
  /** The last request body as parsed JSON (for asserting the request form). */
  readonly lastBody: Record<string, unknown> | undefined;
  /** The last request's authorization header parameters. */
  readonly lastAuthorization: { keyId: string; headers: readonly string[] } | undefined;
  tokenLifetimeSeconds: number;
  /** When true, tokens are revoked as they are issued (a refresh that cannot help: the second 401 is final). */
  issueRevoked: boolean;
  /** Answer the next `count` token requests with `status` (an OCI error body). */
  failNext(count: number, status: number): void;
  /** Answer the next `count` token requests 200 with a body that is not JSON. */
  garbageNext(count: number): void;
  /** Revoke every token issued so far (requests signed with them get 401). */
  revokeAll(): void;
}

/** `rawHeaders` rebuilt from node's parsed headers, for the independent verifier. */
export function receivedRequest(request: EmulatorRequest): ReceivedRequest {
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) rawHeaders.push(name, v);
  }
  return { method: request.method, target: request.target, rawHeaders, body: request.body };
}

function tenancyOf(certificate: X509Certificate): string | undefined {
  for (const line of certificate.subject.split("\n")) {
    const value = line.slice(line.indexOf("=") + 1);
    if (value.startsWith("opc-tenant:")) return value.slice("opc-tenant:".length);
  }
  return undefined;
}

function derCertificate(base64: unknown, what: string): X509Certificate | EmulatorResponse {
  if (typeof base64 !== "string" || base64 === "" || base64.includes("-----")) {
    return ociError(400, "InvalidParameter", `${what} must be the certificate's base64 DER (PEM body without header/footer).`);
  }
  try {
    return new X509Certificate(Buffer.from(base64, "base64"));
  } catch {
    return ociError(400, "InvalidParameter", `${what} is not a certificate.`);
  }
}

export function mountFederation(emulator: Emulator, options: MountFederationOptions): MountedFederation {
  const path = options.path ?? "/v1/x509";
  const root = new X509Certificate(options.caCertificatePem);
  const mintSessionToken = sessionTokenMinter(emulator);
  const issued: IssuedToken[] = [];
  const failures: number[] = [];
  let garbage = 0;
  let requests = 0;
  let lastBody: Record<string, unknown> | undefined;
  let lastAuthorization: { keyId: string; headers: readonly string[] } | undefined;

  const mounted: MountedFederation = {
    url: `${emulator.url}${path}`,
    get tokenRequests() {
      return requests;
    },
    issued,
    get lastBody() {
      return lastBody;
    },
    get lastAuthorization() {
      return lastAuthorization;
    },
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    issueRevoked: false,
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    garbageNext(count) {
      garbage += count;
    },
    revokeAll() {
      for (const t of issued) emulator.revokeSecurityToken(t.token);
    },
  };

  const handle = (request: EmulatorRequest): EmulatorResponse => {
    requests += 1;
    const status = failures.shift();
    if (status !== undefined) return ociError(status, status >= 500 ? "InternalServerError" : "Injected", "Injected federation fault");
    if (garbage > 0) {
      garbage -= 1;
      return { status: 200, headers: { "content-type": "application/json" }, body: "<html>not json" };
    }

    const body = request.json();
    if (body === null || typeof body !== "object" || Array.isArray(body)) return ociError(400, "InvalidParameter", "The body must be a JSON object.");
    lastBody = body as Record<string, unknown>;
    const leaf = derCertificate(lastBody["certificate"], "certificate");
    if (!(leaf instanceof X509Certificate)) return leaf;
    const intermediatesRaw = lastBody["intermediateCertificates"];
    if (!Array.isArray(intermediatesRaw)) return ociError(400, "InvalidParameter", "intermediateCertificates must be an array.");
    const intermediates: X509Certificate[] = [];
    for (const raw of intermediatesRaw) {
      const cert = derCertificate(raw, "intermediateCertificates[]");
      if (!(cert instanceof X509Certificate)) return cert;
      intermediates.push(cert);
    }

    // keyId: <tenancy>/fed-x509/<SHA-1> or <tenancy>/fed-x509-sha256/<SHA-256>.
    const authorization = parseAuthorization(request.headers.authorization);
    if ("error" in authorization) return ociError(401, "NotAuthenticated", authorization.error);
    lastAuthorization = { keyId: authorization.keyId, headers: authorization.headers };
    const [tenancy, kind, fingerprint, ...rest] = authorization.keyId.split("/");
    if (rest.length > 0 || !tenancy || !fingerprint || (kind !== "fed-x509" && kind !== "fed-x509-sha256")) {
      return ociError(401, "NotAuthenticated", "keyId must be <tenancy>/fed-x509/<sha1> or <tenancy>/fed-x509-sha256/<sha256>");
    }
    const expected = kind === "fed-x509" ? leaf.fingerprint : leaf.fingerprint256;
    if (fingerprint.toUpperCase() !== expected.toUpperCase()) {
      return ociError(401, "NotAuthenticated", `the keyId's fingerprint is not the ${kind === "fed-x509" ? "SHA-1" : "SHA-256"} fingerprint of the certificate`);
    }
    if (tenancyOf(leaf) !== tenancy) return ociError(401, "NotAuthenticated", "the keyId's tenancy is not the certificate's opc-tenant");

    const verification = verifyRequestSignature(
      receivedRequest(request),
      () => ({ ok: true, publicKey: leaf.publicKey, principal: { keyId: authorization.keyId, kind: "api-key", subject: leaf.subject } }),
      request.now,
      { requireHost: false },
    );
    if (!verification.ok) return ociError(401, "NotAuthenticated", verification.reason);

    // The chain: leaf ← intermediates ← root.
    let child = leaf;
    for (const issuer of [...intermediates, root]) {
      if (!child.checkIssued(issuer) || !child.verify(issuer.publicKey)) {
        return ociError(401, "NotAuthenticated", "the certificate chain does not lead to the trusted CA");
      }
      child = issuer;
    }
    if (Date.parse(leaf.validTo) < request.now.getTime()) return ociError(401, "NotAuthenticated", "the certificate has expired");

    let sessionKey: KeyObject;
    try {
      const b64 = lastBody["publicKey"];
      if (typeof b64 !== "string" || b64.includes("-----")) throw new Error("not base64");
      sessionKey = createPublicKey({ key: Buffer.from(b64, "base64"), format: "der", type: "spki" });
    } catch {
      return ociError(400, "InvalidParameter", "publicKey must be the session public key's base64 DER (SubjectPublicKeyInfo).");
    }

    const { token, expiresAt } = mintSessionToken({
      publicKey: sessionKey,
      claims: { sub: leaf.subject.split("\n")[0]?.replace(/^CN=/, ""), tenant: tenancy, ptype: "instance" },
      subject: "ocid1.instance.oc1..emulator",
      lifetimeSeconds: mounted.tokenLifetimeSeconds,
      now: request.now,
    });
    if (mounted.issueRevoked) emulator.revokeSecurityToken(token);
    issued.push({
      token,
      expiresAt,
      publicKeyPem: sessionKey.export({ type: "spki", format: "pem" }).toString(),
      leafFingerprint: leaf.fingerprint,
    });
    return json(200, { token });
  };
  emulator.route("POST", path, handle, { verify: false });
  return mounted;
}
