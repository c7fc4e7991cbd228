// Route params from a match: slices of the raw path, %-decoded (RFC 3986 §2.1) only when they
// contain '%'. Shared by every matcher engine so they all decode the same way.

import type { Params } from '../http/request.js';
import { bareObject } from '../http/bare-object.js';
import { HttpError } from '../http/errors.js';

/** Characters shown as they are in error messages: none has a meaning in HTML. */
const UNSAFE = /[^A-Za-z0-9%._~!$()*+,;=:@-]/g;

/**
 * A param value as it may appear in an error message: shortened, and every character outside a
 * small safe set shown %-encoded ('<' as '%3C'), so the message is safe in an HTML page
 * whether or not the error handler escapes it (and never double-escaped when it does).
 */
function displayValue(value: string): string {
  const short = value.length > 64 ? value.slice(0, 64) + '...' : value;
  return short.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? '%' + code.toString(16).toUpperCase().padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
  });
}

/** Decodes one param value; malformed %-encoding is the client's fault: 400 KEEL_BAD_PARAM. */
export function decodeParam(value: string): string {
  // Most params hold no '%': skip decodeURIComponent and its string copy.
  if (value.indexOf('%') === -1) return value;
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    // The value is quoted in the message as Express does, in a form safe for error pages.
    throw new HttpError(400, `Failed to decode param '${displayValue(value)}'`, { code: 'KEEL_BAD_PARAM', cause });
  }
}

/** A wildcard's value: its '/'-separated segments, each decoded ('a/b%20c' gives ['a', 'b c']). */
export function decodeSegments(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const slash = value.indexOf('/', start);
    if (slash === -1) break;
    out.push(decodeParam(value.slice(start, slash)));
    start = slash + 1;
  }
  out.push(decodeParam(value.slice(start)));
  return out;
}

/**
 * Builds the params object from capture slots: `caps[2k]`, `caps[2k + 1]` are the start and end
 * of key k in `path`, -1 when that key did not take part (an optional group that was skipped):
 * such a key is left out, not set to undefined.
 */
export function buildParams(
  path: string,
  keys: readonly string[],
  wildcards: readonly boolean[],
  caps: Int32Array,
): Params {
  const params = bareObject<Params>();
  for (let k = 0; k < keys.length; k++) {
    const start = caps[2 * k] as number;
    const end = caps[2 * k + 1] as number;
    if (start < 0 || end < 0) continue;
    const raw = path.slice(start, end);
    params[keys[k] as string] = wildcards[k] ? decodeSegments(raw) : decodeParam(raw);
  }
  return params;
}
