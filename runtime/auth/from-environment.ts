/**
 * Choosing how to authenticate, as the OCI CLI does: an explicit `auth` (the CLI's `--auth`)
 * beats `OCI_CLI_AUTH`, which beats the config profile (a profile with `security_token_file`
 * signs with its session token, any other with its API key).
 */
import { loadConfig, signerFromConfig } from "../config.js";
import { AuthError } from "../errors.js";
import type { RequestSigner } from "../signers.js";
import type { AuthTransportOptions } from "./fetch-util.js";
import { closest } from "../suggest.js";
import { sessionTokenSignerFromConfig } from "./session-token.js";
import { instancePrincipalsSigner } from "./instance-principals.js";
import { resourcePrincipalsSigner } from "./resource-principals.js";
import { okeWorkloadIdentitySigner } from "./oke-workload-identity.js";

/** The `--auth` / `OCI_CLI_AUTH` values oci-raw supports. */
export const SUPPORTED_AUTH_MODES = Object.freeze([
  "api_key",
  "security_token",
  "instance_principal",
  "resource_principal",
  "oke_workload_identity",
] as const);
export type AuthMode = (typeof SUPPORTED_AUTH_MODES)[number];

/** Valid OCI CLI values that oci-raw does not support yet (DECISIONS.md 8). */
const NOT_YET_SUPPORTED = Object.freeze(["instance_obo_user"]);

export interface AuthFromEnvironmentOptions extends AuthTransportOptions {
  /** The CLI's `--auth`; beats `OCI_CLI_AUTH`. */
  auth?: string | undefined;
  /** Config file; beats `OCI_CLI_CONFIG_FILE`, `OCI_CONFIG_FILE` and `~/.oci/config`. */
  configFile?: string | undefined;
  /** Config profile; beats `OCI_CLI_PROFILE`. */
  profile?: string | undefined;
  /** Environment (default `process.env`). */
  env?: NodeJS.ProcessEnv | undefined;
  /** Instance principals: IMDS base URL (default `OCI_METADATA_BASE_URL`, then `http://169.254.169.254/opc/v2`). */
  metadataBaseUrl?: string | undefined;
  /** Instance principals: federation endpoint (default `OCI_RAW_FEDERATION_ENDPOINT`, then from the region). */
  federationEndpoint?: string | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

/** How `authFromEnvironment` would choose, without loading anything (for `--debug`). */
export function chooseAuthMode(options: Pick<AuthFromEnvironmentOptions, "auth" | "env"> = {}): AuthMode | "config" {
  const env = options.env ?? process.env;
  const explicit = options.auth ?? (env["OCI_CLI_AUTH"] || undefined);
  if (explicit === undefined) return "config";
  return checkAuthMode(explicit, options.auth !== undefined ? "--auth" : "OCI_CLI_AUTH");
}

/** A signer for the chosen mode. Errors are typed (ConfigError, KeyError, AuthError) and say what to do. */
export async function authFromEnvironment(options: AuthFromEnvironmentOptions = {}): Promise<RequestSigner> {
  const env = options.env ?? process.env;
  const mode = chooseAuthMode(options);
  const transport = { fetch: options.fetch, dispatcher: options.dispatcher, retry: options.retry, timeoutMs: options.timeoutMs };
  const configOptions = { file: options.configFile, profile: options.profile, env, onWarning: options.onWarning };

  switch (mode) {
    case "config": {
      const config = loadConfig(configOptions);
      if (config.securityTokenFile !== undefined && config.securityTokenFile !== "") {
        return sessionTokenSignerFromConfig(config, { onWarning: options.onWarning });
      }
      return signerFromConfig(config, { onWarning: options.onWarning });
    }
    case "api_key":
      return signerFromConfig(loadConfig(configOptions), { onWarning: options.onWarning });
    case "security_token":
      return sessionTokenSignerFromConfig(loadConfig(configOptions), { onWarning: options.onWarning });
    case "instance_principal":
      return instancePrincipalsSigner({
        env,
        metadataBaseUrl: options.metadataBaseUrl,
        federationEndpoint: options.federationEndpoint,
        ...transport,
      });
    case "resource_principal":
      return resourcePrincipalsSigner({
        env,
        metadataBaseUrl: options.metadataBaseUrl,
        federationEndpoint: options.federationEndpoint,
        ...transport,
      });
    case "oke_workload_identity":
      // Not the caller's fetch/dispatcher: they are for OCI's services (a proxy, a CA bundle);
      // the proxymux is inside the cluster and verified against the cluster CA.
      return okeWorkloadIdentitySigner({ env, retry: options.retry, timeoutMs: options.timeoutMs });
  }
}

function checkAuthMode(value: string, from: string): AuthMode {
  const v = value.trim();
  if ((SUPPORTED_AUTH_MODES as readonly string[]).includes(v)) return v as AuthMode;
  const supported = SUPPORTED_AUTH_MODES.join(", ");
  if (NOT_YET_SUPPORTED.includes(v)) {
    throw new AuthError(`${from} ${v} is not supported yet by oci-raw. Supported: ${supported}.`, {
      code: "AUTH_MODE_NOT_SUPPORTED",
    });
  }
  const near = closest(v.toLowerCase().replaceAll("-", "_"), [...SUPPORTED_AUTH_MODES, ...NOT_YET_SUPPORTED]);
  throw new AuthError(
    `${from} "${v}" is not an auth mode.${near ? ` Did you mean ${near}?` : ""} Supported: ${supported}.`,
    { code: "AUTH_MODE_UNKNOWN" },
  );
}
