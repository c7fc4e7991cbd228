// The query string parser behind req.query: application/x-www-form-urlencoded pairs as the WHATWG
// URL Standard §5.1 parses them ('&'-separated, '+' is a space, %-decoding), into an object that
// inherits nothing (lib/http/bare-object.ts). Keys stay flat ('a[b]' is a key, not nesting: no
// qs-style depth to exhaust, CVE-2022-24999), repeated keys become arrays, and at most `limit`
// pairs are read (counted while scanning, so a million '&' cost no more than `limit` pairs:
// CVE-2025-13466).

import { bareObject } from './bare-object.js';

/** Parsed query: repeated keys become arrays. The object inherits nothing. */
export type Query = Record<string, string | string[]>;

/** Default for the 'query parameter limit' setting. */
export const DEFAULT_QUERY_LIMIT = 1000;

/** Parses `text` (what follows '?', without it). Pairs past `limit` are ignored. */
export function parseQuery(text: string, limit: number = DEFAULT_QUERY_LIMIT): Query {
  const query = bareObject<Query>();
  const length = text.length;
  let pairs = 0;
  let start = 0;
  while (start < length && pairs < limit) {
    let end = text.indexOf('&', start);
    if (end === -1) end = length;
    if (end > start) {
      pairs++;
      let eq = text.indexOf('=', start);
      if (eq === -1 || eq > end) eq = end;
      const key = decodeComponent(text, start, eq);
      const value = eq === end ? '' : decodeComponent(text, eq + 1, end);
      const previous = query[key];
      if (previous === undefined) query[key] = value;
      else if (typeof previous === 'string') query[key] = [previous, value];
      else previous.push(value);
    }
    start = end + 1;
  }
  return query;
}

/** Decodes text[start, end): '+' is a space, then %XX; on malformed escapes the raw text is kept. */
function decodeComponent(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  // Fast path: nothing to decode, no second string built.
  if (raw.indexOf('+') === -1 && raw.indexOf('%') === -1) return raw;
  const spaced = raw.replaceAll('+', ' ');
  if (spaced.indexOf('%') === -1) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return raw;
  }
}
