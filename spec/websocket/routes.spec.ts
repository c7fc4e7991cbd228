// WebSocket routes through the middleware stack: app.ws / router.ws, params, middleware that
// refuses the upgrade over HTTP, 404 for unmatched upgrades, plain GETs routed as usual, handler
// errors closing with 1011, app.publish, and app.close() sending 1001.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createApp, Router, connect } from '../../lib/index.js';
import type { WebSocket } from '../../lib/index.js';
import { captureErrors, delay, listen } from '../helpers/listen.js';

function nextMessage(ws: WebSocket): Promise<{ data: unknown; isBinary: boolean }> {
  return new Promise((resolve) => ws.once('message', (data: unknown, isBinary: boolean) => resolve({ data, isBinary })));
}
function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code: number, reason: string) => resolve({ code, reason })));
}

/** Sends raw request bytes; resolves with everything the server sent before closing (1 s max). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => {
      out += d.toString('latin1');
    });
    s.on('error', reject);
    s.on('close', () => resolve(out));
    s.write(text);
    setTimeout(() => s.destroy(), 1000).unref();
  });
}

/** A WebSocket upgrade request for `path`. */
function rawUpgrade(port: number, path: string, key = 'dGhlIHNhbXBsZSBub25jZQ=='): Promise<string> {
  return rawRequest(
    port,
    `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
}

describe('WebSocket routes', () => {
  it('runs app-level middleware, mounted routers and params before the handshake', async () => {
    const app = createApp();
    const trail: string[] = [];
    app.use((req, res, next) => {
      trail.push('app mw');
      (req as { user?: string }).user = 'ann';
      void next();
    });
    const rooms = Router();
    rooms.ws('/:room', (req, res, next) => {
      trail.push('route mw ' + String(req.params.room));
      void next();
    }, (ws, req) => {
      let greeted = false;
      ws.on('message', (data: unknown) => {
        if (greeted) return ws.send(String(data));
        greeted = true;
        ws.send(JSON.stringify({ room: req.params.room, user: (req as { user?: string }).user, base: req.baseUrl }));
      });
    });
    app.use('/rooms', rooms);
    const { port, close } = await listen(app);
    try {
      const ws = await connect(`ws://127.0.0.1:${port}/rooms/lobby`);
      ws.send('hello?');
      const firstMessage = nextMessage(ws);
      const hello = await firstMessage;
      assert.deepEqual(JSON.parse(String(hello.data)), { room: 'lobby', user: 'ann', base: '/rooms' });
      ws.send('echo me');
      assert.equal(String((await nextMessage(ws)).data), 'echo me');
      ws.close(1000);
      await closed(ws);
      assert.deepEqual(trail, ['app mw', 'route mw lobby']);
    } finally {
      await close();
    }
  });

  it('middleware that answers refuses the upgrade over HTTP and closes the socket', async () => {
    const app = createApp();
    app.use('/private', (req, res) => {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'Bearer');
      res.end('sign in first');
    });
    app.ws('/private/feed', (ws) => ws.send('should not happen'));
    const { port, close } = await listen(app);
    try {
      const head = await rawUpgrade(port, '/private/feed');
      assert.match(head, /^HTTP\/1\.1 401 /);
      assert.match(head, /sign in first$/);
      assert.match(head, /Connection: close/i);
      await assert.rejects(connect(`ws://127.0.0.1:${port}/private/feed`));
    } finally {
      await close();
    }
  });

  it('an upgrade that no ws route matches gets a 404; a plain GET to a ws path is routed as usual', async () => {
    const app = createApp();
    app.ws('/live', (ws) => ws.close());
    app.get('/live', (req, res) => res.end('plain page'));
    app.get('/page', (req, res) => res.end('not a socket'));
    const { port, url, close } = await listen(app);
    try {
      assert.match(await rawUpgrade(port, '/nowhere'), /^HTTP\/1\.1 404 /);
      assert.match(await rawUpgrade(port, '/page'), /^HTTP\/1\.1 404 /, 'GET routes do not take upgrades');
      assert.equal(await (await fetch(url + '/live')).text(), 'plain page');
    } finally {
      await close();
    }
  });

  it('a bad handshake on a matched route gets a 400 from the handshake', async () => {
    const app = createApp();
    app.ws('/live', (ws) => ws.close());
    const { port, close } = await listen(app);
    try {
      assert.match(await rawUpgrade(port, '/live', 'short'), /^HTTP\/1\.1 400 /);
    } finally {
      await close();
    }
  });

  it('a handler that throws closes the socket with 1011 and the server lives', async () => {
    const app = createApp();
    app.ws('/bad', () => {
      throw new Error('handler exploded');
    });
    app.ws('/bad-async', async () => {
      await delay(5);
      throw new Error('async handler exploded');
    });
    const { port, url, close } = await listen(app);
    try {
      const { logged } = await captureErrors(async () => {
        for (const p of ['/bad', '/bad-async']) {
          const ws = await connect(`ws://127.0.0.1:${port}${p}`);
          assert.equal((await closed(ws)).code, 1011);
        }
      });
      assert.equal(logged.length, 2);
      assert.equal((await fetch(url + '/')).status, 404);
    } finally {
      await close();
    }
  });

  it('route options are validated at registration and applied', async () => {
    const app = createApp();
    assert.throws(() => app.ws('/x', { maxPayload: -5 }, () => undefined), TypeError);
    assert.throws(() => createApp({ websocket: { heartbeat: 'often' as never } }), TypeError);
    app.ws('/small', { maxPayload: 16 }, (ws) => ws.on('message', () => ws.send('ok')));
    const { port, close } = await listen(app);
    try {
      const ws = await connect(`ws://127.0.0.1:${port}/small`);
      ws.send('x'.repeat(17));
      assert.equal((await closed(ws)).code, 1009);
    } finally {
      await close();
    }
  });

  it('app.publish reaches subscribers; app.close() sends 1001 to every socket', async () => {
    const app = createApp();
    app.ws('/chat', (ws) => {
      ws.on('message', () => {
        ws.subscribe('room');
        ws.send('joined');
      });
    });
    const { port } = await listen(app);
    const a = await connect(`ws://127.0.0.1:${port}/chat`);
    const b = await connect(`ws://127.0.0.1:${port}/chat`);
    const joined = Promise.all([nextMessage(a), nextMessage(b)]);
    a.send('join');
    b.send('join');
    await joined;
    const got = Promise.all([nextMessage(a), nextMessage(b)]);
    assert.equal(app.publish('room', 'hello all'), 2);
    assert.deepEqual((await got).map((m) => String(m.data)), ['hello all', 'hello all']);
    assert.equal(app.websockets.size, 2);
    const closes = Promise.all([closed(a), closed(b)]);
    await app.close();
    assert.deepEqual((await closes).map((c) => c.code), [1001, 1001]);
    assert.equal(app.websockets.size, 0);
  });

  it('a non-WebSocket Upgrade is routed as a plain request', async () => {
    const app = createApp();
    app.get('/h2', (req, res) => res.end('no h2c here'));
    const { port, close } = await listen(app);
    try {
      const r = await rawRequest(port, 'GET /h2 HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n');
      assert.match(r, /^HTTP\/1\.1 200 /);
      assert.match(r, /no h2c here$/);
    } finally {
      await close();
    }
  });
});
