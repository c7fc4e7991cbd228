// The default 404 and error handler.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createApp, HttpError } from '../../lib/index.js';
import { captureErrors, withApp } from '../helpers/listen.js';

describe('default 404 and error handler', () => {
  it('404 names the method and the escaped path', async () => {
    const app = createApp();
    await withApp(app, async (url) => {
      const r = await fetch(url + '/a/<script>alert(1)</script>?x=1');
      assert.equal(r.status, 404);
      assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(r.headers.get('content-security-policy'), "default-src 'none'");
      const body = await r.text();
      assert.match(body, /Cannot GET \/a\/%3Cscript%3Ealert\(1\)%3C\/script%3E/);
      assert.ok(!body.includes('<script>'));
      assert.ok(!body.includes('x=1'));
    });
  });

  it('a raw < in the path is escaped in the 404 page', async () => {
    const app = createApp();
    await withApp(app, async (url) => {
      const port = Number(new URL(url).port);
      const text = await new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        let out = '';
        s.on('data', (d) => (out += d.toString('latin1')));
        s.on('close', () => resolve(out));
        s.write('GET /"><img> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      });
      assert.match(text, /Cannot GET \/&quot;&gt;&lt;img&gt;/);
    });
  });

  it('uses err.status / err.statusCode; exposes 4xx messages; hides 5xx messages in production', async () => {
    const app = createApp();
    app.set('env', 'production');
    app.get('/teapot', () => {
      throw new HttpError(418, 'short and stout');
    });
    app.get('/code', () => {
      throw Object.assign(new Error('conflict here'), { statusCode: 409 });
    });
    app.get('/secret', () => {
      throw new Error('database password is hunter2');
    });
    app.get('/weird', () => {
      throw Object.assign(new Error('odd'), { status: 302 });
    });
    const { logged } = await captureErrors(() =>
      withApp(app, async (url) => {
        let r = await fetch(url + '/teapot');
        assert.equal(r.status, 418);
        assert.match(await r.text(), /short and stout/);
        r = await fetch(url + '/code');
        assert.equal(r.status, 409);
        assert.match(await r.text(), /conflict here/);
        r = await fetch(url + '/secret');
        assert.equal(r.status, 500);
        const body = await r.text();
        assert.ok(!body.includes('hunter2'));
        assert.match(body, /Internal Server Error/);
        r = await fetch(url + '/weird');
        assert.equal(r.status, 500, 'a status outside 4xx/5xx is not used');
        await r.text();
      }),
    );
    // 5xx errors are logged to stderr; 4xx client errors are not.
    assert.equal(logged.length, 2);
  });

  it('shows the stack outside production', async () => {
    const app = createApp();
    app.set('env', 'development');
    app.get('/', function failingHandler() {
      throw new Error('visible in development');
    });
    await captureErrors(() =>
      withApp(app, async (url) => {
        const body = await (await fetch(url + '/')).text();
        assert.match(body, /visible in development/);
        assert.match(body, /failingHandler/);
      }),
    );
  });

  it('drops content headers of the response that never happened, keeps the others', async () => {
    const app = createApp();
    app.use((req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Vary', 'Origin');
      void next();
    });
    app.get('/', (req, res) => {
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('ETag', '"abc"');
      res.setHeader('Content-Type', 'application/json');
      throw new HttpError(400, 'bad');
    });
    await withApp(app, async (url) => {
      for (const path of ['/', '/missing']) {
        const r = await fetch(url + path);
        assert.equal(r.status, path === '/' ? 400 : 404);
        assert.equal(r.headers.get('content-encoding'), null);
        assert.equal(r.headers.get('etag'), null);
        assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
        assert.equal(r.headers.get('access-control-allow-origin'), '*', 'CORS headers survive errors');
        assert.equal(r.headers.get('vary'), 'Origin');
        await r.text();
      }
    });
  });

  it('destroys the connection when an error comes after headers were sent', async () => {
    const app = createApp();
    app.get('/', (req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
      throw new Error('mid-stream failure');
    });
    const { logged } = await captureErrors(() =>
      withApp(app, async (url) => {
        // The body was cut: the client sees a failure, never a short body that looks complete.
        await assert.rejects(async () => {
          const r = await fetch(url + '/');
          await r.text();
        });
      }),
    );
    assert.ok(logged.some((a) => (a[0] as Error).message === 'mid-stream failure'));
  });
});
