// Path patterns ('/users/:id', '/files/*path', '/users{/:id}', RegExp, arrays) compiled to
// matchers the Router calls on every request. Matching is linear in the path length for every
// pattern (see path-vm.ts); the engine is picked by the pattern's shape:
//   static ('/about')                      -> StaticMatcher  (path-static.ts): length check + compare
//   segments ('/u/:id/*rest', '/:a-:b',
//     '/users{/:id}', '/{*splat}')         -> SegmentMatcher (path-segment.ts): one scan
//   anything else ('{.:x}{-:y}', '/*a/b')  -> VmMatcher      (path-vm.ts): Pike VM, no backtracking
//   RegExp                                 -> RegExpMatcher  (path-regexp.ts): the app's own regex
// Syntax: path-parse.ts. Semantics (lazy params, greedy wildcards and groups, the rule for several
// params in one segment): path-vm.ts. Params and their decoding: path-params.ts.
// The three string engines give identical results; spec/router/path-engines.spec.ts checks it.

import type { Params } from '../http/request.js';
import { dropTrailingSlash, literalFirstSegment, parsePath } from './path-parse.js';
import type { PreparedPath } from './path-parse.js';
import { foldLiteral } from './path-literal.js';
import { StaticMatcher } from './path-static.js';
import { SegmentMatcher } from './path-segment.js';
import { VmMatcher } from './path-vm.js';
import { RegExpMatcher } from './path-regexp.js';

export type { RouteParams } from './path-types.js';

export interface PathOptions {
  /** true for routes (the whole path must match), false for `use` mount prefixes. */
  end: boolean;
  /** Compare letters with their case (default routing: false). */
  caseSensitive: boolean;
  /** When false, one trailing '/' on the path or the pattern is ignored. */
  strict: boolean;
}

export type PathInput = string | RegExp | readonly (string | RegExp)[];

export interface PathMatch {
  /** end: path.length; otherwise the length of the matched prefix without a trailing '/'. */
  matched: number;
  /**
   * Decoded params, in an object that inherits nothing (lib/http/bare-object.ts); optional params
   * that did not match are absent.
   */
  params: Params;
}

export interface PathMatcher {
  /** Param names in order (RegExp: '0', '1', ... and named groups). */
  readonly keys: readonly string[];
  /**
   * The literal first segment, for indexing: 'users' for '/users/:id', lowercased unless
   * caseSensitive; '' for the pattern '/' (with end: false, that pattern matches every path).
   * undefined when the first segment can vary (param, wildcard, optional group, RegExp, array).
   * Compare it with the request's first segment ASCII-lowercased (non-ASCII pattern text is
   * stored %-encoded, so a segment's other characters never need folding).
   */
  readonly firstSegment: string | undefined;
  /** No params, wildcards, groups or RegExp. */
  readonly isStatic: boolean;
  /**
   * Set when the pattern is the root prefix (`use()` with no path, or '/'): it matches every path
   * that starts with '/', strips nothing and has no params, so the router need not call match().
   */
  readonly everyPath?: boolean;
  /** `path`: the raw (still %-encoded) pathname, starting with '/', without the query. */
  match(path: string): PathMatch | null;
}

/** Engines a string pattern may use; 'auto' picks the fastest that fits (tests force the others). */
export type PathEngine = 'auto' | 'vm';

function compileString(pattern: string, options: PathOptions, engine: PathEngine): PathMatcher {
  // '' is the root, as in Express.
  const parsed = parsePath(pattern === '' ? '/' : pattern);
  const tokens = options.strict ? parsed.tokens : dropTrailingSlash(parsed.tokens);
  const first = literalFirstSegment(tokens);
  const firstSegment = first === undefined || options.caseSensitive ? first : foldLiteral(first);
  const prepared: PreparedPath = { tokens, keys: parsed.keys, wildcards: parsed.wildcards, firstSegment };
  if (engine === 'auto') {
    if (tokens.length === 0) return new StaticMatcher('', firstSegment, options);
    const only = tokens[0];
    if (tokens.length === 1 && only !== undefined && only.type === 'text') {
      return new StaticMatcher(only.value, firstSegment, options);
    }
    const segment = SegmentMatcher.tryCreate(prepared, options);
    if (segment !== undefined) return segment;
  }
  return new VmMatcher(prepared, options);
}

/** Several paths: the first that matches wins; keys are the union, in order of first appearance. */
class ArrayMatcher implements PathMatcher {
  readonly keys: readonly string[];
  readonly firstSegment = undefined;
  readonly isStatic = false;
  private readonly matchers: readonly PathMatcher[];

  constructor(matchers: readonly PathMatcher[]) {
    this.matchers = matchers;
    this.keys = [...new Set(matchers.flatMap((m) => m.keys))];
  }

  match(path: string): PathMatch | null {
    for (let i = 0; i < this.matchers.length; i++) {
      const found = (this.matchers[i] as PathMatcher).match(path);
      if (found !== null) return found;
    }
    return null;
  }
}

function checkOptions(options: PathOptions): void {
  if (options === null || typeof options !== 'object') throw new TypeError('Path options must be an object');
  for (const name of ['end', 'caseSensitive', 'strict'] as const) {
    if (typeof options[name] !== 'boolean') {
      throw new TypeError(`Path option ${name} must be a boolean, got ${typeof options[name]}`);
    }
  }
}

function compileOne(input: unknown, options: PathOptions, engine: PathEngine): PathMatcher {
  if (typeof input === 'string') return compileString(input, options, engine);
  if (input instanceof RegExp) return new RegExpMatcher(input, options.end);
  throw new TypeError(`A path must be a string, a RegExp or an array of them, got ${input === null ? 'null' : typeof input}`);
}

/**
 * Compiles a path pattern. Throws a TypeError for an invalid pattern (unbalanced braces, a
 * missing or duplicate name, reserved characters, '/:a:b', over-long patterns).
 * `engine` is for tests: 'vm' forces the general matcher so it can be compared with the fast ones.
 */
export function compilePath(input: PathInput, options: PathOptions, engine: PathEngine = 'auto'): PathMatcher {
  checkOptions(options);
  // Copied, so a caller mutating its options object later cannot change a compiled route.
  const own: PathOptions = { end: options.end, caseSensitive: options.caseSensitive, strict: options.strict };
  if (!Array.isArray(input)) return compileOne(input, own, engine);
  if (input.length === 0) throw new TypeError('A path array must not be empty');
  // Nested arrays are flattened, as Express does.
  const matchers = (input as readonly unknown[]).flat(Infinity).map((one) => compileOne(one, own, engine));
  return new ArrayMatcher(matchers);
}
