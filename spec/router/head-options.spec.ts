// HEAD falls back to the GET route without a body; OPTIONS without a handler answers with Allow.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createApp } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';

/** Sends raw bytes and collects everything until the server closes or `ms` pass. */
function raw(port: number, text: string, ms = 300): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => (out += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
    socket.write(text);
    setTimeout(() => socket.destroy(), ms).unref();
  });
}

describe('HEAD and OPTIONS', () => {
  it('HEAD runs the GET route and sends no body', async () => {
    const app = createApp();
    let ran = 0;
    app.get('/doc', (req, res) => {
      ran++;
      res.setHeader('Content-Type', 'text/plain');
      res.setHeader('Content-Length', '11');
      res.end('hello world');
    });
    await withApp(app, async (url) => {
      const r = await fetch(url + '/doc', { method: 'HEAD' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-length'), '11');
      assert.equal(await r.text(), '');
      const port = Number(new URL(url).port);
      const text = await raw(port, 'HEAD /doc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(text, /^HTTP\/1\.1 200/);
      assert.ok(text.endsWith('\r\n\r\n'), 'no body after the headers');
    });
    assert.equal(ran, 2);
  });

  it('an explicit HEAD route wins over GET', async () => {
    const app = createApp();
    app.head('/x', (req, res) => {
      res.setHeader('X-Head', '1');
      res.end();
    });
    app.get('/x', (req, res) => res.end('get'));
    await withApp(app, async (url) => {
      const r = await fetch(url + '/x', { method: 'HEAD' });
      assert.equal(r.headers.get('x-head'), '1');
    });
  });

  it('OPTIONS without a handler answers 200 with the allowed methods', async () => {
    const app = createApp();
    app.get('/thing', (req, res) => res.end());
    app.post('/thing', (req, res) => res.end());
    app.route('/thing').delete((req, res) => res.end());
    await withApp(app, async (url) => {
      const r = await fetch(url + '/thing', { method: 'OPTIONS' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('allow'), 'DELETE, GET, HEAD, POST');
      assert.equal(await r.text(), 'DELETE, GET, HEAD, POST');
      const none = await fetch(url + '/nothing', { method: 'OPTIONS' });
      assert.equal(none.status, 404);
      await none.text();
    });
  });

  it('an explicit OPTIONS handler is used when present', async () => {
    const app = createApp();
    app.options('/thing', (req, res) => {
      res.statusCode = 204;
      res.setHeader('Allow', 'GET');
      res.end();
    });
    app.get('/thing', (req, res) => res.end());
    await withApp(app, async (url) => {
      const r = await fetch(url + '/thing', { method: 'OPTIONS' });
      assert.equal(r.status, 204);
      assert.equal(r.headers.get('allow'), 'GET');
    });
  });

  it('every http.METHODS method has a route method', async () => {
    const app = createApp();
    app.purge('/cache', (req, res) => res.end('purged'));
    app['m-search']('/', (req, res) => res.end('ms'));
    await withApp(app, async (url) => {
      const r = await fetch(url + '/cache', { method: 'PURGE' });
      assert.equal(await r.text(), 'purged');
    });
  });
});
