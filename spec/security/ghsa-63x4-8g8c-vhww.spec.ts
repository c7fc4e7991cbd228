// GHSA-63x4-8g8c-vhww (tinyhttp): the signature was compared on a truncated buffer, so
// `signed + "junk"` verified. Keel compares the full length in constant time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cookieParser, session, signCookie, unsignCookie, type Request, type Response } from '../../lib/index.js';
import { Client, start } from '../session/client.js';

const SECRET = 'ghsa secret';

test('unsignCookie rejects trailing data after a valid signature', () => {
  const signed = signCookie('admin', SECRET);
  assert.equal(unsignCookie(signed, SECRET), 'admin');
  for (const suffix of ['x', 'junk', '=', '==', '.', '\u0000', ' ', 'A'.repeat(100)]) {
    assert.equal(unsignCookie(signed + suffix, SECRET), false, JSON.stringify(suffix));
  }
  for (let cut = 1; cut < 44; cut++) assert.equal(unsignCookie(signed.slice(0, -cut), SECRET), false, `cut ${cut}`);
});

test('cookieParser marks extended signatures false; session() starts a fresh session', { timeout: 10_000 }, async () => {
  const running = await start((app) => {
    app.use(cookieParser(SECRET));
    app.use(session({ secret: SECRET }));
    app.get('/login', (req: Request, res: Response) => {
      req.session.user = 'admin';
      res.end();
    });
    app.get('/', (req: Request, res: Response) => res.end(JSON.stringify({ signed: req.signedCookies.flag ?? null, user: req.session.user ?? null })));
  });
  try {
    const client = new Client(running.base);
    await client.get('/login');
    const sid = client.jar.get('keel.sid') ?? '';
    const flag = encodeURIComponent('s:' + signCookie('on', SECRET));
    const ok = JSON.parse((await client.request('/', { headers: { cookie: `flag=${flag}; keel.sid=${sid}` } })).body);
    assert.deepEqual(ok, { signed: 'on', user: 'admin' }, 'control');
    const extended = JSON.parse((await client.request('/', { headers: { cookie: `flag=${flag}junk; keel.sid=${sid}junk` } })).body);
    assert.deepEqual(extended, { signed: false, user: null });
  } finally {
    await running.close();
  }
});
