// Request/Response helpers reached through createApp() and its router (mounts, settings, plain
// node:http servers).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, Router } from '../../lib/index.js';
import { get } from './harness.js';

async function listen(app: ReturnType<typeof createApp>): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('query, path and baseUrl under a mounted router', { timeout: 5000 }, async () => {
  const app = createApp();
  const router = Router();
  router.get('/items/:id', (req, res) => {
    res.json({ id: req.params.id, path: req.path, baseUrl: req.baseUrl, originalUrl: req.originalUrl, query: req.query });
  });
  app.use('/api', router);
  const url = await listen(app);
  try {
    const res = await get(`${url}/api/items/7?tag=a&tag=b&q=x+y`);
    assert.deepEqual(await res.json(), {
      id: '7', path: '/items/7', baseUrl: '/api', originalUrl: '/api/items/7?tag=a&tag=b&q=x+y', query: { tag: ['a', 'b'], q: 'x y' },
    });
  } finally {
    await app.close();
  }
});

test("the seed's res.status('201') then res.send() in the next handler", { timeout: 5000 }, async () => {
  const app = createApp();
  app.get('/info', (req, res, next) => {
    res.status('201');
    void next();
  });
  app.get('/info', (req, res) => {
    res.send('Welcome Again');
  });
  const url = await listen(app);
  try {
    const res = await get(`${url}/info`);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await res.text(), 'Welcome Again');
  } finally {
    await app.close();
  }
});

test('app settings reach the helpers: json spaces, etag, query parameter limit, trust proxy', { timeout: 5000 }, async () => {
  const app = createApp();
  app.set('json spaces', 1).set('etag', false).set('query parameter limit', 2).set('trust proxy', true);
  app.get('/', (req, res) => {
    res.json({ keys: Object.keys(req.query), ip: req.ip, protocol: req.protocol });
  });
  const url = await listen(app);
  try {
    const res = await get(`${url}/?a=1&b=2&c=3`, { 'x-forwarded-for': '198.51.100.4', 'x-forwarded-proto': 'https' });
    assert.equal(res.headers.get('etag'), null);
    assert.equal(await res.text(), '{\n "keys": [\n  "a",\n  "b"\n ],\n "ip": "198.51.100.4",\n "protocol": "https"\n}');
  } finally {
    await app.close();
  }
});

test('the app as a listener on a plain node:http server gets Keel objects', { timeout: 5000 }, async () => {
  const app = createApp();
  app.get('/r', (req, res) => {
    res.redirect(301, `/to?from=${String(req.query.x)}`);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/r?x=1`, { accept: 'text/plain' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/to?from=1');
    assert.equal(await res.text(), 'Moved Permanently. Redirecting to /to?from=1');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
