// A WebSocket route behind the same cookie and session middleware as the HTTP routes: the
// handler sees req.cookies and req.session; without a signed-in session the upgrade gets a 401.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, cookieParser, session, json, connect } from '../../lib/index.js';
import type { Request, Response, NextFunction } from '../../lib/index.js';
import { listen } from '../helpers/listen.js';

describe('WebSocket routes with cookies and sessions', () => {
  it('the handler sees the session and cookies; an upgrade without a session is refused with 401', async () => {
    const app = createApp();
    app.use(cookieParser('cookie secret'), session({ secret: 'session secret' }), json());
    app.post('/login', (req, res) => {
      req.session['user'] = (req.body as { name: string }).name;
      res.cookie('theme', 'dark');
      res.json({ ok: true });
    });
    const requireUser = (req: Request, res: Response, next: NextFunction) => {
      if (req.session?.['user'] === undefined) {
        res.status(401).send('sign in first');
        return;
      }
      void next();
    };
    app.ws('/me', requireUser, (ws, req) => {
      const user = req.session['user'];
      ws.send(JSON.stringify({ user, theme: req.cookies['theme'] }));
      ws.close(1000);
    });
    const { url, port, close } = await listen(app);
    try {
      // Without a session: refused before the handshake.
      await assert.rejects(connect(`ws://127.0.0.1:${port}/me`), /401/);

      const login = await fetch(url + '/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ann' }),
      });
      assert.equal(login.status, 200);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      assert.match(cookie, /keel\.sid=/);

      const ws = await connect(`ws://127.0.0.1:${port}/me`, { headers: { cookie } });
      const message = await new Promise<string>((resolve) => ws.once('message', (d: unknown) => resolve(String(d))));
      assert.deepEqual(JSON.parse(message), { user: 'ann', theme: 'dark' });
    } finally {
      await close();
    }
  });
});
