// Backpressure: send() returns false like stream.write, bufferedAmount, 'drain', and the
// maxBufferedAmount limit against a peer that does not read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { RawClient, startServer, within } from './support.js';

test('send() returns false when backed up, bufferedAmount grows, drain fires once the peer reads', async () => {
  const srv = await startServer({}, () => {});
  try {
    const c = await RawClient.open(srv.port);
    c.socket.pause(); // the peer stops reading
    const ws = srv.sockets[0];
    const chunk = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    // Until the kernel's buffers are full too and bytes stay queued in the process.
    while (ws.send(chunk) || ws.bufferedAmount === 0) {
      sent++;
      assert.ok(sent < 2000, 'send never returned false');
    }
    assert.ok(ws.bufferedAmount > 0);
    const drained = once(ws, 'drain');
    c.socket.resume();
    await within(drained, 5000, 'drain');
    assert.ok(ws.bufferedAmount < 64 * 1024 + 16);
    await c.until(() => c.frames.length >= sent + 1, 'all frames', 5000);
    assert.ok(c.frames.every((f) => f.payload.length === chunk.length));
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('maxBufferedAmount: sending to a peer that does not read terminates instead of growing', async () => {
  const srv = await startServer({ maxBufferedAmount: 256 * 1024 }, () => {});
  try {
    const c = await RawClient.open(srv.port);
    c.socket.pause();
    const ws = srv.sockets[0];
    const errors: { code: string }[] = [];
    ws.on('error', (e) => errors.push(e as unknown as { code: string }));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    const chunk = Buffer.alloc(32 * 1024);
    for (let i = 0; i < 1000 && ws.readyState === 1; i++) ws.send(chunk);
    assert.ok(ws.readyState !== 1, 'terminated');
    assert.equal(await within(closed, 2000, 'close'), 1006);
    assert.equal(errors[0]?.code, 'KEEL_WS_BUFFER_OVERFLOW');
    c.destroy();
  } finally {
    await srv.close();
  }
});
