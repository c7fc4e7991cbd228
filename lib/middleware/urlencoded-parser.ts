// Parsers for application/x-www-form-urlencoded text (WHATWG URL §5.1): a flat one (repeated keys
// become arrays) and a bounded nested one for 'a[b][c]=1' and 'a[]=1' keys, as qs reads them.
// Both count parameters with an early exit (CVE-2025-13466), cap nesting depth (CVE-2024-45590) and
// array sizes in every syntax (CVE-2025-15284), and never create '__proto__', 'constructor' or
// 'prototype' keys; result objects have a null prototype (CVE-2022-24999).

import querystring from 'node:querystring';
import { HttpError } from '../http/errors.js';
import { hexValue } from '../http/percent-encoding.js';

/** A parsed form: strings, arrays and nested null-prototype objects. */
export interface FormObject {
  [key: string]: FormValue;
}
export type FormValue = string | FormValue[] | FormObject;

export interface FormLimits {
  /** Most `key=value` pairs (default 1000); more is a 413. */
  parameterLimit: number;
  /** Most bracket levels in one key (default 32); deeper is a 400. */
  depth: number;
  /** Most elements in one array, in any syntax (default 100); more is a 413. */
  arrayLimit: number;
  /** Percent-escapes decode as UTF-8 (default) or as ISO-8859-1 bytes. */
  latin1: boolean;
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function tooMany(what: string, code: string): HttpError {
  return new HttpError(413, `too many ${what}`, { code });
}

/**
 * Splits on '&' and checks the pair count against the limit as it goes, so a body of a million
 * '&' stops after parameterLimit + 1 instead of allocating a million strings first.
 */
export function splitPairs(text: string, limit: number): string[] {
  const pairs: string[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    if (end > start) {
      if (pairs.length === limit) throw tooMany('parameters', 'KEEL_BODY_TOO_MANY_PARAMETERS');
      pairs.push(text.slice(start, end));
    }
    start = end + 1;
  }
  return pairs;
}

/** Decodes one name or value: '+' is a space, then percent-decoding (lenient on bad escapes). */
export function decodeComponent(s: string, latin1: boolean): string {
  if (s.indexOf('+') !== -1) s = s.replaceAll('+', ' ');
  if (s.indexOf('%') === -1) return s;
  // querystring.unescape tries decodeURIComponent and falls back to a byte-wise decoder that
  // leaves malformed escapes as they are, instead of throwing.
  return latin1 ? percentDecodeLatin1(s) : querystring.unescape(s);
}

/** Percent-decoding where each escape is one ISO-8859-1 character; bad escapes stay as they are. */
function percentDecodeLatin1(s: string): string {
  let out = '';
  let from = 0;
  for (let i = s.indexOf('%'); i !== -1; i = s.indexOf('%', i + 1)) {
    if (i + 2 >= s.length) break;
    const hi = hexValue(s.charCodeAt(i + 1));
    const lo = hexValue(s.charCodeAt(i + 2));
    if (hi === -1 || lo === -1) continue;
    out += s.slice(from, i) + String.fromCharCode(hi * 16 + lo);
    from = i + 3;
    i += 2;
  }
  return out + s.slice(from);
}

function pairParts(pair: string, latin1: boolean): [string, string] {
  const eq = pair.indexOf('=');
  if (eq === -1) return [decodeComponent(pair, latin1), ''];
  return [decodeComponent(pair.slice(0, eq), latin1), decodeComponent(pair.slice(eq + 1), latin1)];
}

/** Flat parsing, as node's querystring: 'a=1&a=2&b=3' → { a: ['1', '2'], b: '3' }. */
export function parseFlat(text: string, limits: FormLimits): FormObject {
  const result = Object.create(null) as FormObject;
  const pairs = splitPairs(text, limits.parameterLimit);
  for (let i = 0; i < pairs.length; i++) {
    const [key, value] = pairParts(pairs[i]!, limits.latin1);
    if (key === '' || FORBIDDEN.has(key)) continue;
    const existing = result[key];
    if (existing === undefined) result[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else result[key] = [existing as string, value];
  }
  return result;
}

/**
 * Splits 'a[b][]' into ['a', 'b', '']. Text after the last well-formed '[...]' group is kept as one
 * final segment, as qs does. More than `depth` bracket groups is a 400.
 */
export function keySegments(key: string, depth: number): string[] {
  const open = key.indexOf('[');
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  let pos = open;
  while (pos < key.length && key.charCodeAt(pos) === 91 /* [ */) {
    const close = key.indexOf(']', pos + 1);
    if (close === -1) break;
    const inner = key.slice(pos + 1, close);
    if (inner.indexOf('[') !== -1) break;
    if (segments.length > depth) {
      throw new HttpError(400, `form key nested deeper than ${depth} levels`, { code: 'KEEL_BODY_DEPTH_EXCEEDED' });
    }
    segments.push(inner);
    pos = close + 1;
  }
  if (pos < key.length) segments.push(key.slice(pos));
  return segments;
}

/**
 * Returns the array index a canonical decimal segment names ('0', '12'; not '012' or '1e3'), or -1
 * when it is an object key. Very long numbers saturate, so they still hit the array cap.
 */
function arrayIndex(segment: string): number {
  if (segment.length === 0) return -1;
  if (segment.charCodeAt(0) === 48 /* 0 */) return segment.length === 1 ? 0 : -1;
  let n = 0;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    if (n < 1e15) n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * Nested parsing: 'a[b]=1&a[c][]=2&d[0]=x' → { a: { b: '1', c: ['2'] }, d: ['x'] }.
 * When one key is used in two shapes ('a=1' then 'a[b]=2'), the first shape wins and the
 * conflicting pair is dropped. Indexed arrays are compacted ('a[5]=x' → ['x']), as qs does.
 */
export function parseNested(text: string, limits: FormLimits): FormObject {
  const result = Object.create(null) as FormObject;
  const pairs = splitPairs(text, limits.parameterLimit);
  let sparse = false;
  for (let p = 0; p < pairs.length; p++) {
    const [key, value] = pairParts(pairs[p]!, limits.latin1);
    if (key === '') continue;
    const segments = keySegments(key, limits.depth);
    let forbidden = false;
    for (let i = 0; i < segments.length; i++) if (FORBIDDEN.has(segments[i]!)) forbidden = true;
    if (forbidden) continue;
    let container: FormObject | FormValue[] = result;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const last = i === segments.length - 1;
      if (Array.isArray(container)) {
        const index = segment === '' ? container.length : arrayIndex(segment);
        if (index === -1) break; // a named key inside an array: conflicting shape, dropped
        if (index >= limits.arrayLimit) throw tooMany('array elements', 'KEEL_BODY_ARRAY_LIMIT');
        if (index > container.length) sparse = true;
        const existing: FormValue | undefined = container[index];
        if (last) {
          if (existing === undefined) container[index] = value;
          else if (segment === '') container.push(value);
          break;
        }
        const child = childContainer(existing, segments[i + 1]!, limits);
        if (child === undefined) break;
        container[index] = child;
        container = child;
      } else {
        const existing: FormValue | undefined = container[segment];
        if (last) {
          if (existing === undefined) container[segment] = value;
          else if (typeof existing === 'string') container[segment] = [existing, value];
          else if (Array.isArray(existing)) {
            if (existing.length >= limits.arrayLimit) throw tooMany('array elements', 'KEEL_BODY_ARRAY_LIMIT');
            existing.push(value);
          }
          break;
        }
        const child = childContainer(existing, segments[i + 1]!, limits);
        if (child === undefined) break;
        container[segment] = child;
        container = child;
      }
    }
  }
  if (sparse) compact(result);
  return result;
}

/** The container the next segment needs: an array for '' or an index, an object otherwise. */
function childContainer(
  existing: FormValue | undefined,
  nextSegment: string,
  limits: FormLimits,
): FormObject | FormValue[] | undefined {
  const wantsArray = nextSegment === '' || arrayIndex(nextSegment) !== -1;
  if (existing === undefined) return wantsArray ? [] : (Object.create(null) as FormObject);
  if (Array.isArray(existing)) return wantsArray ? existing : undefined;
  if (typeof existing === 'string') {
    // 'a=1&a[]=2' → ['1', '2'], as qs reads it.
    if (!wantsArray || limits.arrayLimit < 2) return undefined;
    return [existing];
  }
  return wantsArray ? undefined : existing;
}

/** Removes holes left by indexed keys, everywhere in the tree (bounded by depth and pair count). */
function compact(root: FormObject): void {
  const stack: (FormObject | FormValue[])[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      let w = 0;
      for (let r = 0; r < node.length; r++) {
        if (!(r in node)) continue;
        const v = node[r]!;
        node[w++] = v;
        if (typeof v === 'object') stack.push(v);
      }
      node.length = w;
    } else {
      for (const key in node) {
        const v = node[key]!;
        if (typeof v === 'object') stack.push(v);
      }
    }
  }
}
