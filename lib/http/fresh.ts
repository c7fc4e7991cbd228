// Conditional GET (RFC 9110 §13.1.2 If-None-Match, §13.1.3 If-Modified-Since): whether the client's
// cached copy is still fresh, so the response can be a 304 Not Modified.

/** Longest date text worth parsing; an IMF-fixdate is 29 characters. */
const MAX_DATE_LENGTH = 64;

export interface FreshnessRequestHeaders {
  'if-none-match'?: string | undefined;
  'if-modified-since'?: string | undefined;
  'cache-control'?: string | undefined;
}

/**
 * Whether a response with validators `etag` / `lastModified` would be "not modified" for a request
 * with these headers. The caller checks the method (GET/HEAD) and status (2xx/304).
 */
export function isFresh(headers: FreshnessRequestHeaders, etag: string | undefined, lastModified: string | undefined): boolean {
  const noneMatch = headers['if-none-match'];
  const modifiedSince = headers['if-modified-since'];
  if (noneMatch === undefined && modifiedSince === undefined) return false;
  // RFC 9111 §5.2.1.4: a request with `Cache-Control: no-cache` wants the full response.
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined && hasNoCache(cacheControl)) return false;
  if (noneMatch !== undefined) {
    // RFC 9110 §13.1.3: "A recipient MUST ignore If-Modified-Since if the request contains an
    // If-None-Match header field".
    return noneMatchFresh(noneMatch, etag);
  }
  if (lastModified === undefined || modifiedSince === undefined) return false;
  const since = parseHttpDate(modifiedSince);
  const modified = parseHttpDate(lastModified);
  // RFC 9110 §13.1.3: an invalid date is ignored (here: not fresh).
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
}

/**
 * An HTTP-date (RFC 9110 §5.6.7) in milliseconds, NaN when absent, invalid or longer than any date
 * format (text that long is not parsed at all). Shared by req.fresh and serveStatic's
 * preconditions.
 */
export function parseHttpDate(value: string | undefined): number {
  if (value === undefined || value.length > MAX_DATE_LENGTH) return NaN;
  return Date.parse(value);
}

/**
 * RFC 9110 §13.1.2: "If-None-Match: *" matches any current representation; otherwise the list is
 * compared with the weak comparison function (§8.8.3.2: W/ prefixes ignored, opaque tags equal).
 */
function noneMatchFresh(header: string, etag: string | undefined): boolean {
  if (etag === undefined) return isAnyTag(header, 0, header.length);
  return entityTagListMatches(header, etag, true);
}

/**
 * Whether an entity-tag list header (If-Match, If-None-Match: `"*"` or `1#entity-tag`, RFC 9110
 * §13.1.1-2) matches `etag`. `weak` selects the weak comparison (§8.8.3.2: the W/ prefixes are
 * ignored); the strong one never matches a weak tag. '*' counts only as the whole field value.
 * Shared by req.fresh and serveStatic's preconditions.
 */
export function entityTagListMatches(header: string, etag: string, weak: boolean): boolean {
  const length = header.length;
  if (isAnyTag(header, 0, length)) return true;
  if (!weak && isWeakTag(etag, 0, etag.length)) return false;
  const opaque = opaqueTag(etag, 0, etag.length);
  let start = 0;
  while (start < length) {
    let end = header.indexOf(',', start);
    if (end === -1) end = length;
    let s = start;
    let e = end;
    while (s < e && isListSpace(header.charCodeAt(s))) s++;
    while (e > s && isListSpace(header.charCodeAt(e - 1))) e--;
    if (e > s && (weak || !isWeakTag(header, s, e)) && opaqueTag(header, s, e) === opaque) return true;
    start = end + 1;
  }
  return false;
}

/** Whether text[start, end) is '*' with optional whitespace around it. */
function isAnyTag(text: string, start: number, end: number): boolean {
  while (start < end && isListSpace(text.charCodeAt(start))) start++;
  while (end > start && isListSpace(text.charCodeAt(end - 1))) end--;
  return end - start === 1 && text.charCodeAt(start) === 0x2a; /* * */
}

/** Whether the entity-tag in text[start, end) is weak ('W/"x"'). */
function isWeakTag(text: string, start: number, end: number): boolean {
  return end - start > 2 && text.charCodeAt(start) === 0x57 /* W */ && text.charCodeAt(start + 1) === 0x2f; /* / */
}

/** The opaque-tag of an entity-tag written in text[start, end): 'W/"x"' and '"x"' both give '"x"'. */
function opaqueTag(text: string, start: number, end: number): string {
  if (isWeakTag(text, start, end)) start += 2;
  return text.slice(start, end);
}

function isListSpace(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Whether a Cache-Control value lists the `no-cache` directive. */
function hasNoCache(value: string): boolean {
  const lower = value.toLowerCase();
  let at = lower.indexOf('no-cache');
  while (at !== -1) {
    let before = at - 1;
    while (before >= 0 && isListSpace(value.charCodeAt(before))) before--;
    let after = at + 8;
    while (after < value.length && isListSpace(value.charCodeAt(after))) after++;
    const startOk = before < 0 || value.charCodeAt(before) === 0x2c;
    const endOk = after >= value.length || value.charCodeAt(after) === 0x2c || value.charCodeAt(after) === 0x3d;
    if (startOk && endOk) return true;
    at = lower.indexOf('no-cache', at + 8);
  }
  return false;
}
