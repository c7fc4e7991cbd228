// Literal comparison of pattern text with the raw request path, with ASCII case folding, and
// the end rules every engine shares: whole path (routes) and '/' boundary (mount prefixes).
// Pattern literals are stored lowercased when matching is case-insensitive, so only the path
// side is folded, one character at a time: no lowercased copy of the path is ever allocated.

/** ASCII-lowercases a pattern literal (the only letters a raw %-encoded path can hold). */
export function foldLiteral(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : text[i];
  }
  return out;
}

/** True when `path` holds `literal` at `pos`. `literal` must be folded when `caseSensitive` is false. */
export function literalAt(path: string, pos: number, literal: string, caseSensitive: boolean): boolean {
  // startsWith is a native memcmp-like compare: the common all-lowercase path takes only this.
  if (path.startsWith(literal, pos)) return true;
  if (caseSensitive || path.length - pos < literal.length) return false;
  for (let i = 0; i < literal.length; i++) {
    let c = path.charCodeAt(pos + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== literal.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * end: false accepts a prefix that ends at a '/' boundary: the next character is '/' or the path
 * ends, or the prefix itself ends with '/' ('/admin' matches '/admin/x', not '/adminx'). Returns
 * the matched length without a trailing '/', or -1. Every engine uses this one rule.
 */
export function prefixLength(path: string, pos: number): number {
  const endsWithSlash = pos > 0 && path.charCodeAt(pos - 1) === 47;
  if (pos !== path.length && path.charCodeAt(pos) !== 47 && !endsWithSlash) return -1;
  return endsWithSlash ? pos - 1 : pos;
}

/** end: true accepts the whole path, plus one trailing '/' unless strict. */
export function wholePath(path: string, pos: number, strict: boolean): boolean {
  const n = path.length;
  return pos === n || (!strict && pos === n - 1 && path.charCodeAt(pos) === 47);
}

/**
 * The first index in [from, to - literal.length] where `literal` (folded when !caseSensitive)
 * occurs in `path`, or -1. O((to - from) × literal.length): linear in the path.
 */
export function findLiteral(path: string, from: number, to: number, literal: string, caseSensitive: boolean): number {
  const last = to - literal.length;
  if (caseSensitive || !/[a-z]/.test(literal)) {
    // No letters to fold: the native search is exact.
    const at = path.indexOf(literal, from);
    return at !== -1 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) if (literalAt(path, at, literal, false)) return at;
  return -1;
}
