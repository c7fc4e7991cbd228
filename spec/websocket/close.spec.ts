// The closing handshake (RFC 6455 §5.5.1, §7): server-initiated close, its timeout, argument
// checks of close(), terminate(), and what the 'close' event reports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, closeFrame, frame, startServer, within } from './support.js';
import { WebSocket } from '../../lib/websocket/websocket.js';

test('server close: Close frame sent, state CLOSING, peer echo → server ends TCP → CLOSED', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code, reason) => resolve([code, reason])));
    ws.close(4001, 'going');
    assert.equal(ws.readyState, WebSocket.CLOSING);
    assert.equal(ws.send('late'), false, 'no data after close');
    const f = await c.closeFrame();
    assert.deepEqual(f, { code: 4001, reason: 'going' });
    assert.equal(c.ended, false, 'the server waits for the echo');
    c.send(closeFrame(4001, 'going'));
    await c.waitEnd();
    c.socket.end();
    assert.deepEqual(await within(closed, 2000, 'close event'), [4001, 'going']);
    assert.equal(ws.readyState, WebSocket.CLOSED);
    assert.equal(c.frames.filter((x) => x.opcode === 0x1).length, 0);
  } finally {
    await srv.close();
  }
});

test('close timeout: a peer that never answers is cut off after closeTimeout (close event 1006)', async () => {
  const srv = await startServer({ closeTimeout: 200 });
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    const started = Date.now();
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.close(1000);
    await c.closeFrame();
    assert.equal(await within(closed, 2000, 'close event'), 1006);
    const took = Date.now() - started;
    // A lower bound only: timers never fire early; within() above stops a close that never comes.
    assert.ok(took >= 150, `took ${took} ms`);
    await c.until(() => c.closed, 'socket closed');
  } finally {
    await srv.close();
  }
});

test('messages sent by the peer before its Close frame are still delivered while closing', async () => {
  const received: string[] = [];
  const srv = await startServer({}, (ws) => ws.on('message', (d) => received.push(String(d))));
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.close();
    await c.frame(0x8);
    c.send([frame(0x1, 'in flight'), closeFrame(1000)]);
    await c.waitEnd();
    c.socket.end();
    assert.equal(await closed, 1000);
    assert.deepEqual(received, ['in flight']);
  } finally {
    await srv.close();
  }
});

test('close() checks its arguments (TypeError) and sends nothing for invalid ones', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5, NaN]) {
      assert.throws(() => ws.close(code), TypeError, String(code));
    }
    assert.throws(() => ws.close('1000' as unknown as number), TypeError);
    assert.throws(() => ws.close(1000, 'x'.repeat(124)), TypeError);
    assert.throws(() => ws.close(1000, 'é'.repeat(62)), TypeError, '124 bytes of UTF-8');
    assert.throws(() => ws.close(1000, new Uint8Array(10) as unknown as string), TypeError);
    assert.throws(() => ws.close(1000, 42 as unknown as string), TypeError);
    assert.equal(ws.readyState, WebSocket.OPEN);
    ws.close(1000, 'é'.repeat(61) + 'x'); // 123 bytes: fine
    const f = await c.closeFrame();
    assert.equal(f.code, 1000);
    assert.equal(Buffer.byteLength(f.reason), 123);
    ws.close(1000); // a second close is ignored
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('close() with only a reason sends 1000; close() with nothing sends an empty body', async () => {
  const srv = await startServer();
  try {
    const a = await RawClient.open(srv.port);
    srv.sockets[0].close(undefined, 'why');
    assert.deepEqual(await a.closeFrame(), { code: 1000, reason: 'why' });
    const b = await RawClient.open(srv.port);
    srv.sockets[1].close();
    assert.equal((await b.frame(0x8)).payload.length, 0);
    a.destroy();
    b.destroy();
  } finally {
    await srv.close();
  }
});

test('terminate() destroys at once; the close event reports 1006', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    const closed = new Promise<[number, string]>((resolve) => ws.once('close', (code, r) => resolve([code, r])));
    ws.terminate();
    assert.deepEqual(await within(closed, 2000, 'close'), [1006, '']);
    await c.until(() => c.closed, 'closed');
    assert.equal(c.frames.length, 0);
  } finally {
    await srv.close();
  }
});

test('a peer that drops TCP without a Close frame gives 1006', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    c.socket.end();
    assert.equal(await within(closed, 2000, 'close'), 1006);
  } finally {
    await srv.close();
  }
});
