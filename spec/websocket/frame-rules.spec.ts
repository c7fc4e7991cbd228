// Every MUST of RFC 6455 §5 enforced by the decoder, each failure closing with its code, over a
// raw TCP client sending hand-built frames.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, closeFrame, frame, startServer } from './support.js';
import type { WebSocketOptions } from '../../lib/websocket/options.js';

function body(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code);
  b.write(reason, 2);
  return b;
}

const cases: [string, Buffer[], number, WebSocketOptions?][] = [
  ['RSV1 set', [frame(0x1, 'x', { rsv: 0x40 })], 1002],
  ['RSV2 set', [frame(0x2, 'x', { rsv: 0x20 })], 1002],
  ['RSV3 set on a ping', [frame(0x9, '', { rsv: 0x10 })], 1002],
  ['reserved data opcode 3', [frame(0x3, 'x')], 1002],
  ['reserved data opcode 7', [frame(0x7)], 1002],
  ['reserved control opcode 0xB', [frame(0xb)], 1002],
  ['reserved control opcode 0xF', [frame(0xf, 'x')], 1002],
  ['unmasked client frame', [frame(0x1, 'x', { mask: false })], 1002],
  ['fragmented ping', [frame(0x9, 'x', { fin: false })], 1002],
  ['fragmented close', [frame(0x8, body(1000), { fin: false })], 1002],
  ['ping of 126 bytes', [frame(0x9, Buffer.alloc(126))], 1002],
  ['pong with a 16-bit length form', [frame(0xa, 'x', { lengthForm: 16 })], 1002],
  ['continuation without a start', [frame(0x0, 'x')], 1002],
  ['final continuation without a start', [frame(0x0, 'x', { fin: true })], 1002],
  ['a new text message inside a fragmented one', [frame(0x1, 'a', { fin: false }), frame(0x1, 'b')], 1002],
  ['a new binary message inside a fragmented one', [frame(0x2, 'a', { fin: false }), frame(0x2, 'b', { fin: false })], 1002],
  ['64-bit length with the high bit set', [Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4])], 1002],
  ['close with a 1-byte body', [frame(0x8, Buffer.from([0x03]))], 1002],
  ['close code 999', [frame(0x8, body(999))], 1002],
  ['close code 1004', [frame(0x8, body(1004))], 1002],
  ['close code 1005', [frame(0x8, body(1005))], 1002],
  ['close code 1006', [frame(0x8, body(1006))], 1002],
  ['close code 1015', [frame(0x8, body(1015))], 1002],
  ['close code 1016', [frame(0x8, body(1016))], 1002],
  ['close code 2999', [frame(0x8, body(2999))], 1002],
  ['close code 5000', [frame(0x8, body(5000))], 1002],
  ['close code 65535', [frame(0x8, body(65535))], 1002],
  ['close reason with invalid UTF-8', [frame(0x8, Buffer.concat([body(1000), Buffer.from([0xc3, 0x28])]))], 1007],
  ['text with invalid UTF-8', [frame(0x1, Buffer.from([0x61, 0xff]))], 1007],
  ['frame over maxPayload', [frame(0x2, Buffer.alloc(101))], 1009, { maxPayload: 100 }],
  ['message over maxPayload in fragments', [frame(0x2, Buffer.alloc(60), { fin: false }), frame(0x0, Buffer.alloc(41))], 1009, { maxPayload: 100 }],
  ['declared 64-bit length far over the limit', [Buffer.from([0x82, 0xff, 0, 0, 0x10, 0, 0, 0, 0, 0])], 1009],
  ['more fragments than maxFragments (empty ones count)', [frame(0x2, '', { fin: false }), frame(0x0, '', { fin: false }), frame(0x0, '', { fin: false })], 1009, { maxFragments: 2 }],
];

for (const [name, bytes, code, options] of cases) {
  test(`${name} → close ${code}, then the server ends TCP`, async () => {
    const srv = await startServer(options);
    try {
      const c = await RawClient.open(srv.port);
      const ws = await Promise.resolve(srv.sockets[0]);
      const closed = new Promise<number>((resolve) => ws.once('close', resolve));
      const errors: unknown[] = [];
      ws.on('error', (e) => errors.push(e));
      c.send(bytes);
      const close = await c.closeFrame();
      assert.equal(close.code, code);
      await c.waitEnd();
      c.destroy();
      await closed;
      assert.equal(errors.length, 1);
      assert.equal((errors[0] as { closeCode: number }).closeCode, code);
      assert.match((errors[0] as { code: string }).code, /^KEEL_WS_/);
    } finally {
      await srv.close();
    }
  });
}

test('a frame exactly at maxPayload and a 125-byte ping are fine', async () => {
  const srv = await startServer({ maxPayload: 100 });
  try {
    const c = await RawClient.open(srv.port);
    c.send([frame(0x9, Buffer.alloc(125, 1)), frame(0x2, Buffer.alloc(100, 2))]);
    assert.equal((await c.frame(0xa)).payload.length, 125);
    assert.equal((await c.frame(0x2)).payload.length, 100);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('the 64-bit and 16-bit length forms are accepted even when not minimal', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    c.send([frame(0x1, 'sixteen', { lengthForm: 16 }), frame(0x1, 'sixty-four', { lengthForm: 64 })]);
    assert.equal((await c.frame(0x1)).payload.toString(), 'sixteen');
    assert.equal((await c.frame(0x1)).payload.toString(), 'sixty-four');
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('valid close codes are echoed and the server closes TCP first', async () => {
  for (const code of [1000, 1001, 1003, 1007, 1011, 1012, 1014, 3000, 4999]) {
    const srv = await startServer();
    try {
      const c = await RawClient.open(srv.port);
      const ws = srv.sockets[0];
      const closed = new Promise<[number, string]>((resolve) => ws.once('close', (c2, r) => resolve([c2, r])));
      c.send(closeFrame(code, 'bye'));
      assert.equal((await c.closeFrame()).code, code);
      await c.waitEnd();
      c.socket.end();
      assert.deepEqual(await closed, [code, 'bye']);
    } finally {
      await srv.close();
    }
  }
});

test('an empty close is answered with an empty close; the event reports 1005', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const ws = srv.sockets[0];
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    c.send(closeFrame());
    const f = await c.frame(0x8);
    assert.equal(f.payload.length, 0);
    await c.waitEnd();
    c.socket.end();
    assert.equal(await closed, 1005);
  } finally {
    await srv.close();
  }
});
