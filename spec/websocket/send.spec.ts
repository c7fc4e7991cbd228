// send(): what it accepts, how it frames it, and what it refuses (TypeError, never a buffer of
// uninitialised memory).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, startServer } from './support.js';

test('strings are text, buffers and views binary; options.binary overrides; lengths in all three forms', async () => {
  const srv = await startServer({}, () => {});
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    ws.send('héllo');
    ws.send(Buffer.from([1, 2]));
    ws.send(new Uint16Array([0x0102]));
    ws.send(new ArrayBuffer(3));
    ws.send('bin', { binary: true });
    ws.send(Buffer.from('txt'), { binary: false });
    ws.send('x'.repeat(126));
    ws.send(Buffer.alloc(65535, 1));
    ws.send(Buffer.alloc(65536, 2));
    ws.send(Buffer.alloc(5000, 3));
    const expect: [number, number][] = [
      [1, 6], [2, 2], [2, 2], [2, 3], [2, 3], [1, 3], [1, 126], [2, 65535], [2, 65536], [2, 5000],
    ];
    for (const [opcode, length] of expect) {
      const f = await c.frame();
      assert.equal(f.opcode, opcode);
      assert.equal(f.payload.length, length);
      assert.equal(f.fin, true);
      assert.equal(f.rsv, 0);
      assert.equal(f.masked, false);
    }
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('send() refuses numbers, objects, null, and invalid UTF-8 as text', async () => {
  const srv = await startServer({}, () => {});
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    for (const bad of [100, {}, null, undefined, true, [1, 2]]) {
      assert.throws(() => ws.send(bad as unknown as string), TypeError, String(bad));
    }
    assert.throws(() => ws.send(Buffer.from([0xff]), { binary: false }), TypeError);
    ws.send('after');
    assert.equal((await c.frame()).payload.toString(), 'after');
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('send() on a closed socket returns false and sends nothing', async () => {
  const srv = await startServer({}, () => {});
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    const closed = new Promise((r) => ws.once('close', r));
    c.destroy();
    await closed;
    assert.equal(ws.send('x'), false);
    assert.equal(ws.ping(), false);
    ws.close(); // no throw
  } finally {
    await srv.close();
  }
});

test('readyState constants on the class and instances', async () => {
  const { WebSocket } = await import('../../lib/websocket/websocket.js');
  assert.deepEqual([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED], [0, 1, 2, 3]);
  const srv = await startServer({}, () => {});
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    assert.deepEqual([ws.CONNECTING, ws.OPEN, ws.CLOSING, ws.CLOSED, ws.readyState], [0, 1, 2, 3, 1]);
    assert.equal(ws.protocol, '');
    assert.equal(ws.bufferedAmount, 0);
    c.destroy();
  } finally {
    await srv.close();
  }
});
