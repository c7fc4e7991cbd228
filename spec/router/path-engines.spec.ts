// The fast matchers (static, segment scan) and the Pike VM must agree on every path, and all of
// them must agree with an independent oracle: the pattern translated to a JavaScript RegExp with
// the documented semantics (lazy params, greedy wildcards and groups). The oracle backtracks, so
// it only ever sees the short paths generated here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath } from '../../lib/router/path.js';
import type { PathMatch, PathOptions } from '../../lib/router/path.js';
import { dropTrailingSlash, parsePath } from '../../lib/router/path-parse.js';
import type { PathToken } from '../../lib/router/path-parse.js';

const PATTERNS = [
  '/', '/a', '/a/', '/a/b', '/A/b', '/a//b', '/:x', '/:x/', '/a/:x', '/:x/:y', '/:x/a', '/a/:x/b/:y',
  '/*w', '/a/*w', '/:x/*w', '/:x-:y', '/:x.:y', '/:x-a', '/a:x', '/:x.a', '/:x{-:y}', '/a{/:x}',
  '{/:x}{/:y}', '/*w/a', '/*w.:x', '/*v/*w', '/*w-:x', '/a{/b{/:x}}', '/:x?', '/:x-:y-:z', '{/*w}',
  '/a/:x?', '/:x{.:y}{-:z}', '*', '/{a}b', '/:x{/}', '/a-:x/*w', '/:x/b/', '/{a/}:x',
  '/a{/*w}', '/{*w}', '/a/{*w}', '/a/{:x}', '/:x{/:y}', '/a{/b/:x}', '/a{-:x}', '/a{/:x}/b', '{/:x}',
  '/a{b/:x}', '/a/{b:x}', '/a{/b}', '/:x/{*w}',
];

const OPTIONS: PathOptions[] = [
  { end: true, strict: false, caseSensitive: false },
  { end: true, strict: true, caseSensitive: false },
  { end: true, strict: false, caseSensitive: true },
  { end: false, strict: false, caseSensitive: false },
  { end: false, strict: true, caseSensitive: true },
];

const ALPHABET = ['/', 'a', 'b', '-', '.', 'A'];

/** Every path of up to 4 characters after the leading '/', then longer random ones. */
function paths(): string[] {
  const out = ['/'];
  let level = [''];
  for (let length = 1; length <= 4; length++) {
    level = level.flatMap((s) => ALPHABET.map((c) => s + c));
    for (const s of level) out.push('/' + s);
  }
  let seed = 12345;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 300; i++) {
    let s = '/';
    const length = 5 + random(8);
    for (let j = 0; j < length; j++) s += ALPHABET[random(ALPHABET.length)] as string;
    out.push(s);
  }
  return out;
}

/** Deterministic pseudo-random integers in [0, n). */
function randomSource(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

/**
 * A random pattern over the same alphabet: text, params, wildcards, nested groups. Names are
 * quoted so that letters after them stay text; `names` numbers them across groups.
 */
function randomPattern(random: (n: number) => number, names = { next: 0 }, depth = 0): string {
  let out = '';
  const length = 1 + random(5);
  for (let i = 0; i < length; i++) {
    const pick = random(10);
    if (pick < 5) out += ALPHABET[random(ALPHABET.length)] as string;
    else if (pick < 7) out += `:"p${names.next++}"`;
    else if (pick < 8) out += `*"w${names.next++}"`;
    else if (depth < 2) out += `{${randomPattern(random, names, depth + 1)}}`;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function tokensToSource(tokens: readonly PathToken[]): string {
  let source = '';
  for (const t of tokens) {
    if (t.type === 'text') source += escapeRegExp(t.value);
    else if (t.type === 'param') source += '([^/]+?)';
    else if (t.type === 'wildcard') source += '([\\s\\S]+)';
    else source += `(?:${tokensToSource(t.tokens)})?`;
  }
  return source;
}

/** The oracle: the documented semantics as a backtracking RegExp. */
function oracle(pattern: string, options: PathOptions): (path: string) => { matched: number; params: Record<string, unknown> } | null {
  const parsed = parsePath(pattern === '' ? '/' : pattern);
  const tokens = options.strict ? parsed.tokens : dropTrailingSlash(parsed.tokens);
  let source = '^' + tokensToSource(tokens);
  if (options.end) source += options.strict ? '$' : '/?$';
  else source += '(?:(?=/|$)|(?<=/))';
  const regexp = new RegExp(source, options.caseSensitive ? '' : 'i');
  return (path) => {
    const m = regexp.exec(path);
    if (m === null) return null;
    const params: Record<string, unknown> = {};
    parsed.keys.forEach((key, i) => {
      const value = m[i + 1];
      if (value !== undefined) params[key] = parsed.wildcards[i] ? value.split('/') : value;
    });
    let matched = path.length;
    if (!options.end) matched = m[0].endsWith('/') ? m[0].length - 1 : m[0].length;
    return { matched, params };
  };
}

function plain(m: PathMatch | null): { matched: number; params: Record<string, unknown> } | null {
  return m === null ? null : { matched: m.matched, params: { ...m.params } };
}

test('static and segment fast paths, the Pike VM and the RegExp oracle agree on every path', () => {
  const all = paths();
  const engines = new Set<string>();
  let compared = 0;
  for (const pattern of PATTERNS) {
    for (const options of OPTIONS) {
      const fast = compilePath(pattern, options);
      const vm = compilePath(pattern, options, 'vm');
      const expected = oracle(pattern, options);
      engines.add(fast.constructor.name);
      assert.deepEqual(fast.keys, vm.keys);
      assert.equal(fast.firstSegment, vm.firstSegment, pattern);
      assert.equal(fast.isStatic, vm.isStatic, pattern);
      for (const path of all) {
        const want = expected(path);
        const label = `${pattern} on ${path} ${JSON.stringify(options)}`;
        assert.deepEqual(plain(vm.match(path)), want, `vm: ${label}`);
        assert.deepEqual(plain(fast.match(path)), want, `${fast.constructor.name}: ${label}`);
        compared++;
      }
    }
  }
  // The table really exercised each engine.
  assert.deepEqual([...engines].sort(), ['SegmentMatcher', 'StaticMatcher', 'VmMatcher']);
  assert.ok(compared > 100_000, String(compared));
});

test('random patterns: every engine agrees with the oracle', () => {
  const random = randomSource(2024);
  const all = paths().filter((_, i) => i % 3 === 0);
  let compiled = 0;
  for (let k = 0; k < 1000; k++) {
    const pattern = '/' + randomPattern(random);
    let fast;
    try {
      fast = compilePath(pattern, OPTIONS[0] as PathOptions);
    } catch (err) {
      assert.ok(err instanceof TypeError, pattern); // duplicate names, ':a:b' ...
      continue;
    }
    compiled++;
    for (const options of OPTIONS) {
      fast = compilePath(pattern, options);
      const vm = compilePath(pattern, options, 'vm');
      const expected = oracle(pattern, options);
      for (const path of all) {
        const want = expected(path);
        const label = `${pattern} on ${path} ${JSON.stringify(options)}`;
        assert.deepEqual(plain(vm.match(path)), want, `vm: ${label}`);
        assert.deepEqual(plain(fast.match(path)), want, `${fast.constructor.name}: ${label}`);
      }
    }
  }
  assert.ok(compiled > 500, String(compiled));
});

test('the engine choice follows the pattern shape', () => {
  const options = OPTIONS[0] as PathOptions;
  const rows: [string, string][] = [
    ['/', 'StaticMatcher'],
    ['/about/team', 'StaticMatcher'],
    ['/a\\:b', 'StaticMatcher'],
    ['/users/:id', 'SegmentMatcher'],
    ['/users/:id/posts/:post/', 'SegmentMatcher'],
    ['/files/*path', 'SegmentMatcher'],
    ['/:x-:y', 'SegmentMatcher'],
    ['/:file.:ext', 'SegmentMatcher'],
    ['/v:major.:minor/docs', 'SegmentMatcher'],
    ['/:a.json{/:b}', 'SegmentMatcher'],
    ['{.:x}{-:y}', 'VmMatcher'],
    ['/:a{-:b}', 'VmMatcher'],
    ['/users{/:id}', 'SegmentMatcher'],
    ['/{*splat}', 'SegmentMatcher'],
    ['/users{/:id}/edit', 'VmMatcher'],
    ['/file{.:ext}', 'VmMatcher'],
    ['/*a/b', 'VmMatcher'],
    ['/user:id', 'SegmentMatcher'],
  ];
  for (const [pattern, engine] of rows) assert.equal(compilePath(pattern, options).constructor.name, engine, pattern);
});
