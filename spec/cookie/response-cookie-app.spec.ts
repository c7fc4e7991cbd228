// res.cookie() / res.clearCookie() on Keel's Response, read back by cookieParser() over the network.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, cookieParser } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';

describe('res.cookie / res.clearCookie', () => {
  it('sets plain, signed and JSON cookies that cookieParser reads back; forged ones are false', async () => {
    const app = createApp();
    app.use(cookieParser('s3cret'));
    app.get('/set', (req, res) => {
      res.cookie('plain', 'a b;c', { maxAge: 60_000, httpOnly: true });
      res.cookie('user', 'ann', { signed: true, sameSite: 'lax' });
      res.cookie('prefs', { theme: 'dark' });
      res.end('set');
    });
    app.get('/read', (req, res) => res.json({ cookies: { ...req.cookies }, signed: { ...req.signedCookies } }));
    app.get('/clear', (req, res) => {
      res.clearCookie('plain');
      res.end('cleared');
    });
    await withApp(app, async (url) => {
      const r = await fetch(url + '/set');
      const set = r.headers.getSetCookie();
      assert.equal(set.length, 3);
      assert.match(set[0]!, /^plain=a%20b%3Bc; Max-Age=60; Path=\/; Expires=[^;]+ GMT; HttpOnly$/);
      assert.match(set[1]!, /^user=s%3Aann\.[A-Za-z0-9%+/]+; Path=\/; SameSite=Lax$/);
      assert.match(set[2]!, /^prefs=j%3A%7B%22theme%22%3A%22dark%22%7D; Path=\/$/);
      const cookie = set.map((c) => c.split(';')[0]).join('; ');
      const back = (await (await fetch(url + '/read', { headers: { cookie } })).json()) as {
        cookies: Record<string, unknown>;
        signed: Record<string, unknown>;
      };
      assert.deepEqual(back.cookies, { plain: 'a b;c', prefs: { theme: 'dark' } });
      assert.deepEqual(back.signed, { user: 'ann' });
      const forged = cookie.replace(/user=s%3Aann\.[^;]+/, 'user=s%3Aadmin.AAAA');
      const f = (await (await fetch(url + '/read', { headers: { cookie: forged } })).json()) as { signed: Record<string, unknown> };
      assert.deepEqual(f.signed, { user: false });
      const c = await fetch(url + '/clear');
      assert.match(c.headers.get('set-cookie')!, /^plain=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT$/);
    });
  });

  it('invalid options and a missing secret for signed cookies throw (500, not a broken header)', async () => {
    const app = createApp();
    app.get('/inject', (req, res) => res.cookie('x', 'y', { path: '/\r\nSet-Cookie: evil=1' }).end());
    app.get('/unsigned', (req, res) => res.cookie('x', 'y', { signed: true }).end());
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (e: unknown) => void errors.push(e);
    try {
      await withApp(app, async (url) => {
        for (const p of ['/inject', '/unsigned']) {
          const r = await fetch(url + p);
          assert.equal(r.status, 500);
          assert.equal(r.headers.get('set-cookie'), null);
          await r.text();
        }
      });
    } finally {
      console.error = original;
    }
    assert.ok(errors[0] instanceof TypeError);
    assert.match(String((errors[1] as Error).message), /cookieParser\(secret\)/);
  });
});
