// The Range request header (RFC 9110 §14.1-14.2), bytes only in practice:
//   Range = ranges-specifier ; ranges-specifier = range-unit "=" range-set
//   range-set = 1#range-spec ; range-spec = int-range / suffix-range / other-range
//   int-range = first-pos "-" [ last-pos ] ; suffix-range = "-" suffix-length
// Returns the satisfiable ranges clamped to the representation's size, -1 when none is
// satisfiable (answer 416) or -2 when the header is malformed, is in another unit than the one asked
// for, or asks for too many ranges (ignore it and send the whole representation, which RFC 9110
// §14.2 allows). One parser for req.range() and for serveStatic (with combine and unit 'bytes').

/** Default cap on the ranges in one header. */
export const DEFAULT_RANGE_LIMIT = 100;

export interface ByteRange {
  start: number;
  end: number;
}

/** Satisfiable ranges, with the range unit the client asked for ('bytes'). */
export type Ranges = ByteRange[] & { type: string };

export interface RangeOptions {
  /** Merge overlapping and adjacent ranges (default false). */
  combine?: boolean;
  /** Most ranges accepted in one header (default 100); more gives -2. */
  limit?: number;
  /** Only this range unit, compared case-insensitively (RFC 9110 §14.1); another gives -2. Default: any. */
  unit?: string;
}

/** Parses a Range header for a representation of `size` bytes. */
export function parseRange(size: number, header: string, options?: RangeOptions): Ranges | -1 | -2 {
  const limit = options?.limit ?? DEFAULT_RANGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('range limit must be a positive integer');
  const eq = header.indexOf('=');
  if (eq <= 0) return -2;
  const ranges = [] as unknown as Ranges;
  ranges.type = header.slice(0, eq).trim();
  // RFC 9110 §14.2: a server "MUST ignore a Range header field that contains a range unit it does
  // not understand"; §14.1: "Range unit names are case-insensitive".
  if (options?.unit !== undefined && ranges.type.toLowerCase() !== options.unit.toLowerCase()) return -2;
  let count = 0;
  let start = eq + 1;
  const length = header.length;
  while (start <= length) {
    let end = header.indexOf(',', start);
    if (end === -1) end = length;
    let s = start;
    let e = end;
    while (s < e && isSpace(header.charCodeAt(s))) s++;
    while (e > s && isSpace(header.charCodeAt(e - 1))) e--;
    if (e > s) {
      // RFC 9110 §14.2: a server "MAY ignore or reject a Range header field that contains ... a set
      // of many small ranges"; counted as we scan, so 10,000 ranges cost `limit` steps.
      if (++count > limit) return -2;
      const dash = header.indexOf('-', s);
      if (dash === -1 || dash >= e) return -2;
      // The grammar has no OWS around "-", but range-parser (Express, send) trims it, and so do we:
      // 'bytes=0 - 4' is read as 'bytes=0-4'. Indices, not trimmed copies: no string per range.
      let firstEnd = dash;
      while (firstEnd > s && isSpace(header.charCodeAt(firstEnd - 1))) firstEnd--;
      let lastStart = dash + 1;
      while (lastStart < e && isSpace(header.charCodeAt(lastStart))) lastStart++;
      const first = digits(header, s, firstEnd);
      const last = digits(header, lastStart, e);
      if (first === -2 || last === -2) return -2;
      if (first === -1) {
        // suffix-range: the last `last` bytes. "-" alone is malformed.
        if (last === -1) return -2;
        if (last > 0 && size > 0) ranges.push({ start: Math.max(0, size - last), end: size - 1 });
      } else {
        // RFC 9110 §14.1.1: "A range-spec is invalid if the last-pos value is present and less
        // than the first-pos."
        if (last !== -1 && last < first) return -2;
        if (first < size) ranges.push({ start: first, end: last === -1 || last > size - 1 ? size - 1 : last });
      }
    }
    start = end + 1;
  }
  if (count === 0) return -2;
  if (ranges.length === 0) return -1;
  return options?.combine === true ? combineRanges(ranges) : ranges;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Decimal digits in text[start, end): their value, -1 when empty, -2 when not all digits. */
function digits(text: string, start: number, end: number): number {
  if (start === end) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -2;
    n = n * 10 + d; // past 2^53 precision is lost, but such a number is past any size anyway
  }
  return n;
}

/** Merges overlapping and adjacent ranges, keeping the order in which each first appeared. */
function combineRanges(ranges: Ranges): Ranges {
  const ordered = ranges.map((r, index) => ({ start: r.start, end: r.end, index })).sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number; index: number }[] = [];
  for (const range of ordered) {
    const top = merged[merged.length - 1];
    if (top !== undefined && range.start <= top.end + 1) {
      if (range.end > top.end) top.end = range.end;
      if (range.index < top.index) top.index = range.index;
    } else {
      merged.push(range);
    }
  }
  const out = merged.sort((a, b) => a.index - b.index).map((r) => ({ start: r.start, end: r.end })) as Ranges;
  out.type = ranges.type;
  return out;
}
