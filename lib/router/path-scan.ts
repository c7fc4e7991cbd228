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

interface SegmentParts {
  kinds: number[];
  literals: string[];
  /** Index of the first part of the final optional group, or kinds.length when there is none. */
  groupAt: number;
}

/** True when `token` is text that ends with '/'. */
function endsWithSlash(token: PathToken | undefined): boolean {
  return token !== undefined && token.type === 'text' && token.value.endsWith('/');
}

/**
 * The parts of a segment-shaped pattern, or undefined when the pattern needs the VM. Segment
 * shape: literals, params and wildcards that fill whole segments ('/' before, '/' or the end
 * after), a wildcard only last, and at most one optional group, last, holding one such param or
 * wildcard: '/users{/:id}', '/files{/*path}', '/{*splat}'.
 */
function segmentParts(tokens: readonly PathToken[]): SegmentParts | undefined {
  const parts: SegmentParts = { kinds: [], literals: [], groupAt: -1 };
  let flat: readonly PathToken[] = tokens;
  const last = tokens[tokens.length - 1];
  if (last !== undefined && last.type === 'group') {
    const inner = last.tokens;
    const param = inner[inner.length - 1];
    if (param === undefined || (param.type !== 'param' && param.type !== 'wildcard')) return undefined;
    if (inner.length === 2 ? !endsWithSlash(inner[0]) : inner.length !== 1 || !endsWithSlash(tokens[tokens.length - 2])) {
      return undefined;
    }
    // The group must start a segment for what comes before it to end there.
    if (inner.length === 2 && (inner[0] as { value: string }).value.charCodeAt(0) !== SLASH) return undefined;
    flat = [...tokens.slice(0, -1), ...inner];
    parts.groupAt = tokens.length - 1;
  }
  for (let i = 0; i < flat.length; i++) {
    const token = flat[i] as PathToken;
    if (token.type === 'text') {
      parts.kinds.push(LITERAL);
      parts.literals.push(token.value);
      continue;
    }
    if (token.type === 'group') return undefined;
    // A param or wildcard must fill a whole segment: '/' before it, '/' or the end after it.
    const after = flat[i + 1];
    if (!endsWithSlash(flat[i - 1])) return undefined;
    if (token.type === 'wildcard' && after !== undefined) return undefined;
    if (after !== undefined && (after.type !== 'text' || after.value.charCodeAt(0) !== SLASH)) return undefined;
    parts.kinds.push(token.type === 'param' ? PARAM : WILDCARD);
    parts.literals.push('');
  }
  if (parts.groupAt < 0) parts.groupAt = parts.kinds.length;
  return parts;
}

export class SegmentMatcher implements PathMatcher {
  readonly keys: readonly string[];
  readonly firstSegment: string | undefined;
  readonly isStatic = false;
  private readonly wildcards: readonly boolean[];
  private readonly kinds: Uint8Array;
  private readonly literals: readonly string[];
  private readonly groupAt: number;
  /** Capture slot of the first key inside the optional group. */
  private readonly groupSlot: number;
  private readonly options: PathOptions;
  /** Capture slots, reused: a failed match allocates nothing. */
  private readonly caps: Int32Array;

  private constructor(parts: SegmentParts, path: PreparedPath, options: PathOptions) {
    this.keys = path.keys;
    this.wildcards = path.wildcards;
    this.firstSegment = path.firstSegment;
    this.kinds = Uint8Array.from(parts.kinds);
    this.literals = options.caseSensitive ? parts.literals : parts.literals.map(foldLiteral);
    this.groupAt = parts.groupAt;
    this.groupSlot = 2 * parts.kinds.slice(0, parts.groupAt).filter((k) => k !== LITERAL).length;
    this.options = options;
    this.caps = new Int32Array(2 * path.keys.length);
  }

  /** A SegmentMatcher when the pattern has the segment shape, else undefined. */
  static tryCreate(path: PreparedPath, options: PathOptions): SegmentMatcher | undefined {
    const parts = segmentParts(path.tokens);
    return parts === undefined ? undefined : new SegmentMatcher(parts, path, options);
  }

  match(path: string): PathMatch | null {
    const kinds = this.kinds;
    let pos = this.scan(path, 0, this.groupAt, 0, 0);
    if (pos < 0) return null;
    let matched = -1;
    if (this.groupAt < kinds.length) {
      // The optional group is greedy, as in the VM: taken if the rest still matches after it.
      const taken = this.scan(path, this.groupAt, kinds.length, pos, this.groupSlot);
      if (taken >= 0) matched = this.finish(path, taken);
      if (matched < 0) this.caps.fill(-1, this.groupSlot);
    }
    if (matched < 0) matched = this.finish(path, pos);
    if (matched < 0) return null;
    return { matched, params: buildParams(path, this.keys, this.wildcards, this.caps) };
  }

  /** Matches parts [from, to) at `pos`, writing captures from `slot`; the new position or -1. */
  private scan(path: string, from: number, to: number, pos: number, slot: number): number {
    const n = path.length;
    const caps = this.caps;
    for (let i = from; i < to; i++) {
      const kind = this.kinds[i];
      if (kind === LITERAL) {
        const literal = this.literals[i] as string;
        if (!literalAt(path, pos, literal, this.options.caseSensitive)) return -1;
        pos += literal.length;
      } else if (kind === PARAM) {
        // Lazy or not, a whole-segment param can only end at the next '/' or the end.
        let stop = path.indexOf('/', pos);
        if (stop === -1) stop = n;
        if (stop === pos) return -1; // one or more characters
        caps[slot++] = pos;
        caps[slot++] = stop;
        pos = stop;
      } else {
        // A final greedy wildcard takes everything left (a trailing '/' included).
        if (pos >= n) return -1;
        caps[slot++] = pos;
        caps[slot++] = n;
        pos = n;
      }
    }
    return pos;
  }

  /** The end condition at `pos`: the matched length, or -1. */
  private finish(path: string, pos: number): number {
    if (!this.options.end) return prefixLength(path, pos);
    return wholePath(path, pos, this.options.strict) ? path.length : -1;
  }
}
