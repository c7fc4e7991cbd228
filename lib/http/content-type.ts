// Content-Type handling (RFC 9110 §8.3): the media type of a header value, matching it against
// what req.is() was given, and the charset parameter res.set()/res.send() add.
//   media-type = type "/" subtype parameters ; parameters = *( OWS ";" OWS [ parameter ] )

import { lookupType } from './mime.js';

/** RFC 9110 §5.6.2 tchar. */
export function isTokenChar(c: number): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return true;
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b:
    case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e:
      return true;
    default:
      return false;
  }
}

/** 'Text/HTML; charset=utf-8' -> 'text/html'; undefined when it is not `token "/" token`. */
export function mediaTypeOf(value: string): string | undefined {
  let end = value.indexOf(';');
  if (end === -1) end = value.length;
  let start = 0;
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  let slash = -1;
  for (let i = start; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2f && slash === -1) slash = i;
    else if (!isTokenChar(c)) return undefined;
  }
  if (slash <= start || slash === end - 1) return undefined;
  return value.slice(start, end).toLowerCase();
}

/**
 * What req.is() compares with: 'json' and '.json' are looked up in the MIME table, 'urlencoded' and
 * 'multipart' are shorthands, '+json' means any type with that suffix.
 */
function expandType(type: string): string | undefined {
  if (type === 'urlencoded') return 'application/x-www-form-urlencoded';
  if (type === 'multipart') return 'multipart/*';
  if (type.charCodeAt(0) === 0x2b /* + */) return '*/*' + type;
  if (type.indexOf('/') !== -1) return type.toLowerCase();
  const full = lookupType(type);
  return full === undefined ? undefined : mediaTypeOf(full);
}

/** Whether media type `actual` (lower case, no parameters) matches pattern `expected`. */
function mediaMatches(expected: string, actual: string): boolean {
  const es = expected.indexOf('/');
  const as = actual.indexOf('/');
  if (es === -1 || as === -1) return false;
  const eType = expected.slice(0, es);
  if (eType !== '*' && eType !== actual.slice(0, as)) return false;
  const eSub = expected.slice(es + 1);
  const aSub = actual.slice(as + 1);
  if (eSub.startsWith('*+')) return aSub.endsWith(eSub.slice(1)) && aSub.length > eSub.length - 1;
  return eSub === '*' || eSub === aSub;
}

/**
 * The first of `types` that media type `actual` matches: the type as given, or `actual` itself when
 * the pattern had a wildcard or a '+suffix'. False when none matches.
 */
export function matchType(actual: string, types: readonly string[]): string | false {
  for (const type of types) {
    if (typeof type !== 'string') continue;
    const expected = expandType(type);
    if (expected !== undefined && mediaMatches(expected, actual)) {
      return type.charCodeAt(0) === 0x2b || type.indexOf('*') !== -1 ? actual : type;
    }
  }
  return false;
}

/** Whether a Content-Type value has a charset parameter. */
function hasCharset(value: string): boolean {
  const semi = value.indexOf(';');
  return semi !== -1 && value.toLowerCase().indexOf('charset', semi) !== -1;
}

/**
 * What res.set('Content-Type', v) stores: `v`, with '; charset=utf-8' added to text types and
 * JSON/JavaScript when it names no charset (as Express does with mime-types' contentType()).
 */
export function withDefaultCharset(value: string): string {
  if (hasCharset(value)) return value;
  const type = mediaTypeOf(value);
  if (type === undefined) return value;
  if (type.startsWith('text/') || type === 'application/json' || type === 'application/javascript') {
    return value + '; charset=utf-8';
  }
  return value;
}

/** Sets the charset parameter of a Content-Type value, replacing any there was. */
export function setCharset(value: string, charset: string): string {
  // Fast path: res.json() and res.type() already wrote exactly this charset.
  if (value.endsWith('; charset=' + charset) && value.indexOf(';') === value.length - charset.length - 10) return value;
  const type = mediaTypeOf(value);
  if (type === undefined) return value;
  let out = value.slice(0, value.indexOf(';') === -1 ? value.length : value.indexOf(';')).trim();
  // Keep the other parameters, drop any charset.
  let start = value.indexOf(';');
  while (start !== -1) {
    let end = value.indexOf(';', start + 1);
    if (end === -1) end = value.length;
    const param = value.slice(start + 1, end).trim();
    if (param !== '' && !param.toLowerCase().startsWith('charset=')) out += '; ' + param;
    start = end === value.length ? -1 : end;
  }
  return out + '; charset=' + charset;
}
