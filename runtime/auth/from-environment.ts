/**
 * Choosing how to authenticate, as the OCI CLI does: an explicit `auth` (the CLI's `--auth`)
 * beats `OCI_CLI_AUTH`, which beats the config profile (a profile with `security_token_file`
 * signs with its session token, any other with its API key). The profile is `loadConfig`'s:
 * OCI_CLI_* variables over the file, or those variables alone. `instance_obo_user` is
 * instance principals with the delegation token of `OCI_CLI_DELEGATION_TOKEN_FILE` or the
 * profile's `delegation_token_file`.
 */
import { readFile } from "node:fs/promises";
import { describeConfigSource, loadConfig, signerFromConfig, type LoadConfigOptions } from "../config.js";
import { AuthError, ConfigError } from "../errors.js";
import { isMissingFile, whyUnreadable } from "../files.js";
import { expandHome } from "../keys.js";
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
  "instance_obo_user",
] as const);
export type AuthMode = (typeof SUPPORTED_AUTH_MODES)[number];

export interface AuthFromEnvironmentOptions extends AuthTransportOptions {
  /** The CLI's `--auth`; beats `OCI_CLI_AUTH`. */
  auth?: string | undefined;
  /** Config file; beats `OCI_CLI_CONFIG_FILE`, `OCI_CONFIG_FILE` and `~/.oci/config`. */
  configFile?: string | undefined;
  /** Config profile; beats `OCI_CLI_PROFILE`. */
  profile?: string | undefined;
  /** Environment (default `process.env`; when given, `process.env` is never read). */
  env?: NodeJS.ProcessEnv | undefined;
  /** The CLI's `--region`: beats `OCI_CLI_REGION` and the profile's region (see `loadConfig`). */
  region?: string | undefined;
  /** Instance principals: IMDS base URL (default `OCI_METADATA_BASE_URL`, then `http://169.254.169.254/opc/v2`). */
  metadataBaseUrl?: string | undefined;
  /** Instance principals: federation endpoint (default `OCI_RAW_FEDERATION_ENDPOINT`, then `OCI_CLI_FEDERATION_ENDPOINT`, then from the region). */
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
  const configOptions = { file: options.configFile, profile: options.profile, env, region: options.region, onWarning: options.onWarning };

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
    case "instance_obo_user":
      return instancePrincipalsSigner({
        env,
        metadataBaseUrl: options.metadataBaseUrl,
        federationEndpoint: options.federationEndpoint,
        delegationToken: await readDelegationToken(configOptions),
        ...transport,
      });
  }
}

/**
 * The delegation token of `instance_obo_user`, as the OCI CLI reads it: the file named by
 * `OCI_CLI_DELEGATION_TOKEN_FILE` (then no config file is needed) or the profile's
 * `delegation_token_file`, `~` expanded, content trimmed. The CLI's two errors: no file named,
 * and the file not found. The token itself is never put in a message.
 */
async function readDelegationToken(configOptions: LoadConfigOptions): Promise<string> {
  const env = configOptions.env ?? {};
  const variable = env["OCI_CLI_DELEGATION_TOKEN_FILE"]?.trim();
  let path: string;
  let source: string;
  if (variable) {
    path = expandHome(variable);
    source = "environment variable OCI_CLI_DELEGATION_TOKEN_FILE";
  } else {
    let config;
    try {
      config = loadConfig(configOptions);
    } catch (error) {
      if (error instanceof ConfigError && error.code === "CONFIG_FILE_NOT_FOUND") {
        throw new ConfigError(
          `instance_obo_user needs a delegation token file: set OCI_CLI_DELEGATION_TOKEN_FILE, or put delegation_token_file=<path> in a config profile (${error.message})`,
          { ...(error.file === undefined ? {} : { file: error.file }), key: "delegation_token_file", code: "CONFIG_FILE_NOT_FOUND", cause: error },
        );
      }
      throw error;
    }
    if (config.delegationTokenFile === undefined) {
      throw new ConfigError(
        `instance_obo_user needs a delegation token file, and ${describeConfigSource(config)} names none. ` +
          `Specify the location of the delegation token: add delegation_token_file=<path> to that profile, or set OCI_CLI_DELEGATION_TOKEN_FILE.`,
        {
          ...(config.file === undefined ? {} : { file: config.file, line: config.profileLine }),
          profile: config.profile,
          key: "delegation_token_file",
          code: "CONFIG_KEY_MISSING",
        },
      );
    }
    path = config.delegationTokenFile;
    source = describeConfigSource(config, "delegation_token_file");
  }
  let token: string;
  try {
    token = (await readFile(path, "utf8")).trim();
  } catch (cause) {
    throw new AuthError(
      isMissingFile(cause)
        ? `delegation_token_file not found at ${path} (${source}). Point it at the file holding the delegation token (Cloud Shell keeps it current).`
        : `The delegation token file ${path} (${source}) ${whyUnreadable(cause)}.`,
      { code: "DELEGATION_TOKEN_UNREADABLE", cause },
    );
  }
  if (token === "") {
    throw new AuthError(`The delegation token file ${path} (${source}) is empty.`, { code: "DELEGATION_TOKEN_UNREADABLE" });
  }
  return token;
}

function checkAuthMode(value: string, from: string): AuthMode {
  const v = value.trim();
  if ((SUPPORTED_AUTH_MODES as readonly string[]).includes(v)) return v as AuthMode;
  const supported = SUPPORTED_AUTH_MODES.join(", ");
  const near = closest(v.toLowerCase().replaceAll("-", "_"), SUPPORTED_AUTH_MODES);
  throw new AuthError(
    `${from} "${v}" is not an auth mode.${near ? ` Did you mean ${near}?` : ""} Supported: ${supported}.`,
    { code: "AUTH_MODE_UNKNOWN" },
  );
}
