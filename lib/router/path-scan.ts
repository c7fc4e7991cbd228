// The two fast path matchers, for the shapes most routes have. Both give exactly what the Pike VM
// (path-vm.ts) gives for the same pattern (spec/router/path-engines.spec.ts runs one table
// through all engines), only faster:
// - StaticMatcher: no params at all ('/about'): a length check and one literal compare.
// - SegmentMatcher: literals and whole-segment params, maybe a final wildcard
//   ('/users/:id/posts/:post', '/files/*path'): one left-to-right scan, indexOf('/') per param.

import type { Params } from '../http/request.js';
import type { PathMatch, PathMatcher, PathOptions } from './path.js';
import type { PathToken, PreparedPath } from './path-parse.js';
import { buildParams } from './path-params.js';
import { foldLiteral, literalAt, prefixLength } from './path-literal.js';

const SLASH = 47;

/** end: true accepts the whole path, plus one trailing '/' unless strict. */
function wholePath(path: string, pos: number, strict: boolean): boolean {
  const n = path.length;
  return pos === n || (!strict && pos === n - 1 && path.charCodeAt(pos) === SLASH);
}

export class StaticMatcher implements PathMatcher {
  readonly keys: readonly string[] = [];
  readonly firstSegment: string | undefined;
  readonly isStatic = true;
  private readonly literal: string;
  private readonly options: PathOptions;

  constructor(literal: string, firstSegment: string | undefined, options: PathOptions) {
    this.literal = options.caseSensitive ? literal : foldLiteral(literal);
    this.firstSegment = firstSegment;
    this.options = options;
  }

  match(path: string): PathMatch | null {
    const length = this.literal.length;
    const { end, strict, caseSensitive } = this.options;
    // Length first: most static routes differ from the path in length, and that costs nothing.
    if (end && path.length !== length && (strict || path.length !== length + 1)) return null;
    if (!literalAt(path, 0, this.literal, caseSensitive)) return null;
    let matched = path.length;
    if (end) {
      if (!wholePath(path, length, strict)) return null;
    } else {
      matched = prefixLength(path, length);
      if (matched < 0) return null;
    }
    return { matched, params: Object.create(null) as Params };
  }
}

// Part kinds of a SegmentMatcher.
const LITERAL = 0;
const PARAM = 1;
const WILDCARD = 2;

/** The parts of a segment-shaped pattern, or undefined when the pattern needs the VM. */
function segmentParts(tokens: readonly PathToken[]): { kinds: number[]; literals: string[] } | undefined {
  const kinds: number[] = [];
  const literals: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as PathToken;
    if (token.type === 'text') {
      kinds.push(LITERAL);
      literals.push(token.value);
      continue;
    }
    if (token.type === 'group') return undefined;
    // A param or wildcard must fill a whole segment: '/' before it, '/' or the end after it.
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    if (before === undefined || before.type !== 'text' || !before.value.endsWith('/')) return undefined;
    if (token.type === 'wildcard' && after !== undefined) return undefined;
    if (after !== undefined && (after.type !== 'text' || after.value.charCodeAt(0) !== SLASH)) return undefined;
    kinds.push(token.type === 'param' ? PARAM : WILDCARD);
    literals.push('');
  }
  return { kinds, literals };
}

export class SegmentMatcher implements PathMatcher {
  readonly keys: readonly string[];
  readonly firstSegment: string | undefined;
  readonly isStatic = false;
  private readonly wildcards: readonly boolean[];
  private readonly kinds: Uint8Array;
  private readonly literals: readonly string[];
  private readonly options: PathOptions;
  /** Capture slots, reused: a failed match allocates nothing. */
  private readonly caps: Int32Array;

  private constructor(parts: { kinds: number[]; literals: string[] }, path: PreparedPath, options: PathOptions) {
    this.keys = path.keys;
    this.wildcards = path.wildcards;
    this.firstSegment = path.firstSegment;
    this.kinds = Uint8Array.from(parts.kinds);
    this.literals = options.caseSensitive ? parts.literals : parts.literals.map(foldLiteral);
    this.options = options;
    this.caps = new Int32Array(2 * path.keys.length);
  }

  /** A SegmentMatcher when the pattern has the segment shape, else undefined. */
  static tryCreate(path: PreparedPath, options: PathOptions): SegmentMatcher | undefined {
    const parts = segmentParts(path.tokens);
    return parts === undefined ? undefined : new SegmentMatcher(parts, path, options);
  }

  match(path: string): PathMatch | null {
    const { end, strict, caseSensitive } = this.options;
    const n = path.length;
    const caps = this.caps;
    let pos = 0;
    let slot = 0;
    for (let i = 0; i < this.kinds.length; i++) {
      const kind = this.kinds[i];
      if (kind === LITERAL) {
        const literal = this.literals[i] as string;
        if (!literalAt(path, pos, literal, caseSensitive)) return null;
        pos += literal.length;
      } else if (kind === PARAM) {
        // Lazy or not, a whole-segment param can only end at the next '/' or the end.
        let stop = path.indexOf('/', pos);
        if (stop === -1) stop = n;
        if (stop === pos) return null; // one or more characters
        caps[slot++] = pos;
        caps[slot++] = stop;
        pos = stop;
      } else {
        // A final greedy wildcard takes everything left (a trailing '/' included).
        if (pos >= n) return null;
        caps[slot++] = pos;
        caps[slot++] = n;
        pos = n;
      }
    }
    let matched = n;
    if (end) {
      if (!wholePath(path, pos, strict)) return null;
    } else {
      matched = prefixLength(path, pos);
      if (matched < 0) return null;
    }
    return { matched, params: buildParams(path, this.keys, this.wildcards, caps) };
  }
}
