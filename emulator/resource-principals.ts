/**
 * Fake resource principal endpoints on the emulator:
 *
 * - v1.1: `GET /20180711/resourcePrincipalToken/{id}` (signed by the instance's token) answers
 *   `{resourcePrincipalToken, servicePrincipalSessionToken}`; `POST /v1/resourcePrincipalSessionToken`
 *   (signed) trades them and a `sessionPublicKey` for `{token}` — the key registered under it.
 * - v3.0: `GET /rp/parent/{level}` answers the same as the RPT endpoint, plus
 *   `opc-parent-rpt-url` while `parentLevels` allows another level.
 * - v2.2 fixtures: `issueSessionToken()` makes a registered RPST with its key for the env.
 */
import { createPublicKey, generateKeyPair, randomUUID, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { Emulator } from "./types.js";
import { EMULATOR_TENANCY_ID } from "./keys.js";
import { json, ociError, type EmulatorRequest, type EmulatorResponse } from "./routes.js";
import { sessionTokenMinter, type SessionToken } from "./session-tokens.js";

const generateKeyPairAsync = promisify(generateKeyPair);

export interface MountResourcePrincipalsOptions {
  readonly tenancyId?: string;
  readonly compartmentId?: string;
  /** Lifetime of session tokens. Default 3600. Mutable later. */
  readonly tokenLifetimeSeconds?: number;
  /** v3.0: how many parents above the first one announce a further parent. Default 0. */
  readonly parentLevels?: number;
}

export interface MountedResourcePrincipals {
  /** Base URL for OCI_RESOURCE_PRINCIPAL_RPT_ENDPOINT and _RPST_ENDPOINT (the emulator's origin). */
  readonly endpoint: string;
  /** v3.0: URL for OCI_RESOURCE_PRINCIPAL_RPT_URL_FOR_PARENT_RESOURCE. */
  readonly parentRptUrl: string;
  readonly tenancyId: string;
  tokenLifetimeSeconds: number;
  parentLevels: number;
  /** Counts of requests: RPT fetches (by level, 0 = v1.1 endpoint) and session token exchanges. */
  readonly counts: { rpt: number; parentRpt: Record<string, number>; rpst: number };
  /** keyIds that signed the session-token exchanges, oldest first (tokens truncated). */
  readonly rpstSigners: string[];
  /** A registered RPST (v2.2) with its private key. */
  issueSessionToken(options?: { readonly lifetimeSeconds?: number; readonly privateKey?: KeyObject }): Promise<{
    token: string;
    privateKeyPem: string;
    expiresAt: Date;
  }>;
}

export function mountResourcePrincipals(
  emulator: Emulator,
  options: MountResourcePrincipalsOptions = {},
): MountedResourcePrincipals {
  const tenancyId = options.tenancyId ?? EMULATOR_TENANCY_ID;
  const compartmentId = options.compartmentId ?? "ocid1.compartment.oc1..aaaaaaaarpcompartment";
  const mintSessionToken = sessionTokenMinter(emulator);
  const rpts = new Set<string>();

  const mounted: MountedResourcePrincipals = {
    endpoint: emulator.url,
    parentRptUrl: `${emulator.url}/rp/parent/1`,
    tenancyId,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    parentLevels: options.parentLevels ?? 0,
    counts: { rpt: 0, parentRpt: {}, rpst: 0 },
    rpstSigners: [],
    async issueSessionToken(issueOptions = {}) {
      const privateKey = issueOptions.privateKey ?? (await generateKeyPairAsync("rsa", { modulusLength: 2048 })).privateKey;
      const { token, expiresAt } = sessionToken(createPublicKey(privateKey), issueOptions.lifetimeSeconds ?? mounted.tokenLifetimeSeconds, emulator.now());
      return { token, expiresAt, privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
    },
  };

  // Both RPST paths (the v1.1/v3.0 exchange and v2.2's issueSessionToken) make the same token.
  const sessionToken = (publicKey: KeyObject, lifetimeSeconds: number, now: Date): SessionToken =>
    mintSessionToken({
      publicKey,
      claims: { sub: "ocid1.fnfunc.oc1..emulator", res_tenant: tenancyId, res_compartment: compartmentId, ptype: "resource" },
      subject: "ocid1.fnfunc.oc1..emulator",
      lifetimeSeconds,
      now,
    });

  const rptAnswer = (headers: Record<string, string> = {}): EmulatorResponse => {
    const resourcePrincipalToken = `rpt-${randomUUID()}`;
    rpts.add(resourcePrincipalToken);
    return json(200, { resourcePrincipalToken, servicePrincipalSessionToken: `spst-${randomUUID()}` }, headers);
  };

  const requireToken = (request: EmulatorRequest): EmulatorResponse | undefined =>
    request.principal?.kind === "security-token" ? undefined : ociError(401, "NotAuthenticated", "must be signed with a security token");

  emulator.route("GET", "/20180711/resourcePrincipalToken/{id}", (request) => {
    const refused = requireToken(request);
    if (refused) return refused;
    mounted.counts.rpt += 1;
    return rptAnswer();
  });

  emulator.route("GET", "/rp/parent/{level}", (request) => {
    const refused = requireToken(request);
    if (refused) return refused;
    const level = Number(request.params["level"]);
    mounted.counts.parentRpt[String(level)] = (mounted.counts.parentRpt[String(level)] ?? 0) + 1;
    return rptAnswer(level <= mounted.parentLevels ? { "opc-parent-rpt-url": `${emulator.url}/rp/parent/${level + 1}` } : {});
  });

  emulator.route("POST", "/v1/resourcePrincipalSessionToken", (request) => {
    const refused = requireToken(request);
    if (refused) return refused;
    mounted.counts.rpst += 1;
    mounted.rpstSigners.push(request.principal!.keyId.slice(0, 40));
    const body = request.json() as Record<string, unknown> | null;
    const rpt = body?.["resourcePrincipalToken"];
    if (typeof rpt !== "string" || !rpts.has(rpt)) return ociError(401, "NotAuthenticated", "unknown resource principal token");
    if (typeof body?.["servicePrincipalSessionToken"] !== "string") return ociError(400, "InvalidParameter", "servicePrincipalSessionToken missing");
    let publicKey: KeyObject;
    try {
      const b64 = body["sessionPublicKey"];
      if (typeof b64 !== "string" || b64.includes("-----")) throw new Error("not base64");
      publicKey = createPublicKey({ key: Buffer.from(b64, "base64"), format: "der", type: "spki" });
    } catch {
      return ociError(400, "InvalidParameter", "sessionPublicKey must be base64 DER SubjectPublicKeyInfo");
    }
    return json(200, { token: sessionToken(publicKey, mounted.tokenLifetimeSeconds, request.now).token });
  });

  return mounted;
}
