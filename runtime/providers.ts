/**
 * The token-based auth providers as the package entry exports them: each loads its module
 * (runtime/auth/) on first call, so a program that signs with an API key never loads the
 * providers' code — a quarter of the runtime's import time (benchmark figure 4).
 * `oci-raw/auth` exports the same functions directly, with the pieces they are built from.
 */
import type { OciConfig } from "./config.js";
import type { AuthFromEnvironmentOptions } from "./auth/from-environment.js";
import type { InstancePrincipalsSigner, InstancePrincipalsSignerOptions } from "./auth/instance-principals.js";
import type { OkeWorkloadIdentitySigner, OkeWorkloadIdentitySignerOptions } from "./auth/oke-workload-identity.js";
import type { ResourcePrincipalsSigner, ResourcePrincipalsSignerOptions } from "./auth/resource-principals.js";
import type { SessionTokenSigner, SessionTokenSignerOptions } from "./auth/session-token.js";
import type { RequestSigner } from "./signers.js";

/**
 * Instance principals (the Python SDK's `InstancePrincipalsSecurityTokenSigner`; with
 * `delegationToken`, its `InstancePrincipalsDelegationTokenSigner`): region and certificates
 * from instance metadata, the first token obtained before this resolves.
 */
export async function instancePrincipalsSigner(options?: InstancePrincipalsSignerOptions): Promise<InstancePrincipalsSigner> {
  return (await import("./auth/instance-principals.js")).instancePrincipalsSigner(options);
}

/**
 * Resource principals v2.2, v1.1 or 3.0 from `OCI_RESOURCE_PRINCIPAL_*` (the Python SDK's
 * `get_resource_principals_signer`; with `delegationToken`, its `get_resource_principal_delegation_token_signer`).
 */
export async function resourcePrincipalsSigner(options?: ResourcePrincipalsSignerOptions): Promise<ResourcePrincipalsSigner> {
  return (await import("./auth/resource-principals.js")).resourcePrincipalsSigner(options);
}

/**
 * OKE workload identity (the Python SDK's `get_oke_workload_identity_resource_principal_signer`):
 * the pod's service account token traded at the cluster's proxymux for a session token, the
 * first one obtained before this resolves.
 */
export async function okeWorkloadIdentitySigner(options?: OkeWorkloadIdentitySignerOptions): Promise<OkeWorkloadIdentitySigner> {
  return (await import("./auth/oke-workload-identity.js")).okeWorkloadIdentitySigner(options);
}

/** A session token file and its key (`oci session authenticate`), read once before this resolves. */
export async function sessionTokenSigner(options: SessionTokenSignerOptions): Promise<SessionTokenSigner> {
  return (await import("./auth/session-token.js")).sessionTokenSigner(options);
}

/** `sessionTokenSigner` for a config profile with `security_token_file` and `key_file`. */
export async function sessionTokenSignerFromConfig(
  config: OciConfig,
  options?: Omit<SessionTokenSignerOptions, "securityTokenFile" | "keyFile" | "passPhrase" | "profile">,
): Promise<SessionTokenSigner> {
  return (await import("./auth/session-token.js")).sessionTokenSignerFromConfig(config, options);
}

/** A signer as the OCI CLI would choose it: `auth` or `OCI_CLI_AUTH`, else the config file's profile. */
export async function authFromEnvironment(options?: AuthFromEnvironmentOptions): Promise<RequestSigner> {
  return (await import("./auth/from-environment.js")).authFromEnvironment(options);
}
