// Entity tags for res.send() (RFC 9110 §8.8.3): "<length in hex>-<27 characters of base64 SHA-1>",
// the format the `etag` package gives Express, so caches filled by an Express app stay valid.

import crypto from 'node:crypto';

// The tag of the empty body, computed once.
const EMPTY = '"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

// crypto.hash() (Node 20.12+) hashes in one call, with no Hash object per response; older Node
// versions use createHash().
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : undefined;

function sha1Base64(body: string | Uint8Array): string {
  if (oneShot !== undefined) return oneShot('sha1', body, 'base64');
  const hash = crypto.createHash('sha1');
  if (typeof body === 'string') hash.update(body, 'utf8');
  else hash.update(body);
  return hash.digest('base64');
}

/** The entity tag of a body; weak (W/"...") unless `weak` is false. */
export function entityTag(body: string | Uint8Array, weak: boolean): string {
  const length = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  let tag: string;
  if (length === 0) {
    tag = EMPTY;
  } else {
    tag = '"' + length.toString(16) + '-' + sha1Base64(body).slice(0, 27) + '"';
  }
  return weak ? 'W/' + tag : tag;
}
