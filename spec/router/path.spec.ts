// compilePath(): what each pattern matches, with which params, in both end modes, strict or not,
// with and without case sensitivity. Tables of pattern × path × expected result.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath } from '../../lib/router/path.js';
import type { PathInput, PathOptions } from '../../lib/router/path.js';
import { inheritsNothing } from '../helpers/inherits-nothing.js';

type Expected = Record<string, string | string[]> | null;
/** [pattern, path, expected params or null for no match, expected `matched` (default path.length)] */
type Row = [PathInput, string, Expected, number?];

const ROUTE: PathOptions = { end: true, strict: false, caseSensitive: false };
const STRICT: PathOptions = { end: true, strict: true, caseSensitive: false };
const SENSITIVE: PathOptions = { end: true, strict: false, caseSensitive: true };
const PREFIX: PathOptions = { end: false, strict: false, caseSensitive: false };
const STRICT_PREFIX: PathOptions = { end: false, strict: true, caseSensitive: false };

function check(rows: readonly Row[], options: PathOptions): void {
  for (const [pattern, path, expected, matched] of rows) {
    const result = compilePath(pattern, options).match(path);
    const label = `${String(pattern)} on ${path} (${JSON.stringify(options)})`;
    if (expected === null) {
      assert.equal(result, null, label);
      continue;
    }
    assert.ok(result !== null, `${label}: expected a match`);
    assert.ok(inheritsNothing(result.params), `${label}: params inherit nothing`);
    assert.deepEqual({ ...result.params }, expected, label);
    assert.equal(result.matched, matched ?? path.length, `${label}: matched`);
  }
}

test('static patterns: exact, one trailing slash tolerated, case-insensitive', () => {
  check([
    ['/about', '/about', {}],
    ['/about', '/about/', {}],
    ['/about', '/ABOUT', {}],
    ['/about', '/about//', null],
    ['/about', '/abou', null],
    ['/about', '/aboutx', null],
    ['/about', '/about/x', null],
    ['/about/', '/about', {}],
    ['/about/', '/about/', {}],
    ['/a/b/c', '/a/b/c', {}],
    ['/a/b/c', '/a/b', null],
    ['/', '/', {}],
    ['', '/', {}],
    ['/', '/x', null],
    ['/a-b.c~d', '/a-b.c~d', {}],
    ['/a-b.c~d', '/a-b.c~e', null],
  ], ROUTE);
});

test('strict routing: the trailing slash must match exactly', () => {
  check([
    ['/about', '/about', {}],
    ['/about', '/about/', null],
    ['/about/', '/about', null],
    ['/about/', '/about/', {}],
    ['/users/:id', '/users/1/', null],
    ['/users/:id/', '/users/1/', { id: '1' }],
    ['/users{/:id}', '/users/', null],
    ['/', '/', {}],
  ], STRICT);
});

test('case-sensitive routing compares letters exactly', () => {
  check([
    ['/About', '/About', {}],
    ['/About', '/about', null],
    ['/About', '/ABOUT', null],
    ['/Users/:id', '/Users/AbC', { id: 'AbC' }],
    ['/Users/:id', '/users/AbC', null],
    ['/:a-X-:b', '/1-X-2', { a: '1', b: '2' }],
    ['/:a-X-:b', '/1-x-2', null],
  ], SENSITIVE);
  // Param values keep their case in both modes.
  check([['/Users/:id', '/USERS/AbC', { id: 'AbC' }], ['/:a-X-:b', '/1-x-2', { a: '1', b: '2' }]], ROUTE);
});

test('named params match one or more characters other than "/"', () => {
  check([
    ['/users/:id', '/users/42', { id: '42' }],
    ['/users/:id', '/users/42/', { id: '42' }],
    ['/users/:id', '/users/', null],
    ['/users/:id', '/users', null],
    ['/users/:id', '/users/4/2', null],
    ['/users/:id/posts/:post', '/users/1/posts/2', { id: '1', post: '2' }],
    ['/users/:id/posts/:post', '/users/1/posts', null],
    ['/:a/:b', '/x/y', { a: 'x', b: 'y' }],
    ['/:a/:b', '//y', null],
    ['/:user_id$2', '/7', { user_id$2: '7' }],
    ['/:ñame', '/x', { ñame: 'x' }],
    ['/:"user id"/:"a-b"', '/1/2', { 'user id': '1', 'a-b': '2' }],
    ['/:"q\\"uote"', '/1', { 'q"uote': '1' }],
    ['/user:id', '/user42', { id: '42' }],
    ['/user:id', '/user', null],
  ], ROUTE);
});

test('several params in one segment: lazy params, a segment-final literal must end the segment', () => {
  check([
    ['/:from-:to', '/a-b', { from: 'a', to: 'b' }],
    // A param followed by a literal ends at the literal's first occurrence...
    ['/:a-:b', '/x-y-z', { a: 'x', b: 'y-z' }],
    ['/:a-:b', '/x--y', { a: 'x', b: '-y' }],
    ['/:a-:b', '/--', null],
    ['/:a-:b', '/---', { a: '-', b: '-' }],
    ['/:a-:b', '/-x', null],
    ['/:a-:b', '/x-', null],
    ['/:file.:ext', '/archive.tar.gz', { file: 'archive', ext: 'tar.gz' }],
    ['/:a-:b-:c', '/1-2-3-4', { a: '1', b: '2', c: '3-4' }],
    // ...but a literal that ends the segment must be at the segment's end.
    ['/:a.json', '/x.json.json', { a: 'x.json' }],
    ['/:a.json', '/x.json', { a: 'x' }],
    ['/:a.json', '/.json', null],
    ['/:a.json/edit', '/x.json.json/edit', { a: 'x.json' }],
    ['/:a-:b/x', '/1-2-3/x', { a: '1', b: '2-3' }],
    ['/v:major.:minor', '/v1.2', { major: '1', minor: '2' }],
  ], ROUTE);
});

test('optional groups, nested, and Express 4 ":name?"', () => {
  check([
    ['/users{/:id}', '/users', {}],
    ['/users{/:id}', '/users/', {}],
    ['/users{/:id}', '/users/7', { id: '7' }],
    ['/users{/:id}', '/users/7/', { id: '7' }],
    ['/users{/:id}', '/users/7/8', null],
    ['/file{.:ext}', '/file', {}],
    ['/file{.:ext}', '/file.txt', { ext: 'txt' }],
    ['/:name{.:ext}', '/a.b.c', { name: 'a', ext: 'b.c' }],
    ['/:name{.:ext}', '/abc', { name: 'abc' }],
    ['/a{/b{/c}}', '/a', {}],
    ['/a{/b{/c}}', '/a/b', {}],
    ['/a{/b{/c}}', '/a/b/c', {}],
    ['/a{/b{/c}}', '/a/c', null],
    ['/a{/:b{/:c}}', '/a/1/2', { b: '1', c: '2' }],
    ['{/:x}{/:y}', '/1', { x: '1' }],
    ['{/:x}{/:y}', '/1/2', { x: '1', y: '2' }],
    ['/users/:id?', '/users', {}],
    ['/users/:id?', '/users/5', { id: '5' }],
    ['/:id?', '/', {}],
    ['/:id?', '/5', { id: '5' }],
    ['/files/:name.:ext?', '/files/a', { name: 'a' }],
    ['/files/:name.:ext?', '/files/a.b', { name: 'a', ext: 'b' }],
    ['/x{}', '/x', {}],
    ['/{users}', '/users', {}],
    ['/{users}', '/', {}],
  ], ROUTE);
});

test('wildcards: greedy, "/" included, value is the array of segments', () => {
  check([
    ['/files/*path', '/files/a', { path: ['a'] }],
    ['/files/*path', '/files/a/b/c.txt', { path: ['a', 'b', 'c.txt'] }],
    ['/files/*path', '/files/a/b/', { path: ['a', 'b', ''] }],
    ['/files/*path', '/files/', null],
    ['/files/*path', '/files', null],
    ['/files{/*path}', '/files', {}],
    ['/files{/*path}', '/files/x/y', { path: ['x', 'y'] }],
    ['{/*rest}', '/', {}],
    ['{/*rest}', '/a/b', { rest: ['a', 'b'] }],
    ['/*a/*b', '/1/2/3', { a: ['1', '2'], b: ['3'] }],
    ['/*path/edit', '/a/b/edit', { path: ['a', 'b'] }],
    ['/*path/edit', '/edit', null],
    ['/*path.:ext', '/a/b.c.d', { path: ['a', 'b.c'], ext: 'd' }],
    ['/:user/*rest', '/u/x/y', { user: 'u', rest: ['x', 'y'] }],
    ['/*"a b"', '/x/y', { 'a b': ['x', 'y'] }],
    // Express 4's bare '*' is a wildcard named '0' (then '1' ...).
    ['*', '/x/y', { 0: ['', 'x', 'y'] }],
    ['/*', '/x/y', { 0: ['x', 'y'] }],
    ['/*', '/', null],
    ['/*/x/*', '/a/x/b/c', { 0: ['a'], 1: ['b', 'c'] }],
  ], ROUTE);
});

test('backslash escapes take special characters literally', () => {
  check([
    ['/a\\:b', '/a:b', {}],
    ['/a\\:b', '/ax', null],
    ['/\\*x', '/*x', {}],
    ['/\\(x\\)\\?\\+\\!', '/(x)?+!', {}],
    ['/\\{x\\}', '/{x}', {}],
    ['/:id\\:edit', '/5:edit', { id: '5' }],
    ['/a\\\\b', '/a\\b', {}],
  ], ROUTE);
});

test('literal text outside printable ASCII is compared %-encoded, as clients send it', () => {
  check([
    ['/café', '/caf%C3%A9', {}],
    ['/café', '/CAF%c3%a9', {}],
    ['/a b', '/a%20b', {}],
    ['/😀/:x', '/%F0%9F%98%80/1', { x: '1' }],
  ], ROUTE);
  check([['/café', '/caf%c3%a9', null]], SENSITIVE);
});

test('end: false matches a prefix ending at a "/" boundary; matched excludes the trailing "/"', () => {
  check([
    ['/admin', '/admin', {}, 6],
    ['/admin', '/admin/', {}, 6],
    ['/admin', '/admin/x', {}, 6],
    ['/admin', '/ADMIN/x/y', {}, 6],
    ['/admin', '/adminx', null],
    ['/admin', '/', null],
    ['/admin/', '/admin/x', {}, 6],
    ['/admin/', '/admin', {}, 6],
    ['/', '/', {}, 0],
    ['/', '/anything/at/all', {}, 0],
    ['', '/x', {}, 0],
    ['/users/:id', '/users/5/posts', { id: '5' }, 8],
    ['/users/:id', '/users/5', { id: '5' }, 8],
    ['/users/:id', '/users', null],
    ['/:a-:b', '/x-y-z/w', { a: 'x', b: 'y-z' }, 6],
    ['/users{/:id}', '/users/5/x', { id: '5' }, 8],
    ['/users{/:id}', '/usersx', null],
    ['/files/*rest', '/files/a/b', { rest: ['a', 'b'] }, 10],
    ['/files/*rest', '/files/a/', { rest: ['a', ''] }, 8],
    ['/:a.json', '/x.json/y', { a: 'x' }, 7],
  ], PREFIX);
  check([
    ['/admin/', '/admin/x', {}, 6],
    ['/admin/', '/admin', null],
    ['/admin', '/admin/x', {}, 6],
    ['/', '/x', {}, 0],
  ], STRICT_PREFIX);
});

test('keys, firstSegment and isStatic describe the pattern', () => {
  const rows: [PathInput, PathOptions, string[], string | undefined, boolean][] = [
    ['/users', ROUTE, [], 'users', true],
    ['/Users/:id', ROUTE, ['id'], 'users', false],
    ['/Users/:id', SENSITIVE, ['id'], 'Users', false],
    ['/users/', ROUTE, [], 'users', true],
    ['/users/', STRICT, [], 'users', true],
    ['/', ROUTE, [], '', true],
    ['/', STRICT, [], '', true],
    ['', PREFIX, [], '', true],
    ['/users{/:id}', ROUTE, ['id'], 'users', false],
    ['/users{/:id}/edit', ROUTE, ['id'], 'users', false],
    ['/users{s}', ROUTE, [], undefined, false],
    ['/users{/x}s', ROUTE, [], undefined, false],
    ['/user:id', ROUTE, ['id'], undefined, false],
    ['/:id', ROUTE, ['id'], undefined, false],
    ['/*path', ROUTE, ['path'], undefined, false],
    ['{/users}', ROUTE, [], undefined, false],
    ['/:id?', ROUTE, ['id'], undefined, false],
    ['/a/:b/*c', ROUTE, ['b', 'c'], 'a', false],
    ['/café/x', ROUTE, [], 'caf%c3%a9', true],
    [/^\/(\d+)\/(?<name>\w+)(x)/, ROUTE, ['0', 'name', '1'], undefined, false],
    [['/a/:x', '/b/:y', '/c/:x'], ROUTE, ['x', 'y'], undefined, false],
    [['/a'], ROUTE, [], undefined, false],
  ];
  for (const [pattern, options, keys, firstSegment, isStatic] of rows) {
    const m = compilePath(pattern, options);
    assert.deepEqual(m.keys, keys, String(pattern));
    assert.equal(m.firstSegment, firstSegment, String(pattern));
    assert.equal(m.isStatic, isStatic, String(pattern));
  }
});

test('arrays of paths: the first that matches wins', () => {
  check([
    [['/a/:x', '/b/:y'], '/a/1', { x: '1' }],
    [['/a/:x', '/b/:y'], '/b/2', { y: '2' }],
    [['/a/:x', '/b/:y'], '/c/3', null],
    [['/:first', '/x'], '/x', { first: 'x' }],
    [['/x', /^\/(\d+)$/], '/12', { 0: '12' }],
  ], ROUTE);
  check([[['/a', '/b'], '/b/c', {}, 2]], PREFIX);
});

test('RegExp paths: numbered and named groups, the regex decides the rest', () => {
  check([
    [/^\/users\/(\d+)$/, '/users/42', { 0: '42' }],
    [/^\/users\/(\d+)$/, '/users/x', null],
    [/^\/(?<year>\d{4})\/(\d\d)$/, '/2024/05', { year: '2024', 0: '05' }],
    [/^\/a(?:b)(c)?$/, '/ab', {}],
    [/^\/a(?:b)(c)?$/, '/abc', { 0: 'c' }],
    [/^\/\(x\)[(](\d)$/, '/(x)(5', { 0: '5' }],
    [/^\/(?=a)(a)(?<!b)$/, '/a', { 0: 'a' }],
    [/abc/, '/xx/abc/yy', {}],
    [/^\/CASE$/, '/case', null],
    [/^\/CASE$/i, '/case', {}],
    [/^\/(.+)$/, '/a%20b', { 0: 'a b' }],
  ], ROUTE);
  // A 'g' or 'y' flag would make exec() remember lastIndex between requests: it is ignored.
  const sticky = compilePath(/^\/x$/gy, ROUTE);
  assert.notEqual(sticky.match('/x'), null);
  assert.notEqual(sticky.match('/x'), null);
  check([
    [/^\/admin/, '/admin/x', {}, 6],
    [/^\/admin/, '/adminx', null],
    [/admin/, '/x/admin', null],
    [/^\/(\w+)\//, '/ab/c', { 0: 'ab' }, 3],
  ], PREFIX);
});
