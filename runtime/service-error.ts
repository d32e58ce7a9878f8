/**
 * A non-2xx answer → OciServiceError, from OCI's JSON error body `{ code, message }`, with the
 * `opc-request-id` to quote to Oracle support, and a clock-skew diagnosis for 401s: OCI
 * rejects signatures whose date is more than 5 minutes off, which otherwise looks like a
 * wrong key.
 */
import { redactUserinfo } from "./transport.js";
import { OciServiceError } from "./errors.js";
import { quotedText } from "./redact.js";

/** OCI's tolerance for the signed date. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export interface ErrorContext {
  method: string;
  url: string | URL;
  /** The local clock (tests). Default `Date.now()`. */
  now?: number | undefined;
}

// A non-JSON body is usually an HTML error page: its start says enough. A JSON message is
// OCI's own sentence, longer at times, but never worth an unbounded error message.
const MAX_TEXT_MESSAGE = 200;
const MAX_SERVICE_MESSAGE = 1000;
const MAX_CODE = 100;

/** "Not Found" → "NotFound"; no status text → "HTTP404". */
function codeFromStatus(status: number, statusText: string): string {
  const words = statusText.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.length > 0 ? words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("") : `HTTP${status}`;
}

function parseErrorBody(text: string): { code?: string; message?: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) {
      const { code, message } = parsed as Record<string, unknown>;
      return {
        ...(typeof code === "string" && code !== "" ? { code } : {}),
        ...(typeof message === "string" ? { message } : {}),
      };
    }
  } catch {
    // not JSON: the caller falls back to the text
  }
  return {};
}

/** The skew between the service's `date` header and the local clock, when it exceeds OCI's limit. */
export function detectClockSkew(
  dateHeader: string | null,
  now: number,
): { serverDate: string; localDate: string; skewSeconds: number } | undefined {
  if (!dateHeader) return undefined;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return undefined;
  const skewSeconds = Math.round((now - server) / 1000);
  if (Math.abs(skewSeconds) <= MAX_CLOCK_SKEW_SECONDS) return undefined;
  return { serverDate: new Date(server).toUTCString(), localDate: new Date(now).toUTCString(), skewSeconds };
}

function withoutQuery(url: string): string {
  const at = url.indexOf("?");
  return at === -1 ? url : url.slice(0, at);
}

/**
 * Read a non-2xx response (its body is consumed) into an OciServiceError. Non-JSON bodies
 * give a code from the status text and the first 200 characters of the text as message; a
 * JSON message is cut at 1 000. Token-, signature- and key-shaped text is redacted.
 */
export async function errorFromResponse(response: Response, context: ErrorContext): Promise<OciServiceError> {
  let text = "";
  try {
    text = await response.text();
  } catch {
    // a body that breaks off still leaves a useful error
  }
  const body = parseErrorBody(text);
  // The body is the service's, and may echo what was sent (the authorization header, a
  // token): secret-shaped text is redacted and everything quoted is bounded.
  const code = body.code !== undefined ? quotedText(body.code, MAX_CODE) : codeFromStatus(response.status, response.statusText);
  const serviceMessage =
    body.message !== undefined
      ? quotedText(body.message, MAX_SERVICE_MESSAGE)
      : text.trim() !== ""
        ? quotedText(text.trim(), MAX_TEXT_MESSAGE)
        : response.statusText || `HTTP ${response.status}`;
  const opcRequestId = response.headers.get("opc-request-id") ?? undefined;
  const method = context.method.toUpperCase();
  const url = redactUserinfo(String(context.url));

  const now = context.now ?? Date.now();
  const clockSkew = response.status === 401 ? detectClockSkew(response.headers.get("date"), now) : undefined;
  let message = `${method} ${withoutQuery(url)} failed with ${response.status} ${code}: ${serviceMessage}`;
  if (opcRequestId) message += ` (opc-request-id: ${opcRequestId})`;
  if (clockSkew) {
    const direction = clockSkew.skewSeconds > 0 ? "ahead of" : "behind";
    message +=
      `. The local clock is ${Math.abs(clockSkew.skewSeconds)} s ${direction} the service's ` +
      `(service: ${clockSkew.serverDate}, local: ${clockSkew.localDate}); OCI rejects signatures dated more than ` +
      `${MAX_CLOCK_SKEW_SECONDS / 60} minutes off. Synchronise the system clock (e.g. enable NTP).`;
  }
  return new OciServiceError({ status: response.status, code, message, opcRequestId, method, url, clockSkew });
}
