// encodeFrame (RFC 6455 §5.2) for strings: the short-string path (pooled, ≤ 41 UTF-16 units) and
// the general path must give the same frames; pooled frames stay intact after the pool moves on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, OPCODE_BINARY, OPCODE_TEXT } from '../../lib/websocket/frame-encoder.js';

/** The frame by the definition: FIN + opcode, 7/16-bit length, UTF-8 payload, unmasked. */
function expectedFrame(opcode: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

test('short and long strings encode as the definition says, whatever they hold', () => {
  const samples = ['', 'a', 'x'.repeat(32), 'x'.repeat(41), 'x'.repeat(42), 'é'.repeat(41), '☃'.repeat(41), '😀'.repeat(20) + 'z', '\ud800 lone', 'y'.repeat(300)];
  for (const text of samples) {
    for (const opcode of [OPCODE_TEXT, OPCODE_BINARY]) {
      assert.ok(encodeFrame(opcode, text, false).equals(expectedFrame(opcode, text)), `${JSON.stringify(text.slice(0, 10))} (${text.length})`);
    }
  }
});

test('a 41-unit string of 3-byte characters fills exactly 123 bytes, within the 7-bit length', () => {
  const frame = encodeFrame(OPCODE_TEXT, '☃'.repeat(41), false);
  assert.equal(frame[1], 123);
  assert.equal(frame.length, 125);
});

test('frames taken from the pool are not overwritten by later frames', () => {
  const frames: Buffer[] = [];
  const texts: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const text = `message ${i} ${'ü'.repeat(i % 30)}`;
    texts.push(text);
    frames.push(encodeFrame(OPCODE_TEXT, text, false));
  }
  for (let i = 0; i < frames.length; i++) assert.ok(frames[i].equals(expectedFrame(OPCODE_TEXT, texts[i])), `frame ${i}`);
});
