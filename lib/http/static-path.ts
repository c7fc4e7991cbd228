// Maps a request path to a file under a root, safely: decode once, refuse NUL bytes, backslashes and
// '..' segments, then check containment on the resolved path with a separator (CVE-2014-6394: a
// string-prefix check lets '/www' reach '/www-evil'), and again on the real path so a symlink cannot
// lead out of the root unless allowed (GHSA-q5qw-h33p-qvwr).

import path from 'node:path';

export type PathResult =
  | { ok: true; file: string; segments: string[] }
  | { ok: false; status: 400 | 403 | 404; code: string };

/** True when `child` is `root` itself or inside it. `root` must be resolved, without trailing separator. */
export function isInside(root: string, child: string): boolean {
  if (child === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return child.startsWith(prefix);
}

/**
 * Resolves the path part of a URL (still percent-encoded, without the query) against `root`.
 * The path is decoded exactly once; '%2e%2e', '%2f' and '%5c' are judged after that decoding.
 */
export function resolveUnderRoot(root: string, urlPath: string): PathResult {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400, code: 'KEEL_STATIC_BAD_PATH' };
  }
  if (decoded.indexOf('\0') !== -1) return { ok: false, status: 400, code: 'KEEL_STATIC_BAD_PATH' };
  // A backslash is a separator on Windows and never a legitimate part of a URL path we serve.
  if (decoded.indexOf('\\') !== -1) return { ok: false, status: 403, code: 'KEEL_STATIC_FORBIDDEN_PATH' };
  const segments: string[] = [];
  let start = 0;
  while (start <= decoded.length) {
    let end = decoded.indexOf('/', start);
    if (end === -1) end = decoded.length;
    const segment = decoded.slice(start, end);
    // '..' is refused outright, even when it would stay inside the root, as `send` does.
    if (segment === '..') return { ok: false, status: 403, code: 'KEEL_STATIC_FORBIDDEN_PATH' };
    if (segment !== '' && segment !== '.') segments.push(segment);
    start = end + 1;
  }
  const file = path.resolve(root, ...segments);
  if (!isInside(root, file)) return { ok: false, status: 403, code: 'KEEL_STATIC_FORBIDDEN_PATH' };
  return { ok: true, file, segments };
}
