// Interoperability: Node's own WebSocket client (undici, `node --experimental-websocket`) and
// Keel's client against the Keel server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, within } from './support.js';
import { connect } from '../../lib/websocket/client.js';

interface BrowserLikeSocket {
  binaryType: string;
  protocol: string;
  readyState: number;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, fn: (e: { data?: unknown; code?: number; reason?: string }) => void): void;
}
type BrowserLikeCtor = new (url: string, protocols?: string | string[]) => BrowserLikeSocket;
const NodeWebSocket = (globalThis as { WebSocket?: BrowserLikeCtor }).WebSocket;

test('Node\'s WebSocket client: text, binary, large, subprotocol, close code', { skip: NodeWebSocket === undefined && 'run with --experimental-websocket' }, async () => {
  const srv = await startServer({ protocols: ['chat'] });
  try {
    const Ctor = NodeWebSocket as BrowserLikeCtor;
    const ws = new Ctor(`ws://127.0.0.1:${srv.port}/`, ['other', 'chat']);
    ws.binaryType = 'arraybuffer';
    const inbox: unknown[] = [];
    const closed = new Promise<[number | undefined, string | undefined]>((resolve) =>
      ws.addEventListener('close', (e) => resolve([e.code, e.reason])),
    );
    await within(new Promise((resolve) => ws.addEventListener('open', resolve)), 3000, 'open');
    assert.equal(ws.protocol, 'chat');
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    ws.send('héllo');
    ws.send(new Uint8Array([1, 2, 3]));
    ws.send(big);
    ws.send('x'.repeat(70_000));
    await within(
      new Promise<void>((resolve) => {
        ws.addEventListener('message', (e) => {
          inbox.push(e.data);
          if (inbox.length === 4) resolve();
        });
      }),
      5000,
      'echoes',
    );
    assert.equal(inbox[0], 'héllo');
    assert.deepEqual([...new Uint8Array(inbox[1] as ArrayBuffer)], [1, 2, 3]);
    assert.deepEqual(new Uint8Array(inbox[2] as ArrayBuffer), big);
    assert.equal(inbox[3], 'x'.repeat(70_000));
    const serverClosed = new Promise<[number, string]>((resolve) => srv.sockets[0].once('close', (c, r) => resolve([c, r])));
    ws.close(4321, 'done');
    assert.deepEqual(await within(closed, 3000, 'close'), [4321, 'done']);
    assert.deepEqual(await within(serverClosed, 3000, 'server close'), [4321, 'done']);
  } finally {
    await srv.close();
  }
});

test('Node\'s WebSocket client sees a server-initiated close', { skip: NodeWebSocket === undefined && 'run with --experimental-websocket' }, async () => {
  const srv = await startServer({}, (ws) => ws.close(4000, 'bye'));
  try {
    const ws = new (NodeWebSocket as BrowserLikeCtor)(`ws://127.0.0.1:${srv.port}/`);
    const closed = await within(
      new Promise<[number | undefined, string | undefined]>((resolve) => ws.addEventListener('close', (e) => resolve([e.code, e.reason]))),
      3000,
      'close',
    );
    assert.deepEqual(closed, [4000, 'bye']);
  } finally {
    await srv.close();
  }
});

test('Keel client ↔ Keel server: messages both ways, masks its frames, close handshake', async () => {
  const srv = await startServer({ protocols: ['p2'] }, (ws) => {
    ws.send('welcome');
    ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary }));
  });
  try {
    const ws = await connect(new URL(`ws://127.0.0.1:${srv.port}/path?q=1`), { protocols: ['p1', 'p2'], headers: { 'X-Test': 'yes' } });
    assert.equal(ws.protocol, 'p2');
    const inbox: [string | Buffer, boolean][] = [];
    ws.on('message', (d, b) => inbox.push([d, b]));
    ws.send('text');
    ws.send(Buffer.alloc(200_000, 3));
    ws.send(new Float64Array([1.5]));
    ws.send('as binary', { binary: true });
    await within(
      new Promise<void>((resolve) => {
        const check = (): void => (inbox.length >= 5 ? resolve() : void setTimeout(check, 5));
        check();
      }),
      5000,
      'messages',
    );
    assert.deepEqual(inbox[0], ['welcome', false]);
    assert.deepEqual(inbox[1], ['text', false]);
    assert.deepEqual(inbox[2], [Buffer.alloc(200_000, 3), true]);
    assert.deepEqual(inbox[3], [Buffer.from(new Float64Array([1.5]).buffer), true]);
    assert.deepEqual(inbox[4], [Buffer.from('as binary'), true]);
    const closed = new Promise<[number, string]>((resolve) => ws.once('close', (c, r) => resolve([c, r])));
    ws.close(1000, 'ok');
    assert.equal(ws.readyState, ws.CLOSING);
    assert.deepEqual(await within(closed, 3000, 'close'), [1000, 'ok']);
    assert.equal(ws.readyState, ws.CLOSED);
  } finally {
    await srv.close();
  }
});
