// SegmentMatcher: the fast path for patterns made of segments ('/users/:id/posts/:post',
// '/files/*path', '/users{/:id}', '/:file.:ext', '/:from-:to'): one left-to-right scan with
// indexOf, no thread lists. Gives exactly what the Pike VM (path-vm.ts) gives for the same
// pattern; spec/router/path-engines.spec.ts checks it on tables and random patterns.
//
// Why a scan is enough. A param cannot contain '/', so it lives inside one segment. Inside a
// segment the VM's lazy params mean: each param ends at the first occurrence of the literal after
// it from which the rest of the segment can still match. The rest "can still match" from a
// position only if it can from every earlier one (the next param can absorb the extra
// characters), so the first occurrence is the answer or nothing is: no alternatives to keep.
// A literal that ends its segment must sit at the segment's end. A final wildcard takes all
// that is left; an optional group (last, starting a segment) is tried, then skipped.

import type { PathMatch, PathMatcher, PathOptions } from './path.js';
import type { PathToken, PreparedPath } from './path-parse.js';
import { buildParams } from './path-params.js';
import { findLiteral, foldLiteral, literalAt, prefixLength, wholePath } from './path-literal.js';

// Part kinds.
const LITERAL = 0; //      text to compare (may hold '/')
const PARAM = 1; //        a param up to the end of its segment
const PARAM_UNTIL = 2; //  a param up to the first occurrence of `literal` in its segment (consumed too)
const PARAM_BEFORE = 3; // a param up to `literal`, which ends its segment (consumed too)
const WILDCARD = 4; //     a final wildcard: everything left

interface SegmentParts {
  kinds: number[];
  literals: string[];
  /** Index of the first part of the final optional group, or kinds.length when there is none. */
  groupAt: number;
}

/** The tokens without the final group, and the group's tokens (empty when there is none). */
function splitGroup(tokens: readonly PathToken[]): [PathToken[], PathToken[]] | undefined {
  const last = tokens[tokens.length - 1];
  if (last === undefined || last.type !== 'group') return [tokens.slice(), []];
  const inner = last.tokens;
  const main = tokens.slice(0, -1);
  const first = inner[0];
  const before = main[main.length - 1];
  // What precedes the group must end a segment whether the group is taken or not: the group
  // starts with '/', or is a lone param or wildcard after a '/' ('/{*splat}').
  const startsSegment = first !== undefined && first.type === 'text' && first.value.charCodeAt(0) === 47;
  const alone = inner.length === 1 && first !== undefined && first.type !== 'text' && first.type !== 'group';
  const afterSlash = before !== undefined && before.type === 'text' && before.value.endsWith('/');
  if (!startsSegment && !(alone && afterSlash)) return undefined;
  return [main, inner.slice()];
}

/** The parts of a segment-shaped pattern, or undefined when the pattern needs the VM. */
function segmentParts(tokens: readonly PathToken[]): SegmentParts | undefined {
  const split = splitGroup(tokens);
  if (split === undefined) return undefined;
  const [main, group] = split;
  const flat = [...main, ...group];
  const parts: SegmentParts = { kinds: [], literals: [], groupAt: -1 };
  // Text a param has taken the head of (up to the segment's end): its remainder, by index.
  const rest = new Map<number, string>();
  for (let i = 0; i < flat.length; i++) {
    if (i === main.length) parts.groupAt = parts.kinds.length;
    const token = flat[i] as PathToken;
    if (token.type === 'group') return undefined;
    if (token.type === 'text') {
      const text = rest.get(i) ?? token.value;
      if (text !== '') {
        parts.kinds.push(LITERAL);
        parts.literals.push(text);
      }
      continue;
    }
    if (token.type === 'wildcard') {
      if (i !== flat.length - 1) return undefined;
      parts.kinds.push(WILDCARD);
      parts.literals.push('');
      continue;
    }
    const next = flat[i + 1];
    // Text after the param, up to its segment's end: that literal ends the param.
    const text = next !== undefined && next.type === 'text' && i + 1 !== main.length ? next.value : '';
    const slash = text.indexOf('/');
    const inSegment = slash === -1 ? text : text.slice(0, slash);
    if (inSegment === '') {
      parts.kinds.push(PARAM);
    } else {
      // The literal ends the segment if '/' follows it, or the pattern (or the main part) ends.
      const after = flat[i + 2];
      const ends = slash !== -1 || after === undefined || after.type === 'text' || i + 2 === main.length;
      parts.kinds.push(ends ? PARAM_BEFORE : PARAM_UNTIL);
      rest.set(i + 1, text.slice(inSegment.length));
    }
    parts.literals.push(inSegment);
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
    const pos = this.scan(path, 0, this.groupAt, 0, 0);
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
    const caseSensitive = this.options.caseSensitive;
    for (let i = from; i < to; i++) {
      const kind = this.kinds[i];
      const literal = this.literals[i] as string;
      if (kind === LITERAL) {
        if (!literalAt(path, pos, literal, caseSensitive)) return -1;
        pos += literal.length;
        continue;
      }
      if (kind === WILDCARD) {
        if (pos >= n) return -1; // one or more characters, '/' included
        caps[slot++] = pos;
        caps[slot++] = n;
        pos = n;
        continue;
      }
      let segmentEnd = path.indexOf('/', pos);
      if (segmentEnd === -1) segmentEnd = n;
      // Every param takes one or more characters: its literal is looked for from pos + 1.
      let stop: number;
      if (kind === PARAM) {
        stop = segmentEnd;
      } else if (kind === PARAM_UNTIL) {
        stop = findLiteral(path, pos + 1, segmentEnd, literal, caseSensitive);
      } else {
        stop = segmentEnd - literal.length;
        if (!literalAt(path, stop, literal, caseSensitive)) stop = -1;
      }
      if (stop <= pos) return -1;
      caps[slot++] = pos;
      caps[slot++] = stop;
      pos = stop + literal.length;
    }
    return pos;
  }

  /** The end condition at `pos`: the matched length, or -1. */
  private finish(path: string, pos: number): number {
    if (!this.options.end) return prefixLength(path, pos);
    return wholePath(path, pos, this.options.strict) ? path.length : -1;
  }
}
