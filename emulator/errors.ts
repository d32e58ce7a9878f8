/**
 * OCI-style error answers: status + JSON `{ "code": "...", "message": "..." }`.
 *
 * Handlers throw `EmulatorHttpError`; the server turns it into the answer, so service code
 * reads as a list of checks rather than a tree of early returns.
 */

export interface OciErrorBody {
  readonly code: string;
  readonly message: string;
}

export class EmulatorHttpError extends Error {
  override readonly name = "EmulatorHttpError";
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  body(): OciErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function notAuthenticated(reason: string): EmulatorHttpError {
  return new EmulatorHttpError(401, "NotAuthenticated", `The required information to complete authentication was not provided or was incorrect: ${reason}`);
}

export function notFound(what = "The requested resource"): EmulatorHttpError {
  return new EmulatorHttpError(404, "NotAuthorizedOrNotFound", `${what} was not found, or you are not authorized to access it.`);
}

export function missingParameter(name: string): EmulatorHttpError {
  return new EmulatorHttpError(400, "MissingParameter", `Missing required parameter '${name}'.`);
}

export function invalidParameter(message: string): EmulatorHttpError {
  return new EmulatorHttpError(400, "InvalidParameter", message);
}
