// setCookie / clearCookie: Express 5's res.cookie() and res.clearCookie() over a real server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearCookie, setCookie, signCookie, unsignCookie, type Request, type Response } from '../../lib/index.js';
import { start } from '../session/client.js';

/** Runs `fn` in a handler; returns the Set-Cookie lines (or the error status). */
async function cookies(fn: (res: Response, req: Request) => void): Promise<{ status: number; lines: string[] }> {
  const running = await start((app) => {
    app.get('/', (req: Request, res: Response) => {
      fn(res, req);
      res.end('ok');
    });
  });
  try {
    const res = await fetch(running.base + '/', { signal: AbortSignal.timeout(5000) });
    await res.text();
    return { status: res.status, lines: res.headers.getSetCookie() };
  } finally {
    await running.close();
  }
}

test('appends, keeps earlier Set-Cookie headers, defaults Path=/', async () => {
  const { lines } = await cookies((res) => {
    res.setHeader('Set-Cookie', 'first=1');
    setCookie(res, 'a', 'x y');
    setCookie(res, 'b', 42, { path: '/p', httpOnly: true });
  });
  assert.deepEqual(lines, ['first=1', 'a=x%20y; Path=/', 'b=42; Path=/p; HttpOnly']);
});

test('objects become j: JSON; maxAge is in ms and sets Expires and Max-Age', async () => {
  const before = Date.now();
  const { lines } = await cookies((res) => {
    setCookie(res, 'o', { cart: [1, 2] });
    setCookie(res, 'n', null);
    setCookie(res, 'm', 'v', { maxAge: 90_500 });
  });
  assert.equal(lines[0], 'o=' + encodeURIComponent('j:{"cart":[1,2]}') + '; Path=/');
  assert.equal(lines[1], 'n=' + encodeURIComponent('j:null') + '; Path=/');
  assert.match(lines[2], /^m=v; Max-Age=90; Path=\/; Expires=/);
  const expires = Date.parse(/Expires=([^;]+)/.exec(lines[2])?.[1] ?? '');
  assert.ok(Math.abs(expires - (before + 90_500)) < 3000);
});

test("signed: 's:' + signature with the given secret; missing secret is an Error", async () => {
  const { lines } = await cookies((res) => setCookie(res, 's', 'alice', { signed: true }, 'k'));
  const value = decodeURIComponent(lines[0].slice(2, lines[0].indexOf(';')));
  assert.equal(value, 's:' + signCookie('alice', 'k'));
  assert.equal(unsignCookie(value.slice(2), 'k'), 'alice');
  const objectSigned = await cookies((res) => setCookie(res, 's', { a: 1 }, { signed: true }, 'k'));
  assert.equal(decodeURIComponent(objectSigned.lines[0].slice(2, objectSigned.lines[0].indexOf(';'))), 's:' + signCookie('j:{"a":1}', 'k'));
  const missing = await cookies((res) => setCookie(res, 's', 'v', { signed: true }));
  assert.equal(missing.status, 500);
  assert.deepEqual(missing.lines, []);
  assert.throws(() => setCookie({} as Response, 's', 'v', { signed: true }), /cookieParser\(secret\)/);
});

test('clearCookie: empty value, Expires in the past, maxAge and expires ignored', async () => {
  const { lines } = await cookies((res) => {
    clearCookie(res, 'a');
    clearCookie(res, 'b', { path: '/p', domain: 'example.com', maxAge: 10_000, expires: new Date(Date.now() + 1e9), signed: true, secure: true });
  });
  assert.deepEqual(lines, [
    'a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'b=; Domain=example.com; Path=/p; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure',
  ]);
});

test('invalid options throw (and become a 500 without any Set-Cookie)', async () => {
  for (const fn of [
    (res: Response) => setCookie(res, 'a', 'v', { maxAge: Number.NaN }),
    (res: Response) => setCookie(res, 'a', 'v', { maxAge: '1000' as unknown as number }),
    (res: Response) => setCookie(res, 'a;b', 'v'),
    (res: Response) => setCookie(res, 'a', 'v', { path: '/x;Domain=evil' }),
  ]) {
    const { status, lines } = await cookies(fn);
    assert.equal(status, 500);
    assert.deepEqual(lines, []);
  }
});
