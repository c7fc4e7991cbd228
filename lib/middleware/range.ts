// Range requests, RFC 9233 §2.1 and §14.1:
//   Range = ranges-specifier ; ranges-specifier = range-unit "=" range-set
//   int-range = first-pos "-" [ last-pos ] ; suffix-range = "-" suffix-length
// Only a single byte range is served as 206; several ranges get the whole file (RFC 9233 §3.1:
// "A server MAY ignore the Range header field").

export type RangeResult = { kind: 'none' } | { kind: 'unsatisfiable' } | { kind: 'range'; start: number; end: number };

function parseDigits(s: string): number {
  if (s.length === 0 || s.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Parses a Range header against a representation of `size` bytes. */
export function parseRange(header: string, size: number): RangeResult {
  const eq = header.indexOf('=');
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'none' };
  const spec = header.slice(eq + 1).trim();
  if (spec.indexOf(',') !== -1) return { kind: 'none' };
  const dash = spec.indexOf('-');
  if (dash === -1) return { kind: 'none' };
  const firstText = spec.slice(0, dash).trim();
  const lastText = spec.slice(dash + 1).trim();
  if (firstText === '') {
    const suffix = parseDigits(lastText);
    if (suffix === -1) return { kind: 'none' };
    // RFC 9233 §2.1: a suffix-length of 0 is unsatisfiable; longer than the file means the whole file.
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const first = parseDigits(firstText);
  if (first === -1) return { kind: 'none' };
  let last = size - 1;
  if (lastText !== '') {
    last = parseDigits(lastText);
    // RFC 9233 §2.1: "invalid if the last-pos value is present and less than the first-pos".
    if (last === -1 || last < first) return { kind: 'none' };
    if (last > size - 1) last = size - 1;
  }
  // RFC 9233 §2.1: satisfiable only if the first-pos is less than the current length.
  if (first >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start: first, end: last };
}
