/**
 * Auth-specific errors. Everything here extends AuthError (runtime/errors.ts), so callers can
 * catch one class for "could not get credentials".
 */
import { AuthError } from "../errors.js";

/**
 * The process is not set up for resource principals: `OCI_RESOURCE_PRINCIPAL_VERSION` or a
 * variable its version needs is missing. `missing` names the variables.
 */
export class ResourcePrincipalsNotConfiguredError extends AuthError {
  override name = "ResourcePrincipalsNotConfiguredError";
  readonly missing: readonly string[];

  constructor(missing: readonly string[], detail?: string) {
    super(
      `This process is not configured for resource principals: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set` +
        `${detail ? ` (${detail})` : ""}. Resource principals work inside OCI Functions, Data Flow and other services that ` +
        `set these variables; elsewhere use --auth api_key, security_token or instance_principal.`,
      { code: "RESOURCE_PRINCIPALS_NOT_CONFIGURED" },
    );
    this.missing = Object.freeze([...missing]);
  }
}
