/**
 * THE refresh mechanism of every token-based credential source (instance principals,
 * resource principals, session tokens). It holds one immutable credentials value
 * `{ keyId, privateKey, expiresAt }` and swaps it whole, so a signature always pairs a token
 * with the session key it was issued for. (The official TypeScript SDK reads the key id and
 * the key in two awaits and installs the new session key before the new token arrives;
 * requests signed in between fail.)
 *
 * - Lazy: no timers. Nothing refreshes unless someone asks for credentials, so nothing keeps
 *   the process alive.
 * - Refresh ahead of expiry: inside the refresh window the current value is still served while
 *   one background refresh runs; once half the window is left (or the value expired) callers
 *   wait for the refresh.
 * - One refresh at a time: concurrent callers share one in-flight promise, cleared in
 *   `finally`; a failed refresh leaves nothing behind, so the next call tries again.
 * - A background refresh that fails never surfaces as an unhandled rejection.
 */
import type { KeyObject } from "node:crypto";
import { AuthError } from "../errors.js";
import { securityTokenKeyId } from "../signers.js";
import type { SigningCredentials } from "../signing.js";
import { SingleFlight } from "./single-flight.js";

/** Signing credentials with the instant (ms since the epoch) after which they stop working. */
export interface ExpiringCredentials extends SigningCredentials {
  readonly expiresAt: number;
}

/** Credentials of a security token and its session key (keyId `ST$<token>`), as one frozen value. */
export function securityTokenCredentials(token: string, privateKey: KeyObject, expiresAt: number): ExpiringCredentials {
  return Object.freeze({ keyId: securityTokenKeyId(token), privateKey, expiresAt });
}

/** What every token-based provider takes about refreshing: one unit, milliseconds. */
export interface RefreshOptions {
  /**
   * How long before expiry to start refreshing (ms). Default 5 minutes. For credentials that
   * live less than twice this long, half their lifetime is used instead, so short-lived tokens
   * are not refreshed on every call.
   */
  refreshWindowMs?: number | undefined;
  /** Clock (ms since the epoch), for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

export interface RefreshingCredentialsOptions extends RefreshOptions {
  /** Obtain new credentials. Never called by two callers at once. */
  fetchCredentials: () => Promise<ExpiringCredentials>;
  /** What the credentials are, for error messages (e.g. "instance principal token"). */
  description?: string | undefined;
}

export const DEFAULT_REFRESH_WINDOW_MS = 5 * 60 * 1000;
/** After a failed background refresh, wait this long before starting another in the background. */
const BACKGROUND_RETRY_DELAY_MS = 1000;

interface Held {
  readonly value: ExpiringCredentials;
  /** When the value was obtained (ms), to know its lifetime. */
  readonly obtainedAt: number;
}

export class RefreshingCredentials {
  readonly #fetch: () => Promise<ExpiringCredentials>;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #description: string;
  #held: Held | undefined;
  readonly #refresh = new SingleFlight(async (): Promise<ExpiringCredentials> => {
    const value = checkCredentials(await this.#fetch(), this.#description);
    this.#held = { value, obtainedAt: this.#now() };
    return value;
  });
  #lastBackgroundFailureAt = Number.NEGATIVE_INFINITY;

  constructor(options: RefreshingCredentialsOptions) {
    const windowMs = options.refreshWindowMs ?? DEFAULT_REFRESH_WINDOW_MS;
    if (!Number.isFinite(windowMs) || windowMs < 0) {
      throw new TypeError(`refreshWindowMs must be a non-negative number of milliseconds, got ${String(windowMs)}`);
    }
    this.#fetch = options.fetchCredentials;
    this.#windowMs = windowMs;
    this.#now = options.now ?? Date.now;
    this.#description = options.description ?? "credentials";
  }

  /** Credentials to sign with now: the held value, or a fresh one when it is (nearly) expired. */
  credentials(): Promise<ExpiringCredentials> {
    const held = this.#held;
    if (held) {
      const now = this.#now();
      const window = Math.min(this.#windowMs, Math.max(0, held.value.expiresAt - held.obtainedAt) / 2);
      if (now < held.value.expiresAt - window) return Promise.resolve(held.value);
      if (now < held.value.expiresAt - window / 2) {
        if (!this.#refresh.current && now - this.#lastBackgroundFailureAt >= BACKGROUND_RETRY_DELAY_MS) {
          this.#refresh.start().catch(() => {
            // Served the current value; the next call (after a short pause) tries again.
            this.#lastBackgroundFailureAt = this.#now();
          });
        }
        return Promise.resolve(held.value);
      }
    }
    return this.#refresh.start();
  }

  /** The value held, while it has not expired (it may be inside its refresh window). */
  held(): ExpiringCredentials | undefined {
    const held = this.#held;
    return held && this.#now() < held.value.expiresAt ? held.value : undefined;
  }

  /**
   * Get new credentials now (after a 401 from credentials that looked valid). Joins a refresh
   * that is already running instead of starting a second one.
   */
  refresh(): Promise<ExpiringCredentials> {
    return this.#refresh.start();
  }
}

function checkCredentials(value: ExpiringCredentials, description: string): ExpiringCredentials {
  if (!value || typeof value.keyId !== "string" || value.keyId === "" || !value.privateKey) {
    throw new AuthError(`Obtaining ${description} returned no key id or key.`, { code: "CREDENTIALS_INVALID" });
  }
  if (typeof value.expiresAt !== "number" || Number.isNaN(value.expiresAt)) {
    throw new AuthError(`Obtaining ${description} returned no expiry time.`, { code: "CREDENTIALS_INVALID" });
  }
  return Object.isFrozen(value)
    ? value
    : Object.freeze({ keyId: value.keyId, privateKey: value.privateKey, expiresAt: value.expiresAt });
}
