// Conditional requests, RFC 9110 §13: evaluates If-Match, If-Unmodified-Since, If-None-Match,
// If-Modified-Since (in the order of §13.2.2) and If-Range against a file's ETag and mtime.

import type { IncomingHttpHeaders } from 'node:http';
import { entityTagListMatches, parseHttpDate } from './fresh.js';

export type Precondition = 'ok' | 'not-modified' | 'failed';

/**
 * RFC 9110 §13.2.2 order. `mtime` is in milliseconds, compared at one-second resolution because
 * HTTP dates have no fractions.
 */
export function evaluatePreconditions(headers: IncomingHttpHeaders, etag: string, mtime: number, isGetOrHead: boolean): Precondition {
  const seconds = Math.floor(mtime / 1000) * 1000;
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    // §13.1.1: "An origin server MUST use the strong comparison function".
    if (!entityTagListMatches(ifMatch, etag, false)) return 'failed';
  } else {
    const ius = parseHttpDate(headers['if-unmodified-since']);
    if (!Number.isNaN(ius) && seconds > ius) return 'failed';
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // §13.1.2: weak comparison; for GET/HEAD the answer is 304.
    if (entityTagListMatches(ifNoneMatch, etag, true)) return isGetOrHead ? 'not-modified' : 'failed';
  } else if (isGetOrHead) {
    const ims = parseHttpDate(headers['if-modified-since']);
    if (!Number.isNaN(ims) && seconds <= ims) return 'not-modified';
  }
  return 'ok';
}

/** RFC 9110 §13.1.5: the Range applies only if If-Range matches (strong ETag, or exact date). */
export function ifRangeMatches(headers: IncomingHttpHeaders, etag: string, mtime: number): boolean {
  const ifRange = headers['if-range'];
  if (ifRange === undefined) return true;
  const value = (Array.isArray(ifRange) ? (ifRange[0] ?? '') : ifRange).trim();
  if (value.startsWith('"') || value.startsWith('W/')) return !value.startsWith('W/') && value === etag;
  const date = parseHttpDate(value);
  return !Number.isNaN(date) && date === Math.floor(mtime / 1000) * 1000;
}
