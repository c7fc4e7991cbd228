// HTTP status codes: validation of what res.status() accepts, and the reason phrases
// (RFC 9110 §15) used by res.sendStatus() and redirect bodies.

import http from 'node:http';

/**
 * Turns what a user passed to res.status() into a status code: an integer from 100 to 999, or a
 * string of three digits ('201', as the middleware seed document writes). Anything else throws.
 */
export function toStatusCode(code: unknown): number {
  if (typeof code === 'number') {
    if (Number.isInteger(code) && code >= 100 && code <= 999) return code;
  } else if (typeof code === 'string' && code.length === 3) {
    const a = code.charCodeAt(0) - 0x30;
    const b = code.charCodeAt(1) - 0x30;
    const c = code.charCodeAt(2) - 0x30;
    if (a >= 1 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9) return a * 100 + b * 10 + c;
  }
  const shown = typeof code === 'string' ? JSON.stringify(code) : String(code);
  const err = new TypeError(`Invalid status code: ${shown} (an integer from 100 to 999 is required)`);
  (err as TypeError & { code: string }).code = 'KEEL_INVALID_STATUS';
  throw err;
}

/** The reason phrase of a status code ('Not Found'), or the code itself as text when unknown. */
export function statusMessage(code: number): string {
  return http.STATUS_CODES[code] ?? String(code);
}

/** RFC 9110 §15.4: the redirection codes res.redirect() is meant for. */
export function isRedirectStatus(code: number): boolean {
  return code === 300 || code === 301 || code === 302 || code === 303 || code === 307 || code === 308;
}
