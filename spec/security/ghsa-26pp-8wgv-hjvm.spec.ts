// GHSA-26pp-8wgv-hjvm / CVE-2026-47675 (hono): the cookie name and the sameSite and priority
// options were written unvalidated. Keel validates every field, not only name and value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeCookie, setCookie, session, type CookieOptions, type Request, type Response, type SessionOptions } from '../../lib/index.js';
import { start } from '../session/client.js';

test('the cookie name must be an RFC token', () => {
  for (const name of ['id; Secure', 'id=x', 'id\r\nX-Evil: 1', 'a b', 'id,other', '\u00e9', '']) {
    assert.throws(() => serializeCookie(name, 'v'), /name/);
  }
});

test('sameSite and priority accept only their keywords', () => {
  const sameSites = ['Lax; Domain=evil.com', 'Strict\r\n', 'None;Secure', 'lax ', 'laxx', ''];
  for (const sameSite of sameSites) {
    assert.throws(() => serializeCookie('a', 'v', { sameSite: sameSite as CookieOptions['sameSite'], secure: true }), /sameSite/);
  }
  for (const priority of ['High; HttpOnly', 'low\n', 'highest', '']) {
    assert.throws(() => serializeCookie('a', 'v', { priority: priority as CookieOptions['priority'] }), /priority/);
  }
});

test('through res.cookie and session(): rejected, not written', { timeout: 10_000 }, async () => {
  assert.throws(() => session({ secret: 's', cookie: { sameSite: 'Lax; Domain=evil.com' as CookieOptions['sameSite'] } } as SessionOptions), TypeError);
  assert.throws(() => session({ secret: 's', name: 'sid; Path=/' }), TypeError);
  const running = await start((app) => {
    app.get('/', (_req: Request, res: Response) => {
      setCookie(res, 'a', 'v', { sameSite: 'Strict; Domain=evil.com' as CookieOptions['sameSite'] });
      res.end();
    });
  });
  try {
    const res = await fetch(running.base + '/', { signal: AbortSignal.timeout(5000) });
    await res.text();
    assert.equal(res.status, 500);
    assert.deepEqual(res.headers.getSetCookie(), []);
  } finally {
    await running.close();
  }
});
