// RegExp paths, with Express 5 semantics: the application's own regular expression runs on the
// raw path; capture groups become params in order, named groups by their name, the others
// numbered '0', '1', ... (counting only unnamed groups). Its speed is the application's regex's:
// Keel builds none from client input. caseSensitive and strict do not apply (the flags decide).

import type { Params } from '../http/request.js';
import { bareObject } from '../http/bare-object.js';
import type { PathMatch, PathMatcher } from './path.js';
import { decodeParam } from './path-params.js';
import { prefixLength } from './path-literal.js';

/** Names of the capture groups of `source`, in the order they open. */
function groupNames(source: string): string[] {
  const names: string[] = [];
  let unnamed = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\') {
      i++; // an escaped character never opens a group or a class
    } else if (inClass) {
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      inClass = true;
    } else if (ch === '(') {
      if (source[i + 1] !== '?') {
        names.push(String(unnamed++));
      } else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        const close = source.indexOf('>', i + 3);
        names.push(source.slice(i + 3, close));
      }
    }
  }
  return names;
}

export class RegExpMatcher implements PathMatcher {
  readonly keys: readonly string[];
  readonly firstSegment = undefined;
  readonly isStatic = false;
  private readonly regexp: RegExp;
  private readonly end: boolean;

  constructor(regexp: RegExp, end: boolean) {
    // A copy without 'g'/'y': those make exec() stateful (lastIndex), and one route's regex must
    // give the same answer on every request.
    this.regexp = new RegExp(regexp.source, regexp.flags.replace(/[gy]/g, ''));
    this.end = end;
    const names = groupNames(regexp.source);
    // Cross-check the scan against the engine: `source|` matches '' with every group unset.
    const groups = (new RegExp(`${regexp.source}|`, this.regexp.flags).exec('') as RegExpExecArray).length - 1;
    if (groups !== names.length) {
      throw new TypeError(`Cannot read the capture groups of path ${String(regexp)}`);
    }
    this.keys = names;
  }

  match(path: string): PathMatch | null {
    const m = this.regexp.exec(path);
    if (m === null) return null;
    let matched = path.length;
    if (!this.end) {
      // A mount prefix must start the path and end at a '/' boundary ('/admin' not '/adminx').
      if (m.index !== 0) return null;
      matched = prefixLength(path, m[0].length);
      if (matched < 0) return null;
    }
    const params = bareObject<Params>();
    for (let i = 1; i < m.length; i++) {
      const value = m[i];
      if (value !== undefined) params[this.keys[i - 1] as string] = decodeParam(value);
    }
    return { matched, params };
  }
}
