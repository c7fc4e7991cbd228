// Turning the request-target into the one canonical path every layer matches against.
//
// RFC 3986 §6.2.2: percent-encoded unreserved characters and dot segments do not change what a
// URL identifies. If routing matched '/admin' but a later handler (say, a static file server)
// decoded '/%61dmin' or '/x/../admin' to the same file, an `app.use('/admin', auth)` could be
// bypassed (see CVE-2026-47676 in shared/security.md). So the router normalises once, on entry,
// and every layer — middleware prefixes and routes alike — sees the same path.

import { hexValue } from '../http/percent-encoding.js';

/** Index of the end of the path in a URL (the start of '?' or the end). */
export function pathEnd(url: string): number {
  const q = url.indexOf('?');
  return q === -1 ? url.length : q;
}

/** The path of a request URL, without the query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** RFC 3986 §2.3: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" */
function isUnreserved(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 45 || c === 46 || c === 95 || c === 126;
}

/** Decodes %XX only where XX is an unreserved character (RFC 3986 §6.2.2.2); the rest stays. */
function decodeUnreserved(path: string): string {
  let out = '';
  let last = 0;
  for (let i = path.indexOf('%'); i !== -1 && i + 2 < path.length; i = path.indexOf('%', i + 1)) {
    const hi = hexValue(path.charCodeAt(i + 1));
    const lo = hexValue(path.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) continue;
    const c = hi * 16 + lo;
    if (!isUnreserved(c)) continue;
    out += path.slice(last, i) + String.fromCharCode(c);
    last = i + 3;
    i += 2;
  }
  return last === 0 ? path : out + path.slice(last);
}

/** RFC 3986 §5.2.4 remove_dot_segments, for an absolute path. */
function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  // segments[0] is '' (the path starts with '/').
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === '.') {
      if (i === segments.length - 1) out.push('');
    } else if (s === '..') {
      out.pop();
      if (i === segments.length - 1) out.push('');
    } else {
      out.push(s);
    }
  }
  return '/' + out.join('/');
}

// URLs up to this many characters are checked by one loop over their path, which for such lengths
// costs less than the two or three indexOf() calls below (each a call into a builtin: about 70
// instructions for a one-character path, spec/bench/instructions.mjs).
const SHORT_URL = 64;

/** Whether the path of `url` (up to '?') holds a '%' or a "/." (a possible dot segment). */
function needsWork(url: string): boolean {
  for (let i = 1; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */) return false;
    if (c === 37 /* % */ || (c === 46 /* . */ && url.charCodeAt(i - 1) === 47 /* / */)) return true;
  }
  return false;
}

/**
 * The canonical form of a request URL for routing: origin-form (an absolute-form target is reduced
 * to its path and query, RFC 9112 §3.2.2), unreserved percent-escapes decoded, dot segments
 * removed. URLs that need none of this (nearly all) are returned unchanged without allocating.
 */
export function canonicalUrl(url: string): string {
  if (url.charCodeAt(0) !== 47 /* / */) {
    // absolute-form: scheme "://" authority path-abempty [ "?" query ]
    const scheme = url.indexOf('://');
    if (scheme === -1) return url; // asterisk-form or garbage: matches no path pattern
    const slash = url.indexOf('/', scheme + 3);
    const q = url.indexOf('?', scheme + 3);
    if (slash === -1 || (q !== -1 && q < slash)) url = '/' + (q === -1 ? '' : url.slice(q));
    else url = url.slice(slash);
  }
  if (url.length <= SHORT_URL && !needsWork(url)) return url;
  const end = pathEnd(url);
  const path = url.slice(0, end);
  const hasPercent = path.indexOf('%') !== -1;
  if (!hasPercent && path.indexOf('/.') === -1) return url;
  let p = hasPercent ? decodeUnreserved(path) : path;
  if (p.indexOf('/.') !== -1) p = removeDotSegments(p);
  return p === path ? url : p + url.slice(end);
}
