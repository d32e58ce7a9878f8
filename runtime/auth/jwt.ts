/**
 * Reading (not verifying) a JWT's claims. Clients never verify the tokens OCI gives them —
 * the service does — they only read `exp` to know when to refresh, and a few claims
 * (`res_tenant`, …). Errors never include the token.
 */
import { AuthError } from "../errors.js";

export type JwtClaims = Readonly<Record<string, unknown>>;

/** The payload (claims) of a JWT. Throws AuthError for anything that is not a JWT. */
export function decodeJwtPayload(token: string, what = "The security token"): JwtClaims {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || !parts[1]) {
    throw new AuthError(`${what} is not a JWT (expected three dot-separated base64url parts, got ${parts.length}).`, {
      code: "TOKEN_NOT_JWT",
    });
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    // No cause: JSON.parse's message quotes the text it choked on, here a token's payload.
    throw new AuthError(`${what} is not a JWT: its payload is not base64url-encoded JSON.`, { code: "TOKEN_NOT_JWT" });
  }
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) {
    throw new AuthError(`${what} is not a JWT: its payload is not a JSON object.`, { code: "TOKEN_NOT_JWT" });
  }
  return claims as JwtClaims;
}

/** When the token expires (ms since the epoch), from its `exp` claim (seconds). */
export function jwtExpiresAt(token: string, what = "The security token"): number {
  const exp = decodeJwtPayload(token, what)["exp"];
  if (typeof exp !== "number" || !Number.isFinite(exp)) {
    throw new AuthError(`${what} has no numeric "exp" claim, so its expiry is unknown.`, { code: "TOKEN_NO_EXPIRY" });
  }
  return exp * 1000;
}
