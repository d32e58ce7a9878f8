/**
 * The emulator's public shapes, apart from index.ts so the handlers that take an `Emulator`
 * (imds, federation, session tokens, resource principals) need not import the module that
 * mounts them.
 */
import type { KeyObject } from "node:crypto";
import type { Faults } from "./faults.js";
import type { ApiKey, DelegationTokenOptions, SecurityTokenOptions } from "./keys.js";
import type { RouteHandler, RouteOptions } from "./routes.js";
import type { RecordedRequest } from "./server.js";

export interface StartEmulatorOptions {
  /** Serve HTTPS with a certificate from a fresh test CA (see `caCertificatePem`). */
  readonly https?: boolean;
  /** Loopback address to listen on: "127.0.0.1" (default) or "::1". */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** The emulator's clock runs this many seconds ahead of the real one (negative: behind). */
  readonly clockOffsetSeconds?: number;
  /** Receives one line per request (never secrets); nothing is logged without it. */
  readonly log?: (line: string) => void;
  /** Only the latest this many requests are kept in `requests` (default 10 000). */
  readonly maxRecordedRequests?: number;
  /** Larger bodies are answered 413 (default 64 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Also serve instance metadata, federation and resource principal endpoints (see
   * `StartedEmulator.auth`),
   * whose region is EMULATOR_CONFIG_REGION. Default false.
   */
  readonly authEndpoints?: boolean;
  /**
   * Oracle's OpenAPI 3 / Swagger 2.0 specs (paths) whose every operation the emulator also
   * serves, from memory (emulator/specs/mount.ts); the built-in routes keep precedence.
   */
  readonly specs?: readonly string[];
  /**
   * Spec-driven resources: how long a new one stays PROVISIONING-like before ACTIVE-like, a
   * deleted one TERMINATING-like then TERMINATED-like, and a work request ACCEPTED then
   * IN_PROGRESS before SUCCEEDED, in ms on the emulator clock (default 200).
   */
  readonly lifecycleDelayMs?: number;
  /** Spec-driven resources get ids derived from it: the same requests give the same OCIDs. */
  readonly seed?: string | number;
}

export interface WriteConfigFileOptions {
  /** Default "DEFAULT". */
  readonly profile?: string;
  /**
   * Default EMULATOR_CONFIG_REGION ("oci-raw-emulator"): not an OCI region, so code that
   * builds an endpoint from the config's region gets a typed error rather than an Oracle host,
   * and the config's credentials sign only requests to loopback.
   */
  readonly region?: string;
}

export interface Emulator {
  /** The origin, e.g. "http://127.0.0.1:43121" or "https://[::1]:43121". */
  readonly url: string;
  /** The test CA's certificate when serving HTTPS (trust it, e.g. undici `Agent({ connect: { ca } })`). */
  readonly caCertificatePem: string | undefined;
  /** Accept signatures by `publicKey` under keyId "<tenancy>/<user>/<fingerprint>". */
  registerApiKey(keyId: string, publicKey: KeyObject | string): void;
  /** Accept keyId "ST$<token>" signed by `publicKey` until `expiresAt` (emulator clock). */
  registerSecurityToken(token: string, publicKey: KeyObject | string, options: SecurityTokenOptions): void;
  /** Later requests with this token get 401. */
  revokeSecurityToken(token: string): void;
  /**
   * Accept this delegation token in `opc-obo-token` (instance_obo_user, Cloud Shell) on requests
   * that are otherwise validly signed and list `opc-obo-token` in their signed headers; an
   * unsigned or unknown one gets 401 NotAuthenticated. The principal records `onBehalfOf`.
   */
  registerDelegationToken(token: string, options?: DelegationTokenOptions): void;
  /** Later requests with this delegation token get 401. */
  revokeDelegationToken(token: string): void;
  /** A fresh registered RSA key (2048-bit by default); fingerprint as OCI computes it. */
  createApiKey(options?: { readonly modulusLength?: number }): Promise<ApiKey>;
  /** Writes an OCI config profile and its key file for a fresh API key into `dir`; returns the config path. */
  writeConfigFile(dir: string, options?: WriteConfigFileOptions): Promise<string>;
  readonly faults: Faults;
  /** Requests as received, oldest first. Holds raw headers: never log it. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  clearRequests(): void;
  /** Adds a route, matched before the built-in services. Patterns: "/a/{name}/b/{rest+}" or a RegExp with named groups. */
  route(method: string, pattern: string | RegExp, handler: RouteHandler, options?: RouteOptions): void;
  /** How many operations the `specs` option added (0 without it). */
  readonly specOperationCount: number;
  /** The emulator's clock (real clock + `clockOffsetSeconds`). */
  readonly now: () => Date;
  /** Closes the server and every connection, cancels injected delays. */
  stop(): Promise<void>;
}
