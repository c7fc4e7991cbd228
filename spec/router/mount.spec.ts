// Mounting: path-prefixed use(), routers and sub-apps, req.url / req.baseUrl / req.originalUrl
// rewritten inside and restored on the way out, params (mergeParams, app.param, decoding).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, Router } from '../../lib/index.js';
import type { Request, Response, NextFunction } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';
import { inheritsNothing } from '../helpers/inherits-nothing.js';

function json(res: Response, value: unknown, status = 200): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(value));
}

describe('mounting', () => {
  it('strips the mount path inside and restores it after', async () => {
    const app = createApp();
    const seen: unknown[] = [];
    const inner = Router();
    inner.use((req, res, next) => {
      seen.push({ where: 'inner', url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl });
      void next();
    });
    const outer = Router();
    outer.use('/inner', inner);
    app.use('/outer', outer);
    app.use((req, res) => {
      seen.push({ where: 'after', url: req.url, baseUrl: req.baseUrl, originalUrl: req.originalUrl });
      json(res, seen);
    });
    await withApp(app, async (url) => {
      const body = await (await fetch(url + '/outer/inner/leaf?q=1')).json();
      assert.deepEqual(body, [
        { where: 'inner', url: '/leaf?q=1', baseUrl: '/outer/inner', originalUrl: '/outer/inner/leaf?q=1' },
        { where: 'after', url: '/outer/inner/leaf?q=1', baseUrl: '', originalUrl: '/outer/inner/leaf?q=1' },
      ]);
    });
  });

  it('a mount path matches whole segments only, case-insensitively', async () => {
    const app = createApp();
    app.use('/admin', (req, res) => json(res, { admin: req.url }));
    app.use((req, res) => json(res, { other: req.url }));
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/admin')).json(), { admin: '/' });
      assert.deepEqual(await (await fetch(url + '/ADMIN/x')).json(), { admin: '/x' });
      assert.deepEqual(await (await fetch(url + '/adminx')).json(), { other: '/adminx' });
    });
  });

  it('matches on one canonical path: encoded letters and dot segments cannot dodge a prefix', async () => {
    const app = createApp();
    app.use('/admin', (req, res) => json(res, { guarded: true, url: req.url }, 403));
    app.use((req, res) => json(res, { guarded: false, url: req.url }));
    await withApp(app, async (url) => {
      for (const p of ['/%61dmin/secret', '/x/../admin/secret', '/%2e/admin/secret', '/./admin/secret']) {
        const r = await fetch(url + p);
        assert.equal(r.status, 403, p);
        assert.deepEqual(await r.json(), { guarded: true, url: '/secret' });
      }
      // An encoded slash is not a separator: '/admin%2Fsecret' is one segment.
      const r = await fetch(url + '/admin%2Fsecret');
      assert.equal(r.status, 200);
      await r.json();
    });
  });

  it("mergeParams makes the parent's params visible", async () => {
    const app = createApp();
    const merged = Router({ mergeParams: true });
    merged.get('/posts/:post', (req, res) => json(res, { ...req.params }));
    const isolated = Router();
    isolated.get('/posts/:post', (req, res) => json(res, { ...req.params }));
    app.use('/users/:user/m', merged);
    app.use('/users/:user/i', isolated);
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/users/ann/m/posts/7')).json(), { user: 'ann', post: '7' });
      assert.deepEqual(await (await fetch(url + '/users/ann/i/posts/7')).json(), { post: '7' });
    });
  });

  it('middleware used at the root sees empty params that inherit nothing, or the parent\'s with mergeParams', async () => {
    const app = createApp();
    const seen: unknown[] = [];
    const look = (where: string) => (req: Request, res: Response, next: NextFunction) => {
      seen.push({ where, params: { ...req.params }, nullProto: inheritsNothing(req.params) });
      void next();
    };
    const merged = Router({ mergeParams: true });
    merged.use(look('merged root'));
    merged.get('/x', (req, res) => json(res, seen));
    const isolated = Router();
    isolated.use(look('isolated root'));
    isolated.use('/', look('isolated slash'));
    isolated.get('/x', (req, res) => json(res, seen));
    app.use(look('app root'));
    app.use('/u/:user/m', merged);
    app.use('/u/:user/i', isolated);
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/u/ann/m/x')).json(), [
        { where: 'app root', params: {}, nullProto: true },
        { where: 'merged root', params: { user: 'ann' }, nullProto: true },
      ]);
      seen.length = 0;
      assert.deepEqual(await (await fetch(url + '/u/bob/i/x')).json(), [
        { where: 'app root', params: {}, nullProto: true },
        { where: 'isolated root', params: {}, nullProto: true },
        { where: 'isolated slash', params: {}, nullProto: true },
      ]);
    });
  });

  it('params are %-decoded; malformed encoding is a 400', async () => {
    const app = createApp();
    app.get('/files/:name', (req, res) => json(res, { name: req.params.name }));
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/files/a%20b%2Fc')).json(), { name: 'a b/c' });
      const r = await fetch(url + '/files/%E0%A4%A');
      assert.equal(r.status, 400);
      await r.text();
    });
  });

  it('app.param() runs once per request and value, before the handlers', async () => {
    const app = createApp();
    let calls = 0;
    app.param('id', (req, res, next, value, name) => {
      calls++;
      (req as Request & { loaded?: string }).loaded = `${name}=${value}`;
      void next();
    });
    app.get('/item/:id', (req, res, next) => void next());
    app.get('/item/:id', (req, res) => json(res, { loaded: (req as Request & { loaded?: string }).loaded }));
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/item/42')).json(), { loaded: 'id=42' });
    });
    assert.equal(calls, 1);
  });

  it('app.param() errors go to error handlers', async () => {
    const app = createApp();
    app.param('id', (req, res, next, value) => {
      if (!/^\d+$/.test(value)) return next(Object.assign(new Error('bad id'), { status: 422 }));
      void next();
    });
    app.get('/item/:id', (req, res) => json(res, { ok: true }));
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      json(res, { error: (err as Error).message }, (err as { status: number }).status);
    });
    await withApp(app, async (url) => {
      const r = await fetch(url + '/item/abc');
      assert.equal(r.status, 422);
      assert.deepEqual(await r.json(), { error: 'bad id' });
    });
  });

  it('sub-apps: mountpath, parent, inherited settings, req.app switched inside', async () => {
    const app = createApp();
    app.set('env', 'staging');
    const blog = createApp();
    blog.set('strict routing', false);
    let inner: unknown;
    blog.get('/', (req, res) => {
      inner = req.app;
      json(res, { env: req.app.get('env'), baseUrl: req.baseUrl });
    });
    app.use('/blog', blog);
    app.use((req, res) => json(res, { outerApp: req.app === app }));
    assert.equal(blog.mountpath, '/blog');
    assert.equal(blog.parent, app);
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/blog')).json(), { env: 'staging', baseUrl: '/blog' });
      assert.deepEqual(await (await fetch(url + '/other')).json(), { outerApp: true });
    });
    assert.equal(inner, blog);
  });

  it('an app is a plain listener for a server it did not create', async () => {
    const http = await import('node:http');
    const app = createApp();
    app.get('/p/:x', (req, res) => json(res, { x: req.params.x, keel: typeof req.baseUrl === 'string' }));
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/p/1`)).json(), { x: '1', keel: true });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
