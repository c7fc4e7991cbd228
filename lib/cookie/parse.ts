// parseCookie: reads a `Cookie` request header into a name -> value map.
// Implements the user-agent-to-server syntax of RFC 6265bis §4.2.1 (and RFC 6265 §4.2.1), leniently.

/**
 * RFC 6265bis §4.2.1:
 *
 *   cookie-header = "Cookie:" OWS cookie-string OWS
 *   cookie-string = cookie-pair *( ";" SP cookie-pair )
 *   cookie-pair   = cookie-name "=" cookie-value
 *   cookie-value  = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
 *
 * Servers see what clients really send, so the scan is forgiving where that is safe: optional
 * whitespace around names and values is trimmed, pairs without "=" are skipped (as the `cookie`
 * package does), and a value in double quotes loses its quotes.
 */

import { decodeAsciiEscapes } from '../http/percent-encoding.js';

export interface ParseCookieOptions {
  /**
   * Decodes a value that contains '%'. Default: `decodeURIComponent`, falling back to the raw
   * value when it throws. A custom decoder that throws also falls back to the raw value.
   */
  decode?: (value: string) => string;
}

/** The parsed cookies. No inherited keys: a cookie named `__proto__` or `toString` is just a key. */
export type CookieMap = Record<string, string>;

// Performance: V8 keeps an Object.create(null) object in dictionary mode, where adding keys cut
// from the header costs several times the whole scan. Objects made by `new CookieObject()` have
// fast properties, and their prototype is an empty object whose own prototype is null: nothing is
// inherited, '__proto__' is an ordinary key (there is no Object.prototype setter in the chain), and
// no prototype has to be changed afterwards. (The `cookie` package uses the same pattern.)
const CookieObject = function CookieObject() {} as unknown as { new (): CookieMap };
CookieObject.prototype = Object.create(null) as CookieMap;

/**
 * Parses a `Cookie` header. The first value of a repeated name wins (RFC 6265bis §5.8.3 orders
 * more specific cookies first). Never throws; runs in time linear in the header's length.
 */
export function parseCookie(header: string | undefined, options?: ParseCookieOptions): CookieMap {
  if (typeof header !== 'string' || header.length < 2) return new CookieObject(); // shortest pair: "a="
  const length = header.length;
  const result = new CookieObject();
  const decode = options?.decode ?? decodeURIComponent;

  // One pass over the header. Each step finds the pair's end (';') and its '=' with indexOf, which
  // V8 runs as a native memchr-like scan: no regex, no split, no array of pairs.
  let index = 0;
  // The first pair cannot repeat an earlier name: it is stored without looking the name up (a
  // lookup by a computed key costs as much as the rest of a one-cookie header's scan).
  let first = true;
  // The next '%' at or after the current value (-1: none in the rest of the header). Most headers
  // have none, and one search of the whole header then replaces a search of every value. It only
  // moves forward, so the searches together read the header at most once.
  let percent = header.indexOf('%');
  while (index < length) {
    let end = header.indexOf(';', index);
    if (end === -1) end = length;
    const eq = header.indexOf('=', index);
    if (eq === -1) break; // no '=' anywhere after index: no more pairs
    if (eq > end) {
      // This pair has no '='. Skip straight to the pair that holds the '=' we found, so that a
      // header of many '='-less pairs is not rescanned once per pair (linear time).
      index = header.lastIndexOf(';', eq - 1) + 1;
      continue;
    }
    const nameStart = skipSpaceForward(header, index, eq);
    const nameEnd = skipSpaceBackward(header, eq, nameStart);
    const name = cookieName(header, nameStart, nameEnd);
    if (first || result[name] === undefined) {
      first = false;
      let valueStart = skipSpaceForward(header, eq + 1, end);
      let valueEnd = skipSpaceBackward(header, end, valueStart);
      // RFC 6265bis §4.2.1: cookie-value may be wrapped in DQUOTEs, which are not part of it.
      if (
        valueEnd - valueStart >= 2 &&
        header.charCodeAt(valueStart) === 0x22 &&
        header.charCodeAt(valueEnd - 1) === 0x22
      ) {
        valueStart++;
        valueEnd--;
      }
      if (percent !== -1 && percent < valueStart) percent = header.indexOf('%', valueStart);
      const raw = header.slice(valueStart, valueEnd);
      // Decoded only when there is something to decode: most cookie values have no escapes.
      result[name] = percent !== -1 && percent < valueEnd ? decodeValue(raw, decode) : raw;
    }
    index = end + 1;
  }
  return result;
}

// Performance: cutting a name out of the header makes a new string, and storing under it makes V8
// look that string up in its table of property names (hashing it) before the store. A server sees
// the same few cookie names on every request, so names are kept here once cut, in a small table
// indexed by a hash of the name's length and three of its characters: a name found here is
// compared in place and reused, with no new string and no lookup ('sid=abc123': 1,557 -> 1,221
// instructions a parse, counted under valgrind in spec/bench/micro.mjs's loop). Bounded: at most
// NAME_SLOTS names of at most NAME_MAX characters, each already a property name (the parse that
// cut it stored or looked it up, which leaves V8's copy, not a view into the header); a new name
// replaces the one in its slot, so a stream of new names costs a miss each, never more memory.
const NAME_SLOTS = 256; // a power of two: the slot is the hash's top 8 bits
const NAME_MAX = 32;
const knownNames: string[] = new Array<string>(NAME_SLOTS).fill('');

/** `header.slice(start, end)`, or the equal name kept from an earlier header. */
function cookieName(header: string, start: number, end: number): string {
  const length = end - start;
  if (length === 0 || length > NAME_MAX) return header.slice(start, end);
  const last = header.charCodeAt(end - 1);
  const beforeLast = length > 1 ? header.charCodeAt(end - 2) : 0;
  const mixed = length ^ (header.charCodeAt(start) << 8) ^ (last << 16) ^ (beforeLast << 24);
  const slot = Math.imul(mixed, 0x9e3779b1) >>> 24; // Fibonacci hashing: spreads similar names
  const known = knownNames[slot]!;
  if (known.length === length && header.startsWith(known, start)) return known;
  const name = header.slice(start, end);
  knownNames[slot] = name;
  return name;
}

/** First index in [from, to) that is not a space or tab; `to` if there is none. */
function skipSpaceForward(s: string, from: number, to: number): number {
  while (from < to) {
    const c = s.charCodeAt(from);
    if (c !== 0x20 && c !== 0x09) break;
    from++;
  }
  return from;
}

/** One past the last index in [min, to) that is not a space or tab; `min` if there is none. */
function skipSpaceBackward(s: string, to: number, min: number): number {
  while (to > min) {
    const c = s.charCodeAt(to - 1);
    if (c !== 0x20 && c !== 0x09) break;
    to--;
  }
  return to;
}

/** Decodes a value that contains '%'; a malformed escape keeps the raw value. */
function decodeValue(raw: string, decode: (value: string) => string): string {
  if (decode === decodeURIComponent) {
    const ascii = decodeAsciiEscapes(raw);
    if (ascii !== undefined) return ascii;
  }
  try {
    const decoded = decode(raw);
    return typeof decoded === 'string' ? decoded : raw;
  } catch {
    return raw;
  }
}
