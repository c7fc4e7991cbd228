// Static lookup for long runs of routes: instead of trying 100 route patterns one after another,
// a run of consecutive route layers is indexed by the literal first path segment of each pattern.
// A request only tries the routes whose first segment equals its own, plus those whose first
// segment can vary (':id', '*', groups, RegExp) — in their original order, so the result is
// exactly what a linear scan would give. Middleware between routes ends a run, so ordering
// between middleware and routes is never changed.

import type { Layer } from './layer.js';

/** Runs shorter than this are scanned: a lookup costs more than a few failed matches. */
const MIN_RUN = 8;

export interface RouteBlock {
  /** Index in the stack just after the run. */
  readonly end: number;
  readonly caseSensitive: boolean;
  /** First segment → stack indices to try, ascending (includes the `varying` ones, merged). */
  readonly byFirstSegment: Map<string, readonly number[]>;
  /** Indices of routes whose first segment can vary: tried for any other first segment. */
  readonly varying: readonly number[];
}

/** Sparse array: a RouteBlock at the index where each indexed run starts. */
export type RouteIndex = (RouteBlock | undefined)[];

function indexable(layer: Layer): boolean {
  return layer.route !== undefined;
}

export function buildRouteIndex(stack: readonly Layer[]): RouteIndex {
  const index: RouteIndex = [];
  let i = 0;
  while (i < stack.length) {
    const start = i;
    const cs = stack[i]!.caseSensitive;
    while (i < stack.length && indexable(stack[i]!) && stack[i]!.caseSensitive === cs) i++;
    if (i - start >= MIN_RUN) {
      const varying: number[] = [];
      const lists = new Map<string, number[]>();
      for (let j = start; j < i; j++) {
        const seg = stack[j]!.matcher.firstSegment;
        if (seg === undefined) {
          varying.push(j);
          for (const list of lists.values()) list.push(j);
        } else {
          let list = lists.get(seg);
          if (list === undefined) {
            list = [...varying];
            lists.set(seg, list);
          }
          list.push(j);
        }
      }
      index[start] = { end: i, caseSensitive: cs, byFirstSegment: lists, varying };
    }
    if (i === start) i++;
  }
  return index;
}

/** The first segment of a path ('/users/7' → 'users'; '/' → ''), lowercased unless case-sensitive. */
export function firstSegmentOf(path: string, caseSensitive: boolean): string {
  const slash = path.indexOf('/', 1);
  const seg = slash === -1 ? path.slice(1) : path.slice(1, slash);
  return caseSensitive ? seg : seg.toLowerCase();
}
