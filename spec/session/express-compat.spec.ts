// Wire compatibility with express-session: its cookie format ('s:' + cookie-signature, the whole
// value encodeURIComponent-encoded) and its stored record shape, so users stay logged in.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { MemoryStore, session, type Request, type Response } from '../../lib/index.js';
import { Client, start } from '../session/client.js';

const SECRET = 'keyboard cat';

/** express-session's setcookie: 's:' + cookie-signature sign(id), serialized with encodeURIComponent. */
function expressSessionCookieValue(id: string, secret: string): string {
  const signature = createHmac('sha256', secret).update(id).digest('base64').replace(/=+$/, '');
  return encodeURIComponent('s:' + id + '.' + signature);
}

test('a session issued by express-session with the same secret is accepted', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  // The record as express-session (with its MemoryStore or connect-redis) would hold it.
  const id = 'uid-safe-24-bytes-AbC_dEf-123456'; // express-session's default ids use this alphabet
  await store.set(id, {
    cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 3_600_000).toISOString(), secure: false, httpOnly: true, path: '/' },
    user: 'legacy-user',
  });
  const running = await start((app) => {
    app.use(session({ secret: ['new secret', SECRET], name: 'connect.sid', store }));
    app.get('/', (req: Request, res: Response) => {
      req.session.visits = ((req.session.visits as number | undefined) ?? 0) + 1;
      res.end(JSON.stringify({ id: req.sessionID, user: req.session.user, maxAge: req.session.cookie.maxAge }));
    });
  });
  try {
    const client = new Client(running.base);
    client.jar.set('connect.sid', expressSessionCookieValue(id, SECRET));
    const body = JSON.parse((await client.get('/')).body) as { id: string; user: string; maxAge: number };
    assert.equal(body.id, id);
    assert.equal(body.user, 'legacy-user');
    assert.ok(body.maxAge > 3_500_000 && body.maxAge <= 3_600_000, 'expiry restarts from originalMaxAge');
    // The re-sent cookie is signed with the first (new) secret, in the same format.
    assert.equal(client.jar.get('connect.sid'), expressSessionCookieValue(id, 'new secret'));
    const stored = await store.get(id);
    assert.equal(stored?.visits, 1);
    assert.equal(stored?.user, 'legacy-user');
    assert.equal(stored?.cookie.originalMaxAge, 3_600_000);
    assert.equal(typeof stored?.cookie.expires, 'string', 'stored as express-session stores it (ISO date via JSON)');
  } finally {
    await running.close();
  }
});

test("Keel's session cookie is exactly what express-session would write for the id", { timeout: 10_000 }, async () => {
  const running = await start((app) => {
    app.use(session({ secret: SECRET }));
    app.get('/', (req: Request, res: Response) => {
      req.session.x = 1;
      res.end(req.sessionID);
    });
  });
  try {
    const client = new Client(running.base);
    const reply = await client.get('/');
    assert.equal(client.jar.get('keel.sid'), expressSessionCookieValue(reply.body, SECRET));
    assert.match(reply.body, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
  } finally {
    await running.close();
  }
});

test('unsigned and forged cookies start a fresh session', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  const id = 'known-session';
  await store.set(id, { cookie: { originalMaxAge: null, expires: null }, user: 'owner' });
  const running = await start((app) => {
    app.use(session({ secret: SECRET, store }));
    app.get('/', (req: Request, res: Response) => res.end(JSON.stringify({ id: req.sessionID, user: req.session.user ?? null })));
  });
  try {
    const good = expressSessionCookieValue(id, SECRET);
    const forged = [
      id,
      encodeURIComponent('s:' + id),
      encodeURIComponent('s:' + id + '.'),
      expressSessionCookieValue(id, 'wrong secret'),
      good.slice(0, -1),
      good + 'x',
      good + '.x',
      encodeURIComponent('s:' + id + '.' + 'A'.repeat(43)),
    ];
    for (const value of forged) {
      const client = new Client(running.base);
      client.jar.set('keel.sid', value);
      const body = JSON.parse((await client.get('/')).body) as { id: string; user: string | null };
      assert.equal(body.user, null, value);
      assert.notEqual(body.id, id);
    }
    const client = new Client(running.base);
    client.jar.set('keel.sid', good);
    assert.equal((JSON.parse((await client.get('/')).body) as { user: string }).user, 'owner', 'control: the genuine cookie works');
  } finally {
    await running.close();
  }
});
