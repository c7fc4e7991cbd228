// The 101 of an app's `ws` route is written through the Response: headers that middleware set
// (cookies, a session's Set-Cookie, tracing) reach the client, fields a 101 must not carry do not,
// and a session changed during the upgrade is saved before the 101 goes out.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createApp, compression, connect, session, MemoryStore, type SessionRecord } from '../../lib/index.js';
import type { NextFunction, Request, Response } from '../../lib/index.js';
import { listen } from '../helpers/listen.js';
import { ACCEPT, RawClient, frame, handshakeRequest, waitFor } from './support.js';

/** The header lines of a raw HTTP head, lowercased names, in order. */
function fields(head: string): [string, string][] {
  return head
    .split('\r\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    });
}

function valuesOf(head: string, name: string): string[] {
  return fields(head)
    .filter(([n]) => n === name)
    .map(([, v]) => v);
}

/** Sends a text frame and waits for its echo. */
async function echoes(client: RawClient, text: string): Promise<void> {
  client.send(frame(0x1, text));
  const reply = await client.frame(0x1);
  assert.equal(reply.payload.toString(), text);
}

describe('the 101 of a ws route', () => {
  it('carries the headers middleware set, and none that frame or describe content', async () => {
    const app = createApp();
    app.use((req: Request, res: Response, next: NextFunction) => {
      res.setHeader('X-Request-Id', 'abc-123');
      res.cookie('seen', 'yes', { httpOnly: true });
      // None of these belong in a 101: each is dropped.
      res.setHeader('Content-Type', 'text/html');
      res.setHeader('Content-Length', '5');
      res.setHeader('Transfer-Encoding', 'chunked');
      res.setHeader('Sec-WebSocket-Extensions', 'permessage-deflate');
      res.setHeader('Connection', 'close');
      return next();
    });
    app.ws('/echo', (ws) => ws.on('message', (data) => ws.send(String(data))));
    const { port, close } = await listen(app);
    try {
      const client = await RawClient.open(port, handshakeRequest('/echo'));
      const head = client.response;
      assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
      assert.deepEqual(valuesOf(head, 'x-request-id'), ['abc-123']);
      assert.deepEqual(valuesOf(head, 'set-cookie'), ['seen=yes; Path=/; HttpOnly']);
      assert.deepEqual(valuesOf(head, 'upgrade'), ['websocket']);
      assert.deepEqual(valuesOf(head, 'connection'), ['Upgrade']);
      assert.deepEqual(valuesOf(head, 'sec-websocket-accept'), [ACCEPT]);
      for (const name of ['content-type', 'content-length', 'transfer-encoding', 'sec-websocket-extensions', 'sec-websocket-protocol']) {
        assert.deepEqual(valuesOf(head, name), [], `${name} in the 101`);
      }
      await echoes(client, 'after the 101');
      client.destroy();
    } finally {
      await close();
    }
  });

  it('names only the subprotocol chosen from the offer, whatever middleware set', async () => {
    const app = createApp();
    app.use((req: Request, res: Response, next: NextFunction) => {
      res.setHeader('Sec-WebSocket-Protocol', 'not-offered');
      return next();
    });
    app.ws('/p', { protocols: ['chat'] }, (ws) => ws.on('message', (data) => ws.send(String(data))));
    const { port, close } = await listen(app);
    try {
      const offered = await RawClient.open(port, handshakeRequest('/p', 'Sec-WebSocket-Protocol: other, chat\r\n'));
      assert.deepEqual(valuesOf(offered.response, 'sec-websocket-protocol'), ['chat']);
      await echoes(offered, 'chat');
      offered.destroy();
      const none = await RawClient.open(port, handshakeRequest('/p'));
      assert.match(none.response, /^HTTP\/1\.1 101 /);
      assert.deepEqual(valuesOf(none.response, 'sec-websocket-protocol'), []);
      none.destroy();
    } finally {
      await close();
    }
  });

  it('is not compressed by compression() (a 1xx has no content)', async () => {
    const app = createApp();
    app.use(compression({ threshold: 0 }));
    app.ws('/z', (ws) => ws.on('message', (data) => ws.send(String(data))));
    const { port, close } = await listen(app);
    try {
      const client = await RawClient.open(port, handshakeRequest('/z', 'Accept-Encoding: gzip\r\n'));
      assert.match(client.response, /^HTTP\/1\.1 101 /);
      assert.deepEqual(valuesOf(client.response, 'content-encoding'), []);
      await echoes(client, 'x'.repeat(2000));
      client.destroy();
    } finally {
      await close();
    }
  });

  it('a refused handshake (wrong Origin) is a 403 without the middleware fields, and the socket closes', async () => {
    const app = createApp();
    let handled = 0;
    app.use((req: Request, res: Response, next: NextFunction) => {
      res.cookie('seen', 'yes');
      return next();
    });
    app.ws('/o', { origins: ['http://good.example'] }, () => {
      handled++;
    });
    const { port, close } = await listen(app);
    try {
      const client = await RawClient.open(port, handshakeRequest('/o', 'Origin: http://evil.example\r\n'));
      assert.match(client.response, /^HTTP\/1\.1 403 Forbidden\r\n/);
      assert.deepEqual(valuesOf(client.response, 'set-cookie'), []);
      await client.waitEnd();
      const good = await RawClient.open(port, handshakeRequest('/o', 'Origin: http://good.example\r\n'));
      assert.match(good.response, /^HTTP\/1\.1 101 /);
      assert.equal(handled, 1);
      good.destroy();
    } finally {
      await close();
    }
  });
});

describe('a session during an upgrade', () => {
  /** A MemoryStore that records its calls, and can be made slow or failing. */
  class SpyStore extends MemoryStore {
    sets: string[] = [];
    /** Writes that completed. */
    saved = 0;
    delay = 0;
    fail = false;
    override set(sid: string, record: SessionRecord): Promise<void> {
      this.sets.push(sid);
      const write = async (): Promise<void> => {
        if (this.delay > 0) await new Promise((resolve) => setTimeout(resolve, this.delay));
        if (this.fail) throw new Error('store is down');
        await super.set(sid, record);
        this.saved++;
      };
      return write();
    }
  }

  function sessionApp(store: SpyStore) {
    const app = createApp();
    app.use(session({ secret: 'upgrade secret', store, saveUninitialized: false }));
    app.use((req: Request, res: Response, next: NextFunction) => {
      req.session['visits'] = ((req.session['visits'] as number | undefined) ?? 0) + 1;
      return next();
    });
    const seenInStore: unknown[] = [];
    app.ws('/s', async (ws, req) => {
      // The save happened before the 101: the store already holds this upgrade's change.
      const stored = (await store.get(req.sessionID)) as Record<string, unknown> | null;
      seenInStore.push(stored?.['visits']);
      ws.send(String(req.session['visits']));
    });
    app.get('/visits', (req, res) => {
      res.json({ visits: req.session['visits'] });
    });
    return { app, seenInStore };
  }

  it('sends the new session cookie in the 101 and saves the session before it', async () => {
    const store = new SpyStore();
    store.delay = 50; // a slow store: the 101 must still wait for the save
    const { app, seenInStore } = sessionApp(store);
    const { url, port, close } = await listen(app);
    try {
      const client = await RawClient.open(port, handshakeRequest('/s'));
      assert.match(client.response, /^HTTP\/1\.1 101 /);
      const cookies = valuesOf(client.response, 'set-cookie');
      assert.equal(cookies.length, 1);
      assert.match(cookies[0]!, /^keel\.sid=s%3A[^;]+; Path=\/; HttpOnly/);
      const reply = await client.frame(0x1);
      assert.equal(reply.payload.toString(), '1');
      assert.deepEqual(seenInStore, [1]);
      assert.equal(store.sets.length, 1);
      client.destroy();

      // The cookie from the 101 names the saved session over HTTP (its middleware counts this visit too).
      const r = await fetch(url + '/visits', { headers: { cookie: cookies[0]!.split(';')[0]! } });
      assert.deepEqual(await r.json(), { visits: 2 });
    } finally {
      await close();
    }
  });

  it("Keel's client reads the 101's Set-Cookie (onUpgrade), and the cookie names the saved session", async () => {
    const store = new SpyStore();
    const { app } = sessionApp(store);
    const { url, port, close } = await listen(app);
    try {
      let cookie = '';
      const ws = await connect(`ws://127.0.0.1:${port}/s`, {
        onUpgrade(response) {
          assert.equal(response.statusCode, 101);
          cookie = (response.headers['set-cookie'] ?? [])[0]?.split(';')[0] ?? '';
        },
      });
      const first = await new Promise<string>((resolve) => ws.once('message', (d: unknown) => resolve(String(d))));
      assert.equal(first, '1');
      ws.close(1000);
      assert.match(cookie, /^keel\.sid=s%3A/);
      const r = await fetch(url + '/visits', { headers: { cookie } });
      assert.deepEqual(await r.json(), { visits: 2 });
      // A throwing onUpgrade drops the connection; connect() rejects with what it threw.
      await assert.rejects(connect(`ws://127.0.0.1:${port}/s`, { onUpgrade() { throw new Error('not this one'); } }), /not this one/);
      assert.throws(() => connect(`ws://127.0.0.1:${port}/s`, { onUpgrade: 42 as never }), TypeError);
    } finally {
      await close();
    }
  });

  it('a client gone while the session is being saved gets no WebSocket; the server carries on', async () => {
    const store = new SpyStore();
    store.delay = 200;
    const { app, seenInStore } = sessionApp(store);
    const { url, port, close } = await listen(app);
    try {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(handshakeRequest('/s'));
      await waitFor(() => store.sets.length === 1, 'the save to start');
      socket.resetAndDestroy(); // a reset: the server's socket is closed before the 101 is written
      await waitFor(() => store.saved === 1, 'the save to end');
      // What would follow a 101 (the handler) runs within a few turns of the event loop.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(seenInStore, [], 'no handler ran');
      assert.equal(app.websockets.size, 0);
      assert.equal((await fetch(url + '/visits')).status, 200);
    } finally {
      await close();
    }
  });

  it('answers 500 and opens no WebSocket when the session cannot be saved', async () => {
    const store = new SpyStore();
    store.fail = true;
    const { app, seenInStore } = sessionApp(store);
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    const { url, port, close } = await listen(app);
    try {
      const client = await RawClient.open(port, handshakeRequest('/s'));
      assert.match(client.response, /^HTTP\/1\.1 500 /);
      assert.deepEqual(valuesOf(client.response, 'set-cookie'), []);
      assert.deepEqual(valuesOf(client.response, 'upgrade'), []);
      await client.waitEnd();
      assert.deepEqual(seenInStore, []);
      assert.equal(store.sets.length, 1);
      assert.ok(logged.length >= 1, 'the failed save is reported');
      // The server still serves.
      store.fail = false;
      const again = await RawClient.open(port, handshakeRequest('/s'));
      assert.match(again.response, /^HTTP\/1\.1 101 /);
      again.destroy();
      assert.equal((await fetch(url + '/visits')).status, 200);
    } finally {
      console.error = original;
      await close();
    }
  });
});
