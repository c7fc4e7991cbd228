// cookieParser(): req.cookies, req.signedCookies, req.secret with cookie-parser's semantics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cookieParser, parseJsonCookie, signCookie, type Request, type Response } from '../../lib/index.js';
import { start } from '../session/client.js';

async function parsed(header: string | undefined, ...args: Parameters<typeof cookieParser>): Promise<{ cookies: Record<string, unknown>; signed: Record<string, unknown>; secret: string | null; protoNull: boolean }> {
  const running = await start((app) => {
    app.use(cookieParser(...args));
    app.use(cookieParser('ignored: a second parser does not re-parse'));
    app.get('/', (req: Request, res: Response) => {
      res.end(JSON.stringify({
        cookies: req.cookies,
        signed: req.signedCookies,
        secret: req.secret ?? null,
        protoNull: !('toString' in req.cookies) && !('toString' in req.signedCookies) && !('hasOwnProperty' in req.cookies),
      }));
    });
  });
  try {
    const res = await fetch(running.base + '/', { headers: header === undefined ? {} : { cookie: header }, signal: AbortSignal.timeout(5000) });
    return (await res.json()) as never;
  } finally {
    await running.close();
  }
}

const wire = (value: string): string => encodeURIComponent(value);

test('unsigned cookies, decoded, with null prototypes', async () => {
  const r = await parsed('a=1; b=hello%20world; __proto__=x');
  assert.deepEqual(r.cookies, { a: '1', b: 'hello world', ['__proto__']: 'x' });
  assert.deepEqual(r.signed, {});
  assert.equal(r.secret, null);
  assert.equal(r.protoNull, true);
  assert.deepEqual((await parsed(undefined)).cookies, {});
});

test("signed cookies move to req.signedCookies; forged ones are false; req.secret is the first secret", async () => {
  const good = wire('s:' + signCookie('alice', 'k1'));
  const old = wire('s:' + signCookie('bob', 'k0'));
  const forged = wire('s:' + signCookie('mallory', 'nope'));
  const r = await parsed(`u=${good}; o=${old}; f=${forged}; plain=v; t=${wire('s:no-signature')}`, ['k1', 'k0']);
  assert.deepEqual(r.signed, { u: 'alice', o: 'bob', f: false, t: false });
  assert.deepEqual(r.cookies, { plain: 'v' });
  assert.equal(r.secret, 'k1');
});

test("without a secret, 's:' values stay in req.cookies untouched", async () => {
  const value = 's:' + signCookie('alice', 'k1');
  const r = await parsed(`u=${wire(value)}`);
  assert.deepEqual(r.cookies, { u: value });
  assert.deepEqual(r.signed, {});
});

test("'j:' JSON cookies are parsed, in both maps; invalid or falsy JSON stays raw", async () => {
  const obj = wire('j:' + JSON.stringify({ a: [1, 2], b: 'x' }));
  const signedObj = wire('s:' + signCookie('j:{"admin":false}', 'k'));
  const r = await parsed(`o=${obj}; bad=${wire('j:{oops')}; zero=${wire('j:0')}; s=${signedObj}`, 'k');
  assert.deepEqual(r.cookies.o, { a: [1, 2], b: 'x' });
  assert.equal(r.cookies.bad, 'j:{oops');
  assert.equal(r.cookies.zero, 'j:0');
  assert.deepEqual(r.signed.s, { admin: false });
});

test('parseJsonCookie', () => {
  assert.deepEqual(parseJsonCookie('j:[1]'), [1]);
  assert.equal(parseJsonCookie('j:'), undefined);
  assert.equal(parseJsonCookie('x:1'), undefined);
  assert.equal(parseJsonCookie(5), undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  const polluted = parseJsonCookie('j:{"__proto__":{"polluted":true}}') as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.ok(Object.hasOwn(polluted, '__proto__'));
});

test('invalid arguments are TypeErrors', () => {
  assert.throws(() => cookieParser(5 as unknown as string), TypeError);
  assert.throws(() => cookieParser(['ok', ''] as string[]), TypeError);
  assert.throws(() => cookieParser('s', { decode: 'x' as unknown as (v: string) => string }), TypeError);
});
