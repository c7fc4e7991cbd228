// UTF-8 validation of text (RFC 6455 §8.1): the incremental validator against edge cases, split at
// every point, and fail-fast behaviour over a real socket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { UTF8_ACCEPT, UTF8_REJECT, validateUtf8, isValidUtf8 } from '../../lib/websocket/utf8.js';
import { RawClient, frame, startServer } from './support.js';

const valid: [string, number[]][] = [
  ['ASCII', [0x41, 0x7f]],
  ['2-byte lowest U+0080', [0xc2, 0x80]],
  ['2-byte highest U+07FF', [0xdf, 0xbf]],
  ['3-byte lowest U+0800', [0xe0, 0xa0, 0x80]],
  ['U+D7FF before the surrogates', [0xed, 0x9f, 0xbf]],
  ['U+E000 after the surrogates', [0xee, 0x80, 0x80]],
  ['U+FFFF', [0xef, 0xbf, 0xbf]],
  ['4-byte lowest U+10000', [0xf0, 0x90, 0x80, 0x80]],
  ['U+10FFFF', [0xf4, 0x8f, 0xbf, 0xbf]],
  ['BOM and U+FFFE noncharacter', [0xef, 0xbb, 0xbf, 0xef, 0xbf, 0xbe]],
  ['NUL', [0x00]],
];

const invalid: [string, number[]][] = [
  ['overlong NUL C0 80', [0xc0, 0x80]],
  ['overlong C1 BF', [0xc1, 0xbf]],
  ['overlong 3-byte E0 80 80', [0xe0, 0x80, 0x80]],
  ['overlong 3-byte E0 9F BF', [0xe0, 0x9f, 0xbf]],
  ['overlong 4-byte F0 80 80 80', [0xf0, 0x80, 0x80, 0x80]],
  ['overlong 4-byte F0 8F BF BF', [0xf0, 0x8f, 0xbf, 0xbf]],
  ['high surrogate U+D800', [0xed, 0xa0, 0x80]],
  ['low surrogate U+DFFF', [0xed, 0xbf, 0xbf]],
  ['surrogate pair encoded as CESU-8', [0xed, 0xa0, 0xbd, 0xed, 0xb2, 0xa9]],
  ['above U+10FFFF: F4 90 80 80', [0xf4, 0x90, 0x80, 0x80]],
  ['F5 lead', [0xf5, 0x80, 0x80, 0x80]],
  ['FF byte', [0xff]],
  ['FE byte', [0xfe]],
  ['lone continuation', [0x80]],
  ['truncated 2-byte', [0xc3]],
  ['truncated 3-byte', [0xe2, 0x82]],
  ['truncated 4-byte', [0xf0, 0x9f, 0x98]],
  ['lead followed by ASCII', [0xc3, 0x41]],
  ['5-byte form', [0xf8, 0x88, 0x80, 0x80, 0x80]],
];

test('valid sequences are accepted whole and split at every point', () => {
  for (const [name, bytes] of valid) {
    const b = Buffer.from([0x61, ...bytes, 0x62]);
    assert.equal(isValidUtf8(b), true, name);
    for (let cut = 0; cut <= b.length; cut++) {
      const s = validateUtf8(UTF8_ACCEPT, b, 0, cut);
      assert.notEqual(s, UTF8_REJECT, `${name} @${cut}`);
      assert.equal(validateUtf8(s, b, cut, b.length), UTF8_ACCEPT, `${name} @${cut}`);
    }
  }
});

test('invalid sequences are rejected whole and split at every point', () => {
  for (const [name, bytes] of invalid) {
    const b = Buffer.from([0x61, ...bytes]);
    assert.equal(isValidUtf8(b), false, name);
    for (let cut = 0; cut <= b.length; cut++) {
      const s = validateUtf8(UTF8_ACCEPT, b, 0, cut);
      const end = s === UTF8_REJECT ? s : validateUtf8(s, b, cut, b.length);
      assert.notEqual(end, UTF8_ACCEPT, `${name} @${cut}`);
    }
  }
});

test('agrees with Node on every 1-3 byte sequence and random 4-byte ones (native path too)', () => {
  const b = Buffer.alloc(3);
  for (let x = 0; x < 256; x++) {
    for (let y = 0; y < 256; y++) {
      for (const z of [0x00, 0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xe0, 0xf0, 0xff]) {
        b[0] = x;
        b[1] = y;
        b[2] = z;
        assert.equal(isValidUtf8(b), isUtf8(b), b.toString('hex'));
      }
    }
  }
  let seed = 12345;
  const big = Buffer.alloc(300, 0x61); // long enough for the native path
  for (let i = 0; i < 20000; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const at = 296 - (seed % 5);
    big.writeUInt32BE((Math.imul(seed, 2654435761) | 0x80000000) >>> 0, at);
    assert.equal(isValidUtf8(big), isUtf8(big), big.subarray(at, at + 4).toString('hex'));
    big.fill(0x61);
  }
});

test('fail fast: an invalid first fragment closes with 1007 before the rest is sent', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    c.send(frame(0x1, Buffer.from([0x68, 0x69, 0xed, 0xa0, 0x80]), { fin: false }));
    assert.equal((await c.closeFrame()).code, 1007);
    await c.waitEnd();
  } finally {
    await srv.close();
  }
});

test('fail fast inside one frame: 1007 while most of its payload is still to come', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const payload = Buffer.alloc(10_000, 0x61);
    payload[10] = 0xc0;
    c.send(frame(0x1, payload).subarray(0, 100)); // header + 92 bytes of 10,000
    assert.equal((await c.closeFrame()).code, 1007);
    await c.waitEnd();
  } finally {
    await srv.close();
  }
});

test('a character split across fragments (and a ping between them) is accepted', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    const clef = Buffer.from('𝄞'); // F0 9D 84 9E
    c.send([
      frame(0x1, clef.subarray(0, 1), { fin: false }),
      frame(0x0, clef.subarray(1, 3), { fin: false }),
      frame(0x9, 'between'),
      frame(0x0, clef.subarray(3)),
    ]);
    assert.equal((await c.frame(0xa)).payload.toString(), 'between');
    assert.equal((await c.frame(0x1)).payload.toString(), '𝄞');
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('a message ending inside a character closes with 1007', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    c.send([frame(0x1, Buffer.from([0x61, 0xf0, 0x9d]), { fin: false }), frame(0x0, Buffer.from([0x84]))]);
    assert.equal((await c.closeFrame()).code, 1007);
  } finally {
    await srv.close();
  }
});

test('binary messages are not checked', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port);
    c.send(frame(0x2, Buffer.from([0xff, 0xc0, 0xed, 0xa0, 0x80])));
    assert.deepEqual([...(await c.frame(0x2)).payload], [0xff, 0xc0, 0xed, 0xa0, 0x80]);
    c.destroy();
  } finally {
    await srv.close();
  }
});
