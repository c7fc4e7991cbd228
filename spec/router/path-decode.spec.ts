// Param values: %-decoded only when they hold '%', a 400 KEEL_BAD_PARAM on malformed encoding,
// and client-chosen names or values never reaching Object.prototype.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath } from '../../lib/router/path.js';
import type { PathEngine, PathOptions } from '../../lib/router/path.js';
import { HttpError } from '../../lib/http/errors.js';
import { inheritsNothing } from '../helpers/inherits-nothing.js';

const ROUTE: PathOptions = { end: true, strict: false, caseSensitive: false };
const ENGINES: PathEngine[] = ['auto', 'vm'];

function params(pattern: string, path: string, engine: PathEngine = 'auto'): Record<string, unknown> | undefined {
  const m = compilePath(pattern, ROUTE, engine).match(path);
  return m === null ? undefined : { ...m.params };
}

test('param values are %-decoded, wildcard segments one by one', () => {
  for (const engine of ENGINES) {
    assert.deepEqual(params('/x/:id', '/x/a%20b', engine), { id: 'a b' });
    assert.deepEqual(params('/x/:id', '/x/caf%C3%A9', engine), { id: 'café' });
    assert.deepEqual(params('/x/:id', '/x/a%2Fb', engine), { id: 'a/b' });
    assert.deepEqual(params('/x/:id', '/x/a+b', engine), { id: 'a+b' });
    assert.deepEqual(params('/x/:id', '/x/%25', engine), { id: '%' });
    assert.deepEqual(params('/f/*p', '/f/a%2Fb/c%20d', engine), { p: ['a/b', 'c d'] });
    assert.deepEqual(params('/:a-:b', '/%2D-%2D', engine), { a: '-', b: '-' });
  }
});

test('malformed %-encoding is a 400 HttpError with code KEEL_BAD_PARAM', () => {
  const bad = ['/x/%E0%A4%A', '/x/%', '/x/%zz', '/x/%C3', '/x/%ED%A0%80'];
  for (const engine of ENGINES) {
    for (const path of bad) {
      const matcher = compilePath('/x/:id', ROUTE, engine);
      assert.throws(() => matcher.match(path), (err: unknown) => {
        assert.ok(err instanceof HttpError, path);
        assert.equal(err.status, 400);
        assert.equal(err.code, 'KEEL_BAD_PARAM');
        assert.equal(err.expose, true);
        assert.match(err.message, /^Failed to decode param/);
        return true;
      });
    }
    assert.throws(() => compilePath('/f/*rest', ROUTE, engine).match('/f/ok/%E0%A4%A'), HttpError);
  }
  assert.throws(() => compilePath(/^\/(.+)$/, ROUTE).match('/%E0%A4%A'), HttpError);
});

test('the error message never carries raw HTML from the path', () => {
  const m = compilePath('/x/:id', ROUTE);
  const err = (() => {
    try {
      m.match('/x/<script>alert(1)<\\script>%');
    } catch (e) {
      return e as HttpError;
    }
    return undefined;
  })();
  assert.ok(err instanceof HttpError);
  assert.ok(!/[<>&"]/.test(err.message), err.message);
  assert.ok(err.message.includes('%3Cscript%3E'), err.message);
  assert.ok(err.message.length < 200);
});

test('prototype-named params are own keys of an object that inherits nothing', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
  for (const engine of ENGINES) {
    for (const name of names) {
      const m = compilePath(`/a/:${name}/:"b"`, ROUTE, engine).match('/a/__proto__/constructor');
      assert.ok(m !== null, name);
      assert.ok(inheritsNothing(m.params), name);
      assert.ok(Object.hasOwn(m.params, name), name);
      assert.equal(m.params[name], '__proto__');
      assert.equal(m.params['b'], 'constructor');
    }
    // Values that name prototype members are just strings.
    const m = compilePath('/:x/*y', ROUTE, engine).match('/__proto__/constructor/prototype');
    assert.ok(m !== null);
    assert.equal(m.params['x'], '__proto__');
    assert.deepEqual(m.params['y'], ['constructor', 'prototype']);
  }
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'b'), false);
  assert.equal(({} as Record<string, unknown>)['x'], undefined);
});

test('an optional param that did not match is absent, not undefined', () => {
  for (const engine of ENGINES) {
    const m = compilePath('/users{/:id}{.:format}', ROUTE, engine).match('/users');
    assert.ok(m !== null);
    assert.equal('id' in m.params, false);
    assert.equal('format' in m.params, false);
    assert.deepEqual(Object.keys(m.params), []);
  }
  const r = compilePath(/^\/a(b)?(?<c>c)?$/, ROUTE).match('/a');
  assert.ok(r !== null);
  assert.deepEqual(Object.keys(r.params), []);
});

test('every match returns a fresh params object', () => {
  for (const pattern of ['/static', '/users/:id', '/:a-:b']) {
    const m = compilePath(pattern, ROUTE);
    const path = pattern === '/static' ? '/static' : pattern === '/users/:id' ? '/users/1' : '/1-2';
    const first = m.match(path);
    const second = m.match(path);
    assert.ok(first !== null && second !== null);
    assert.notEqual(first.params, second.params);
  }
});
