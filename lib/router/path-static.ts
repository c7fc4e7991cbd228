// StaticMatcher: the fast path for patterns without params ('/about'): a length check and one
// literal compare. Gives exactly what the Pike VM (path-vm.ts) gives for the same pattern
// (spec/router/path-engines.spec.ts checks it).

import type { Params } from '../http/request.js';
import { bareObject } from '../http/bare-object.js';
import type { PathMatch, PathMatcher, PathOptions } from './path.js';
import { foldLiteral, literalAt, prefixLength, wholePath } from './path-literal.js';

export class StaticMatcher implements PathMatcher {
  readonly keys: readonly string[] = [];
  readonly firstSegment: string | undefined;
  readonly isStatic = true;
  readonly everyPath: boolean;
  private readonly literal: string;
  private readonly options: PathOptions;

  constructor(literal: string, firstSegment: string | undefined, options: PathOptions) {
    this.literal = options.caseSensitive ? literal : foldLiteral(literal);
    this.firstSegment = firstSegment;
    this.options = options;
    this.everyPath = literal === '' && !options.end;
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
    return { matched, params: bareObject<Params>() };
  }
}
