// serializeCookie: builds a `Set-Cookie` header value, validating every field so that no input
// can add an attribute or a header. Implements RFC 6265bis §4.1 (syntax) and §4.1.3 (prefixes).

/** `SameSite` values (RFC 6265bis §4.1.2.7). `true` means `Strict`, `false` leaves it out. */
export type CookieSameSite = boolean | 'strict' | 'lax' | 'none' | 'Strict' | 'Lax' | 'None';

/** `Priority` values (a Chrome extension, draft-west-cookie-priority). */
export type CookiePriority = 'low' | 'medium' | 'high' | 'Low' | 'Medium' | 'High';

export interface CookieOptions {
  /** Encodes the value before validation. Default: `encodeURIComponent`. */
  encode?: (value: string) => string;
  /** `Max-Age` in whole seconds (an integer; 0 or less expires the cookie at once). */
  maxAge?: number;
  /** `Expires`: a valid Date. */
  expires?: Date;
  /** `Domain`: a host name, optionally with a leading dot. */
  domain?: string;
  /** `Path`: must start with '/'. */
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: CookieSameSite;
  /** `Partitioned` (CHIPS); requires `secure`. */
  partitioned?: boolean;
  priority?: CookiePriority;
}

/**
 * Returns `name=value; Attr...`. Throws a TypeError naming the field when anything is invalid:
 * this is the whole defence against attribute injection (CVE-2024-47764, GHSA-26pp-8wgv-hjvm).
 */
export function serializeCookie(name: string, value: string, options?: CookieOptions): string {
  // RFC 6265bis §4.1.1: cookie-name = token (RFC 9110 §5.6.2).
  if (typeof name !== 'string' || !isToken(name)) {
    throw new TypeError(`argument name is invalid: ${JSON.stringify(String(name))}`);
  }
  if (typeof value !== 'string') throw new TypeError('argument value must be a string');
  const encode = options?.encode ?? encodeURIComponent;
  if (typeof encode !== 'function') throw new TypeError('option encode is invalid');
  let encoded: unknown;
  try {
    encoded = encode(value);
  } catch {
    encoded = undefined; // encodeURIComponent throws URIError on a lone surrogate
  }
  if (typeof encoded !== 'string' || !isCookieValue(encoded)) {
    throw new TypeError('argument value is invalid after encoding');
  }
  let out = name + '=' + encoded;
  if (options === undefined) {
    checkPrefix(name, false, undefined, undefined);
    return out;
  }

  const { maxAge, expires, domain, path, sameSite, priority } = options;
  const secure = flag(options.secure, 'secure');
  const httpOnly = flag(options.httpOnly, 'httpOnly');
  const partitioned = flag(options.partitioned, 'partitioned');

  if (maxAge !== undefined) {
    // RFC 6265bis §4.1.2.2: max-age-av = "Max-Age=" non-zero-digit *DIGIT; user agents also
    // read 0 and negatives as "expire now" (§5.6.2), which servers use to delete cookies.
    if (typeof maxAge !== 'number' || !Number.isInteger(maxAge)) {
      throw new TypeError(`option maxAge is invalid: ${String(maxAge)}`);
    }
    out += '; Max-Age=' + maxAge;
  }
  if (domain !== undefined) {
    if (typeof domain !== 'string' || !isDomain(domain)) {
      throw new TypeError(`option domain is invalid: ${JSON.stringify(String(domain))}`);
    }
    out += '; Domain=' + domain;
  }
  if (path !== undefined) {
    if (typeof path !== 'string' || !isPath(path)) {
      throw new TypeError(`option path is invalid: ${JSON.stringify(String(path))}`);
    }
    out += '; Path=' + path;
  }
  if (expires !== undefined) {
    // RFC 6265bis §4.1.2.1: expires-av = "Expires=" sane-cookie-date (an IMF-fixdate).
    if (!(expires instanceof Date) || !Number.isFinite(expires.getTime())) {
      throw new TypeError('option expires is invalid: it must be a valid Date');
    }
    out += '; Expires=' + expires.toUTCString();
  }
  if (httpOnly) out += '; HttpOnly';
  if (secure) out += '; Secure';
  if (partitioned) {
    // CHIPS: "Partitioned cookies MUST also set the Secure attribute".
    if (!secure) throw new TypeError('option partitioned requires option secure');
    out += '; Partitioned';
  }
  if (priority !== undefined) {
    const p = typeof priority === 'string' ? priority.toLowerCase() : undefined;
    if (p === 'low') out += '; Priority=Low';
    else if (p === 'medium') out += '; Priority=Medium';
    else if (p === 'high') out += '; Priority=High';
    else throw new TypeError(`option priority is invalid: ${JSON.stringify(String(priority))}`);
  }
  if (sameSite !== undefined && sameSite !== false) {
    const s = sameSite === true ? 'strict' : typeof sameSite === 'string' ? sameSite.toLowerCase() : undefined;
    if (s === 'strict') out += '; SameSite=Strict';
    else if (s === 'lax') out += '; SameSite=Lax';
    else if (s === 'none') {
      // RFC 6265bis §5.6.7 step 4 (and browsers): a SameSite=None cookie without Secure is rejected.
      if (!secure) throw new TypeError('option sameSite "none" requires option secure');
      out += '; SameSite=None';
    } else throw new TypeError(`option sameSite is invalid: ${JSON.stringify(String(sameSite))}`);
  }
  checkPrefix(name, secure, domain, path);
  return out;
}

function flag(value: unknown, option: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`option ${option} must be a boolean`);
  return value;
}

/**
 * RFC 6265bis §4.1.3.1: "__Secure-" cookies need Secure. §4.1.3.2: "__Host-" cookies need Secure,
 * no Domain and Path=/. User agents match the prefixes case-insensitively (§5.6 step 22), so do we.
 */
function checkPrefix(name: string, secure: boolean, domain: string | undefined, path: string | undefined): void {
  if (name.length < 7 || name.charCodeAt(0) !== 0x5f || name.charCodeAt(1) !== 0x5f) return;
  const head = name.slice(0, 7).toLowerCase();
  if (head === '__host-') {
    if (!secure) throw new TypeError('a "__Host-" cookie requires option secure');
    if (domain !== undefined) throw new TypeError('a "__Host-" cookie must not have option domain');
    if (path !== '/') throw new TypeError('a "__Host-" cookie requires option path "/"');
  } else if (name.length >= 9 && name.slice(0, 9).toLowerCase() === '__secure-') {
    if (!secure) throw new TypeError('a "__Secure-" cookie requires option secure');
  }
}

/**
 * RFC 9110 §5.6.2: token = 1*tchar; tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
 * "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
 */
function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    if (TCHAR[s.charCodeAt(i)] !== 1) return false; // undefined for code units >= 128
  }
  return true;
}

/**
 * RFC 6265bis §4.1.1: cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE );
 * cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (no CTLs, whitespace, DQUOTE,
 * comma, semicolon or backslash).
 */
function isCookieValue(s: string): boolean {
  let start = 0;
  let end = s.length;
  if (end >= 2 && s.charCodeAt(0) === 0x22 && s.charCodeAt(end - 1) === 0x22) {
    start = 1;
    end--;
  }
  for (let i = start; i < end; i++) {
    if (COOKIE_OCTET[s.charCodeAt(i)] !== 1) return false;
  }
  return true;
}

/**
 * RFC 6265bis §4.1.2.3 with RFC 1034 §3.5 host names: an optional leading ".", then labels of
 * letters, digits and hyphens, each 1-63 characters, not starting or ending with a hyphen.
 */
function isDomain(s: string): boolean {
  let i = s.charCodeAt(0) === 0x2e ? 1 : 0;
  if (s.length - i === 0 || s.length - i > 253) return false;
  let labelLength = 0;
  let previous = 0x2e;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (labelLength === 0 || previous === 0x2d) return false;
      labelLength = 0;
    } else if (c === 0x2d) {
      if (labelLength === 0) return false;
      labelLength++;
    } else if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      labelLength++;
    } else {
      return false;
    }
    if (labelLength > 63) return false;
    previous = c;
  }
  return labelLength > 0 && previous !== 0x2d;
}

/**
 * RFC 6265bis §4.1.1: path-value = *av-octet; av-octet = %x20-3A / %x3C-7E (any CHAR except
 * CTLs or ";"). Keel also requires the leading "/" that §5.2.4 needs for the value to count.
 */
function isPath(s: string): boolean {
  if (s.charCodeAt(0) !== 0x2f) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x3b) return false;
  }
  return true;
}

// Lookup tables: one array read per character instead of a chain of comparisons.
const TCHAR = makeTable((c) =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
  "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)),
);
const COOKIE_OCTET = makeTable((c) =>
  c === 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
  (c >= 0x5d && c <= 0x7e),
);

function makeTable(accept: (c: number) => boolean): Uint8Array {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = accept(c) ? 1 : 0;
  return table;
}
