/**
 * oci-raw/emulator: a loopback OCI look-alike for tests, demos and benchmarks. It verifies
 * request signatures independently of oci-raw's signer, keeps identity users, buckets and
 * objects in memory, serves a seeded list of compute instances, and injects faults on demand.
 *
 *   const emulator = await startEmulator();
 *   const key = await emulator.createApiKey();
 *   // … sign requests with key.keyId / key.privateKeyPem against emulator.url …
 *   await emulator.stop();
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { FaultQueue } from "./faults.js";
import type { ApiKey } from "./keys.js";
import { KeyRegistry } from "./keys.js";
import { createTestCa, issueCertificate } from "./pki.js";
import { Router } from "./routes.js";
import { listen } from "./server.js";
import type { RecordedRequest } from "./server.js";
import { mountCompute } from "./services/compute.js";
import { mountIdentity } from "./services/identity.js";
import { mountObjectStorage } from "./services/objectstorage.js";
import { EMULATOR_CONFIG_REGION } from "../runtime/regions.js";
import { mountAuthEndpoints, type MountedAuthEndpoints } from "./auth-endpoints.js";
import type { Emulator, StartEmulatorOptions, WriteConfigFileOptions } from "./types.js";

export type { Emulator, StartEmulatorOptions, WriteConfigFileOptions } from "./types.js";

/** What `startEmulator` returns: the emulator, and its auth endpoints when asked for. */
export interface StartedEmulator extends Emulator {
  /** With `authEndpoints: true`: instance metadata, federation, resource principals; `auth.writeEnvironment(dir)` gives the variables to use them. */
  readonly auth: MountedAuthEndpoints | undefined;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
const PROFILE_NAME = /^[A-Za-z0-9_.-]+$/;

async function writeConfigProfile(
  dir: string,
  key: ApiKey,
  options: WriteConfigFileOptions,
): Promise<string> {
  const profile = options.profile ?? "DEFAULT";
  if (!PROFILE_NAME.test(profile)) throw new TypeError(`writeConfigFile: invalid profile name "${profile}"`);
  const directory = resolve(dir);
  await mkdir(directory, { recursive: true });
  const configPath = join(directory, "config");
  const keyPath = join(directory, `oci_api_key_${profile}.pem`);
  let existing = "";
  try {
    existing = await readFile(configPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (existing.split(/\r?\n/).some((line) => line.trim() === `[${profile}]`)) {
    throw new TypeError(`writeConfigFile: ${configPath} already has a [${profile}] profile`);
  }
  await writeFile(keyPath, key.privateKeyPem, { mode: 0o600 });
  const section = [
    `[${profile}]`,
    `user=${key.user}`,
    `fingerprint=${key.fingerprint}`,
    `tenancy=${key.tenancy}`,
    `region=${options.region ?? EMULATOR_CONFIG_REGION}`,
    `key_file=${keyPath}`,
    "",
  ].join("\n");
  const separator = existing === "" || existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n";
  await writeFile(configPath, existing + separator + section, { mode: 0o600 });
  return configPath;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<StartedEmulator> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host)) throw new TypeError(`startEmulator: host must be a loopback address (127.0.0.1, ::1 or localhost), got "${host}"`);
  const offsetMs = (options.clockOffsetSeconds ?? 0) * 1000;
  if (!Number.isFinite(offsetMs)) throw new TypeError("startEmulator: clockOffsetSeconds must be a finite number");
  const now = (): Date => new Date(Date.now() + offsetMs);
  const maxRecorded = options.maxRecordedRequests ?? 10_000;

  const registry = new KeyRegistry(now);
  const faults = new FaultQueue();
  const customRoutes = new Router();
  const builtinRoutes = new Router();
  mountIdentity(builtinRoutes);
  mountCompute(builtinRoutes);
  mountObjectStorage(builtinRoutes);
  // Spec-driven routes come last; loaded only when asked for, so the code generator's loader
  // (yaml, swagger2openapi) stays out of an emulator without specs.
  const specRoutes = new Router();
  let specOperationCount = 0;
  if (options.specs !== undefined && (!Array.isArray(options.specs) || !options.specs.every((spec) => typeof spec === "string"))) {
    throw new TypeError("startEmulator: specs must be an array of file paths");
  }
  if (options.specs !== undefined && options.specs.length > 0) {
    const lifecycleDelayMs = options.lifecycleDelayMs ?? 200;
    if (!Number.isFinite(lifecycleDelayMs) || lifecycleDelayMs < 0) throw new TypeError("startEmulator: lifecycleDelayMs must be a number ≥ 0");
    const { loadSpecServices, mountSpecs } = await import("./specs/mount.js");
    const services = await loadSpecServices(options.specs);
    const shadowed = (method: string, path: string) => customRoutes.match(method, path) !== undefined || builtinRoutes.match(method, path) !== undefined;
    specOperationCount = mountSpecs(specRoutes, services, { lifecycleDelayMs, seed: options.seed, shadowed }).operationCount;
  }

  let tls: { certificatePem: string; privateKeyPem: string } | undefined;
  let caCertificatePem: string | undefined;
  if (options.https === true) {
    const ca = await createTestCa();
    tls = await issueCertificate({
      ca,
      subject: { commonName: "localhost", organization: "oci-raw emulator" },
      subjectAltNames: { dns: ["localhost"], ip: ["127.0.0.1", "::1"] },
    });
    caCertificatePem = ca.certificatePem;
  }

  const requests: RecordedRequest[] = [];
  const server = await listen(
    {
      matchRoute: (method, path) => customRoutes.match(method, path) ?? builtinRoutes.match(method, path) ?? specRoutes.match(method, path),
      lookupKey: (keyId) => registry.lookup(keyId),
      lookupDelegation: (token) => registry.lookupDelegation(token),
      faults,
      now,
      log: options.log,
      record: (request) => {
        requests.push(request);
        if (requests.length > maxRecorded) requests.shift();
      },
      maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 * 1024,
    },
    { host, port: options.port ?? 0, tls },
  );

  const emulator: Emulator = {
    url: server.url,
    caCertificatePem,
    registerApiKey: (keyId, publicKey) => registry.registerApiKey(keyId, publicKey),
    registerSecurityToken: (token, publicKey, tokenOptions) => registry.registerSecurityToken(token, publicKey, tokenOptions),
    revokeSecurityToken: (token) => registry.revokeSecurityToken(token),
    registerDelegationToken: (token, delegationOptions) => registry.registerDelegationToken(token, delegationOptions),
    revokeDelegationToken: (token) => registry.revokeDelegationToken(token),
    createApiKey: (keyOptions) => registry.createApiKey(keyOptions),
    writeConfigFile: async (dir, configOptions = {}) => writeConfigProfile(dir, await registry.createApiKey(), configOptions),
    faults,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    route: (method, pattern, handler, routeOptions) => customRoutes.add(method, pattern, handler, routeOptions),
    specOperationCount,
    now,
    stop: () => server.stop(),
  };
  if (options.authEndpoints === true) {
    let auth: MountedAuthEndpoints;
    try {
      auth = await mountAuthEndpoints(emulator);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return { ...emulator, auth };
  }
  return { ...emulator, auth: undefined };
}

export { EmulatorHttpError } from "./errors.js";
export type { OciErrorBody } from "./errors.js";
export type { Faults, FailFault } from "./faults.js";
export { apiKeyFingerprint, EMULATOR_TENANCY_ID } from "./keys.js";
export type { ApiKey, DelegationTokenOptions, SecurityTokenOptions } from "./keys.js";
export { createTestCa, issueCertificate } from "./pki.js";
export type {
  CertificateAuthority,
  CreateTestCaOptions,
  IssueCertificateOptions,
  IssuedCertificate,
  SubjectAttribute,
  SubjectFields,
} from "./pki.js";
export { bytes, empty, json, ociError } from "./routes.js";
export type { EmulatorRequest, EmulatorResponse, RouteHandler, RouteOptions } from "./routes.js";
export type { RecordedRequest } from "./server.js";
export { seedInstances } from "./services/compute.js";
export type { Instance } from "./services/compute.js";
export type { Bucket } from "./services/objectstorage.js";
export type { User } from "./services/identity.js";
export { EMULATOR_COMPARTMENT_ID, EMULATOR_NAMESPACE, EMULATOR_REGION, SEEDED_INSTANCE_COUNT } from "./state.js";
export { DELEGATION_TOKEN_HEADER, MAX_CLOCK_SKEW_MS, buildSigningString, parseAuthorization, verifyRequestSignature } from "./verify.js";
export type {
  DelegationLookup,
  DelegationLookupResult,
  KeyLookup,
  KeyLookupResult,
  ParsedAuthorization,
  Principal,
  ReceivedRequest,
  VerificationResult,
  VerifyPolicy,
} from "./verify.js";
// Instance principals, federation and resource principals, for users' own tests of auth code.
export { issueInstanceLeaf, mountImds, mountInstancePrincipals } from "./imds.js";
export type { MountImdsOptions, MountedImds } from "./imds.js";
export { mountFederation } from "./federation.js";
export { makeJwt } from "./session-tokens.js";
export type { IssuedToken, MountFederationOptions, MountedFederation } from "./federation.js";
export { mountResourcePrincipals } from "./resource-principals.js";
export { mountAuthEndpoints } from "./auth-endpoints.js";
export type { AuthEnvironment, MountedAuthEndpoints } from "./auth-endpoints.js";
export { EMULATOR_CONFIG_REGION } from "../runtime/regions.js";
export type { MountResourcePrincipalsOptions, MountedResourcePrincipals } from "./resource-principals.js";
// OKE workload identity: a proxymux (HTTPS, its own cluster CA) whose session tokens the emulator accepts.
export { startProxymux } from "./proxymux.js";
export type { Proxymux, ProxymuxAnswerEncoding, StartProxymuxOptions } from "./proxymux.js";
