// Strict parsing of the Host header (RFC 9110 §7.2, RFC 3986 §3.2.2-3.2.3) and X-Forwarded-Host:
// `uri-host [ ":" port ]`. A value that is not a plain host name, IPv4 address or bracketed IPv6
// literal is refused outright, so nothing like 'evil.com/x', 'a@b' or 'x y' ever reaches
// req.hostname (CVE-2026-27959: Host header injection through the hostname).

import net from 'node:net';

/** Longest host name accepted (RFC 1035 §2.3.4 names are at most 253 characters written out). */
const MAX_HOSTNAME = 255;

/**
 * Returns where the host name ends in a Host value (its length, the port excluded), or -1 when the
 * value is not a valid `uri-host [":" port]`.
 */
export function hostnameEnd(value: string): number {
  const length = value.length;
  if (length === 0) return -1;
  let end: number;
  if (value.charCodeAt(0) === 0x5b /* [ */) {
    // RFC 3986 §3.2.2: IP-literal = "[" ( IPv6address / IPvFuture ) "]"; IPvFuture is refused.
    const close = value.indexOf(']');
    if (close === -1 || !net.isIPv6(value.slice(1, close))) return -1;
    end = close + 1;
  } else {
    // Labels separated by single dots (RFC 1123 §2.1): no empty label, one trailing dot allowed.
    end = 0;
    let previous = 0x2e; // as if a dot came before: a leading dot is an empty label
    while (end < length && end <= MAX_HOSTNAME) {
      const c = value.charCodeAt(end);
      if (c === 0x2e ? previous === 0x2e : !isHostChar(c)) break;
      previous = c;
      end++;
    }
    if (end === 0 || end > MAX_HOSTNAME || (end < length && value.charCodeAt(end) !== 0x3a)) return -1;
  }
  if (end === length) return end;
  // RFC 3986 §3.2.3: port = *DIGIT. Keel wants 1 to 5 digits, at most 65535.
  if (value.charCodeAt(end) !== 0x3a /* : */) return -1;
  const digits = length - end - 1;
  if (digits < 1 || digits > 5) return -1;
  let port = 0;
  for (let i = end + 1; i < length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    port = port * 10 + d;
  }
  return port > 65535 ? -1 : end;
}

// A label is letters, digits, '-' and '_' (RFC 1123 names plus the '_' real DNS uses).
// The rest of RFC 3986's reg-name (sub-delims, %-escapes) has no use in a Host header and is how
// injection payloads get in, so it is refused.
function isHostChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x5f;
}
