// Percent-encoding (RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG): the value of a hex digit,
// which every decoder in Keel reads (the router's canonical path, urlencoded forms, cookie
// values) and both Location encoders test escapes with, and a decoder for values whose escapes
// are all ASCII.

/** The value of a hexadecimal digit's character code (either case), or -1 when it is not one. */
export function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30; // 0-9
  c |= 0x20; // A-F and a-f alike
  return c >= 0x61 && c <= 0x66 ? c - 0x61 + 10 : -1;
}

/**
 * decodeURIComponent() for a value whose escapes are all ASCII (%00-%7F, such as the '%3A' of
 * every signed session cookie), or undefined for anything else (an escape of a UTF-8 byte, a
 * malformed one), which the caller then gives to decodeURIComponent(). Performance:
 * decodeURIComponent() leaves JavaScript for C++ and builds its result a byte at a time; on short
 * values, this costs a few slices instead (ASCII escapes are single characters, so no UTF-8 has
 * to be assembled).
 */
export function decodeAsciiEscapes(raw: string): string | undefined {
  let decoded = '';
  let copied = 0; // raw[0, copied) is in `decoded`
  let at = raw.indexOf('%');
  while (at !== -1) {
    if (at + 2 >= raw.length) return undefined; // '%' without two characters after it
    const high = hexValue(raw.charCodeAt(at + 1));
    const low = hexValue(raw.charCodeAt(at + 2));
    if (high < 0 || high > 7 || low < 0) return undefined; // not an escape, or not ASCII
    decoded += raw.slice(copied, at) + String.fromCharCode(high * 16 + low);
    copied = at + 3;
    at = raw.indexOf('%', copied);
  }
  return decoded + raw.slice(copied);
}
