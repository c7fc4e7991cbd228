// Chunking over real sockets: the same client byte stream, written in seeded random pieces (each
// its own TCP write, with a pause so they arrive apart), gives the same echoed messages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, closeFrame, frame, startServer } from './support.js';

const text = 'ünïcödé ✓ 𝄞 split';
const bytes = Buffer.from(text);
const stream = Buffer.concat([
  frame(0x1, 'one'),
  frame(0x1, bytes.subarray(0, 5), { fin: false }),
  frame(0x9, 'p'),
  frame(0x0, bytes.subarray(5, 13), { fin: false }),
  frame(0x0, bytes.subarray(13)),
  frame(0x2, Buffer.alloc(300, 0xab), { key: 0x01020304 }),
  frame(0x1, 'x'.repeat(70_000)),
  frame(0x2, Buffer.alloc(0)),
  closeFrame(1000, 'end'),
]);

function xorshift(seed: number): () => number {
  return () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
}

for (const seed of [1, 7, 42, 1234, 99991]) {
  test(`seeded random TCP pieces (seed ${seed}) give the same messages`, async () => {
    const srv = await startServer();
    try {
      const c = await RawClient.open(srv.port);
      const random = xorshift(seed);
      let at = 0;
      let writes = 0;
      while (at < stream.length) {
        // Mostly tiny pieces, sometimes large ones, so headers, masks and payloads all get cut.
        const size = random() < 0.8 ? 1 + Math.floor(random() * 7) : 1 + Math.floor(random() * 20_000);
        c.socket.write(stream.subarray(at, at + size));
        at += size;
        if (++writes % 4 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      const close = await c.closeFrame(5000);
      assert.deepEqual(close, { code: 1000, reason: 'end' });
      const data = c.frames.filter((f) => f.opcode === 0x1 || f.opcode === 0x2);
      assert.deepEqual(
        data.map((f) => (f.opcode === 0x1 ? f.payload.toString() : `bin:${f.payload.length}:${f.payload[0] ?? ''}`)),
        ['one', text, 'bin:300:171', 'x'.repeat(70_000), 'bin:0:'],
      );
      assert.equal(c.frames.filter((f) => f.opcode === 0xa).length, 1);
      await c.waitEnd();
    } finally {
      await srv.close();
    }
  });
}
