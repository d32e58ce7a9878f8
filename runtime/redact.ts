/**
 * Redaction of secret-shaped text that arrives from outside — a service's error message that
 * echoes the request's `authorization` header, say — before it is put into an error or printed.
 * Shapes, not names: a security token (`ST$…`, a JWT), a signature, a bearer token, a PEM block.
 */

const SECRET_SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]{1,40}-----[\s\S]*?(?:-----END [A-Z0-9 ]{1,40}-----|$)/g, "<redacted PEM>"],
  [/ST\$[^\s"',;)}\]]+/g, "ST$<redacted>"],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?/g, "<redacted JWT>"],
  [/(signature\s*=\s*)"[^"]*"?/gi, '$1"<redacted>"'],
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, "$1 <redacted>"],
];

/** `text` with every secret-shaped part replaced by a placeholder. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [shape, placeholder] of SECRET_SHAPES) out = out.replace(shape, placeholder);
  return out;
}

/**
 * Outside text fit for a message: redacted, then cut to `max` characters. Only the first
 * 4 × `max` characters are looked at, so a huge body costs no more than a short one.
 */
export function quotedText(text: string, max: number): string {
  const redacted = redactSecrets(text.slice(0, max * 4));
  return redacted.length <= max && text.length <= max * 4 ? redacted : `${redacted.slice(0, max)}… (cut at ${max} characters)`;
}
