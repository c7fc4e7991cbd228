// TEMPORARY stand-in for the path matcher (replaced by the real one on merge): static segments
// and whole-segment :params only.

import type { Params } from '../http/request.js';
import { HttpError } from '../http/errors.js';

export interface PathOptions { end: boolean; caseSensitive: boolean; strict: boolean }
export type PathInput = string | RegExp | readonly (string | RegExp)[];
export interface PathMatch { matched: number; params: Params }
export interface PathMatcher {
  readonly keys: readonly string[];
  readonly firstSegment: string | undefined;
  readonly isStatic: boolean;
  match(path: string): PathMatch | null;
}
export type RouteParams<Path> = Path extends string ? Params : Params;

export function compilePath(input: PathInput, options: PathOptions): PathMatcher {
  if (typeof input !== 'string') throw new TypeError('stub: only string paths');
  const segs = input.split('/').filter((s) => s !== '');
  const keys = segs.filter((s) => s.startsWith(':')).map((s) => s.slice(1));
  const norm = (s: string) => (options.caseSensitive ? s : s.toLowerCase());
  return {
    keys,
    isStatic: keys.length === 0,
    firstSegment: segs.length === 0 ? '' : segs[0]!.startsWith(':') ? undefined : norm(segs[0]!),
    match(path: string): PathMatch | null {
      let p = path;
      if (options.end && !options.strict && p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
      const parts = p.split('/').filter((s, i) => i > 0 || s !== '');
      if (parts[0] === '') parts.shift();
      if (p === '/') parts.length = 0;
      if (options.end ? parts.length !== segs.length : parts.length < segs.length) return null;
      const params = Object.create(null) as Params;
      let matched = 0;
      for (let i = 0; i < segs.length; i++) {
        const s = segs[i]!;
        const v = parts[i]!;
        if (s.startsWith(':')) {
          if (v === '') return null;
          try { params[s.slice(1)] = decodeURIComponent(v); } catch { throw new HttpError(400, 'Failed to decode param'); }
        } else if (norm(s) !== norm(v)) return null;
        matched += 1 + v.length;
      }
      return { matched: options.end ? path.length : matched, params };
    },
  };
}
