/**
 * Signing with a session token (`oci session authenticate`): a config profile with
 * `security_token_file` and `key_file` (no user or fingerprint). `oci session refresh`
 * rewrites the token file in place, so the file is watched and re-read when it changes.
 */
import { readFile } from "node:fs/promises";
import { AuthError } from "../errors.js";
import { whyUnreadable } from "../files.js";
import { expandHome, loadPrivateKey } from "../keys.js";
import { isEmulatorRegion } from "../regions.js";
import { CredentialsSigner, limitToEmulator } from "../signers.js";
import type { SignatureHeaderLists } from "../signing.js";
import { describeConfigSource, requireKeys, type OciConfig } from "../config.js";
import { jwtExpiresAt } from "./jwt.js";
import { RefreshingCredentials, securityTokenCredentials, type ExpiringCredentials, type RefreshOptions } from "./refreshing.js";
import { rereadOnChange, WatchedFile } from "./watched-file.js";

export interface SessionTokenSignerOptions extends SignatureHeaderLists, RefreshOptions {
  /** The file holding the token (`security_token_file`; `~` expanded). */
  securityTokenFile: string;
  /** The session's private key (`key_file`; `~` expanded). */
  keyFile: string;
  passPhrase?: string | undefined;
  /** The profile, for the "run oci session refresh" hint. */
  profile?: string | undefined;
  onWarning?: ((message: string) => void) | undefined;
  /** Look at the token file for a rewrite at most this often (default 1 000 ms; a 401 re-reads it at once). */
  checkIntervalMs?: number | undefined;
}

/**
 * A signer over a session token file and its key. Signatures check (one shared `stat`, at most
 * once per `checkIntervalMs`) whether the token file changed and re-read it if so. Made by
 * `sessionTokenSigner()` or `sessionTokenSignerFromConfig()`.
 */
export class SessionTokenSigner extends CredentialsSigner {
  readonly securityTokenFile: string;
  readonly keyFile: string;

  /** @internal Use `sessionTokenSigner()`, which reads the token once so a broken session fails there. */
  constructor(options: SessionTokenSignerOptions) {
    const tokenFile = expandHome(options.securityTokenFile);
    const keyFile = expandHome(options.keyFile);
    const watched = new WatchedFile(tokenFile, { checkIntervalMs: options.checkIntervalMs, now: options.now });
    const refreshing = new RefreshingCredentials({
      description: `the session token in ${tokenFile}`,
      refreshWindowMs: options.refreshWindowMs,
      now: options.now,
      fetchCredentials: () => readSessionCredentials(watched, keyFile, options),
    });
    super(rereadOnChange(watched, refreshing), options);
    this.securityTokenFile = tokenFile;
    this.keyFile = keyFile;
  }
}

async function readSessionCredentials(
  watched: WatchedFile,
  keyFile: string,
  options: SessionTokenSignerOptions,
): Promise<ExpiringCredentials> {
  await watched.mark();
  let token: string;
  try {
    token = (await readFile(watched.path, "utf8")).trim();
  } catch (cause) {
    throw new AuthError(
      `The session token file ${watched.path} ${whyUnreadable(cause)}. ` +
        `Create a session with \`oci session authenticate\`${options.profile ? ` --profile-name ${options.profile}` : ""}.`,
      { code: "SESSION_TOKEN_UNREADABLE", cause },
    );
  }
  if (token === "") {
    throw new AuthError(`The session token file ${watched.path} is empty.`, { code: "SESSION_TOKEN_UNREADABLE" });
  }
  const expiresAt = jwtExpiresAt(token, `The session token in ${watched.path}`);
  if (expiresAt <= (options.now ?? Date.now)()) {
    throw new AuthError(
      `The session token in ${watched.path} expired at ${new Date(expiresAt).toISOString()}. ` +
        `Run \`oci session refresh${options.profile ? ` --profile ${options.profile}` : ""}\` (or \`oci session authenticate\` once it can no longer be refreshed).`,
      { code: "SESSION_TOKEN_EXPIRED" },
    );
  }
  const privateKey = loadPrivateKey(keyFile, options.passPhrase, {
    onWarning: options.onWarning,
    source: "the session key",
  });
  return securityTokenCredentials(token, privateKey, expiresAt);
}

/**
 * A session token signer over a token file and its key. Reads the token once now, so a
 * missing or expired session fails here rather than on first use.
 */
export async function sessionTokenSigner(options: SessionTokenSignerOptions): Promise<SessionTokenSigner> {
  const signer = new SessionTokenSigner(options);
  await signer.refresh();
  return signer;
}

/** `sessionTokenSigner` for a config profile with `security_token_file` and `key_file`. */
export async function sessionTokenSignerFromConfig(
  config: OciConfig,
  options: Omit<SessionTokenSignerOptions, "securityTokenFile" | "keyFile" | "passPhrase" | "profile"> = {},
): Promise<SessionTokenSigner> {
  requireKeys(config, ["security_token_file", "key_file"], "to sign with a session token (`oci session authenticate` creates such a profile)");
  const signer = await sessionTokenSigner({
    ...options,
    securityTokenFile: config.securityTokenFile!,
    keyFile: config.keyFile!,
    passPhrase: config.passPhrase,
    profile: config.profile,
  });
  // A profile of the emulator's (region=oci-raw-emulator) signs only for the emulator.
  return isEmulatorRegion(config.region) ? limitToEmulator(signer, `The session token of ${describeConfigSource(config)}`) : signer;
}
