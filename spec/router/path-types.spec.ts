// RouteParams<Path>: params typed from the path string. The checks are made by the compiler
// (`npx tsc` fails if a line marked @ts-expect-error compiles, or an unmarked one does not); the
// test then runs the same patterns through compilePath() so the types and the run time agree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath } from '../../lib/router/path.js';
import type { RouteParams } from '../../lib/router/path.js';
import type { Params } from '../../lib/http/request.js';

/** Type-level equality: true only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

/** Matches at run time and hands back the params typed from the pattern. */
function typed<P extends string>(pattern: P, path: string): RouteParams<P> {
  const m = compilePath(pattern, { end: true, strict: false, caseSensitive: false }).match(path);
  assert.ok(m !== null, `${pattern} on ${path}`);
  return { ...m.params } as unknown as RouteParams<P>;
}

test('a named param is a string', () => {
  const p = typed('/users/:id', '/users/42');
  const id: string = p.id;
  assert.equal(id, '42');
  // @ts-expect-error: no such param
  void p.name;
  // @ts-expect-error: a string, not an array
  const wrong: string[] = p.id;
  void wrong;
  expectType<Equal<RouteParams<'/users/:id/posts/:post'>, { id: string; post: string }>>();
});

test('a named wildcard is an array of segments', () => {
  const p = typed('/files/*path', '/files/a/b');
  const path: string[] = p.path;
  assert.deepEqual(path, ['a', 'b']);
  // @ts-expect-error: an array, not a string
  const wrong: string = p.path;
  void wrong;
  expectType<Equal<RouteParams<'/*'>, { 0: string[] }>>();
  expectType<Equal<RouteParams<'/*/x/*'>, { 0: string[]; 1: string[] }>>();
});

test('params in optional groups and Express 4 ":name?" are optional', () => {
  const p = typed('/users{/:id}', '/users');
  const id: string | undefined = p.id;
  assert.equal(id, undefined);
  // @ts-expect-error: may be undefined
  const wrong: string = p.id;
  void wrong;
  expectType<Equal<RouteParams<'/users{/:id}'>, { id?: string }>>();
  expectType<Equal<RouteParams<'/users/:id?'>, { id?: string }>>();
  expectType<Equal<RouteParams<'/:file{.:ext}'>, { file: string; ext?: string }>>();
  expectType<Equal<RouteParams<'/a{/:b{/:c}}/:d'>, { b?: string; c?: string; d: string }>>();
  expectType<Equal<RouteParams<'/files{/*rest}'>, { rest?: string[] }>>();
  const q = typed('/users/:id?', '/users/7');
  assert.equal(q.id, '7');
});

test('several params per segment, quoted names and escapes', () => {
  const p = typed('/:from-:to', '/a-b');
  assert.equal(p.from + p.to, 'ab');
  expectType<Equal<RouteParams<'/:file.:ext'>, { file: string; ext: string }>>();
  expectType<Equal<RouteParams<'/:"user id"/:"a-b"'>, { 'user id': string; 'a-b': string }>>();
  expectType<Equal<RouteParams<'/a\\:b/:c'>, { c: string }>>();
  expectType<Equal<RouteParams<'/v:major.:minor'>, { major: string; minor: string }>>();
  const q = typed('/:"user id"', '/x');
  assert.equal(q['user id'], 'x');
});

test('paths without params, and non-literal paths', () => {
  expectType<Equal<RouteParams<'/about'>, {}>>();
  expectType<Equal<RouteParams<string>, Params>>();
  expectType<Equal<RouteParams<RegExp>, Params>>();
  expectType<Equal<RouteParams<readonly string[]>, Params>>();
  const s: string = '/users/:id';
  const p: RouteParams<typeof s> = { anything: 'x', list: ['a'] };
  assert.equal(p['anything'], 'x');
});

test('route param types fit Params, the constraint of Request<P>', () => {
  const required: Params = typed('/users/:id/*rest', '/users/1/a');
  const optional: Params = typed('/users{/:id}', '/users/1');
  assert.equal(required['id'], '1');
  assert.equal(optional['id'], '1');
  expectType<RouteParams<'/users/:id/*rest'> extends Params ? true : false>();
  expectType<RouteParams<'/a/:b-:c/*d{.:e}'> extends Params ? true : false>();
});
