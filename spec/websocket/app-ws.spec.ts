// WebSockets through createApp(): Node's own client against app.ws, app-wide options inherited
// and overridden per route, the heartbeat, and app.close() bounded by the close timeout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, connect } from '../../lib/index.js';
import { listen } from '../helpers/listen.js';
import { RawClient, frame, handshakeRequest, waitFor, within } from './support.js';

interface BrowserLikeSocket {
  protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, fn: (e: { data?: unknown; code?: number }) => void): void;
}
const NodeWebSocket = (globalThis as { WebSocket?: new (url: string, protocols?: string[]) => BrowserLikeSocket }).WebSocket;

test("Node's WebSocket client talks to app.ws with the route's subprotocol and params", { skip: NodeWebSocket === undefined && 'run with --experimental-websocket' }, async () => {
  const app = createApp();
  app.ws('/rooms/:room', { protocols: ['chat.v1'] }, (ws, req) => {
    ws.on('message', (d) => ws.send(`${String(req.params.room)}:${String(d)}`));
  });
  const running = await listen(app);
  try {
    const Ctor = NodeWebSocket as new (url: string, protocols?: string[]) => BrowserLikeSocket;
    const ws = new Ctor(`ws://127.0.0.1:${running.port}/rooms/blue`, ['chat.v1']);
    await within(new Promise((r) => ws.addEventListener('open', r)), 3000, 'open');
    assert.equal(ws.protocol, 'chat.v1');
    const reply = new Promise<unknown>((r) => ws.addEventListener('message', (e) => r(e.data)));
    ws.send('hi');
    assert.equal(await within(reply, 3000, 'reply'), 'blue:hi');
    const closed = new Promise<unknown>((r) => ws.addEventListener('close', (e) => r(e.code)));
    ws.close(1000);
    assert.equal(await within(closed, 3000, 'close'), 1000);
  } finally {
    await running.close();
  }
});

test('app-wide options apply to every ws route; a route overrides them', async () => {
  const app = createApp({ websocket: { maxPayload: 100 } });
  const echo = (ws: import('../../lib/index.js').WebSocket): void => {
    ws.on('message', (d) => ws.send(d));
  };
  app.ws('/small', echo);
  app.ws('/big', { maxPayload: 1000 }, echo);
  const running = await listen(app);
  try {
    const small = await connect(`ws://127.0.0.1:${running.port}/small`);
    const smallClosed = new Promise<number>((r) => small.once('close', r));
    small.send('x'.repeat(101));
    assert.equal(await within(smallClosed, 3000, 'small closed'), 1009);
    const big = await connect(`ws://127.0.0.1:${running.port}/big`);
    const reply = new Promise<string>((r) => big.once('message', (d) => r(String(d))));
    big.send('y'.repeat(500));
    assert.equal((await within(reply, 3000, 'reply')).length, 500);
    big.terminate();
  } finally {
    await running.close();
  }
});

test('the app-wide heartbeat terminates a dead peer', async () => {
  const app = createApp({ websocket: { heartbeat: 100 } });
  let closedWith: number | undefined;
  app.ws('/hb', (ws) => ws.on('close', (code) => (closedWith = code)));
  const running = await listen(app);
  try {
    const c = await RawClient.open(running.port, handshakeRequest('/hb'));
    assert.match(c.response, /^HTTP\/1\.1 101 /);
    await c.frame(0x9, 2000);
    await c.until(() => c.closed, 'terminated', 2000);
    await waitFor(() => closedWith !== undefined, 'close event');
    assert.equal(closedWith, 1006);
  } finally {
    await running.close();
  }
});

test('app.close() sends 1001 and is bounded by closeTimeout when a peer never answers', async () => {
  const app = createApp({ websocket: { closeTimeout: 200, heartbeat: 0 } });
  app.ws('/quiet', () => undefined);
  const running = await listen(app);
  const c = await RawClient.open(running.port, handshakeRequest('/quiet'));
  c.send(frame(0x9, 'x'));
  await c.frame(0xa);
  // Bounded: within() fails a close() that waits on the silent peer (no wall-clock bound tighter
  // than that, which a loaded machine could miss).
  await within(running.close(), 3000, 'app.close()');
  assert.equal((await c.closeFrame()).code, 1001);
  await c.until(() => c.closed, 'socket closed');
});
