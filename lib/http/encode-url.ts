// Percent-encoding of URLs for the Location header (RFC 3986 §2.1), as Express's `encodeurl` 2 does
// it: characters that are not allowed in a URI are encoded, existing %XX escapes and reserved
// characters are left alone, a lone surrogate becomes U+FFFD.

import { hexValue } from './percent-encoding.js';

// Allowed as they are: ! # $ % & ' ( ) * + , - . / 0-9 : ; = ? @ A-Z [ \ ] ^ _ a-z | ~
function isAllowed(c: number): boolean {
  return c === 0x21 || (c >= 0x23 && c <= 0x3b) || c === 0x3d || (c >= 0x3f && c <= 0x5f) ||
    (c >= 0x61 && c <= 0x7a) || c === 0x7c || c === 0x7e;
}

/** Encodes what may not appear in a URL; leaves a URL that is already encoded unchanged. */
export function encodeUrl(url: string): string {
  let out = '';
  let last = 0;
  const length = url.length;
  for (let i = 0; i < length; i++) {
    const c = url.charCodeAt(i);
    let replacement: string;
    if (c === 0x25 /* % */) {
      if (i + 2 < length && hexValue(url.charCodeAt(i + 1)) >= 0 && hexValue(url.charCodeAt(i + 2)) >= 0) continue;
      replacement = '%25';
    } else if (isAllowed(c)) {
      continue;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < length && url.charCodeAt(i + 1) >= 0xdc00 && url.charCodeAt(i + 1) <= 0xdfff) {
      replacement = encodeURIComponent(url.slice(i, i + 2));
      if (last !== i) out += url.slice(last, i);
      out += replacement;
      last = i + 2;
      i++;
      continue;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      replacement = '%EF%BF%BD'; // a lone surrogate: U+FFFD REPLACEMENT CHARACTER
    } else {
      replacement = encodeURIComponent(url[i]!);
    }
    if (last !== i) out += url.slice(last, i);
    out += replacement;
    last = i + 1;
  }
  return last === 0 ? url : out + url.slice(last);
}

// Base against which relative and scheme-relative locations are resolved for comparison only.
const BASE = 'http://keel.invalid/';

/**
 * The Location value for `url`. CVE-2024-29041: encoding must never change which host a browser
 * goes to (an allow-list checked the URL the app had, the browser follows the header). When the
 * encoded URL names another host than the original, the original as a WHATWG URL parser reads it
 * (what browsers do) is sent instead.
 */
export function encodeLocation(url: string): string {
  const encoded = encodeUrl(url);
  if (encoded === url) return url;
  let original: URL;
  try {
    original = new URL(url, BASE);
  } catch {
    return encoded; // no browser can follow it either
  }
  let after: URL | undefined;
  try {
    after = new URL(encoded, BASE);
  } catch {
    after = undefined;
  }
  if (after !== undefined && after.host === original.host) return encoded;
  // The parser's own serialisation, encoded again for what it leaves raw (spaces in opaque paths).
  let href = encodeUrl(original.href);
  // Keep a scheme-relative URL scheme-relative ('//host/...').
  const first = url.trimStart();
  if (first.startsWith('//') || first.startsWith('\\\\')) href = href.slice(original.protocol.length);
  if (sameHost(href, original.host)) return href;
  // No faithful encoding exists: go nowhere rather than somewhere unintended.
  return '/';
}

function sameHost(url: string, host: string): boolean {
  try {
    return new URL(url, BASE).host === host;
  } catch {
    return false;
  }
}
