// applyMask (RFC 6455 §5.3) against the byte-by-byte definition: every length around the word
// threshold, every phase, unaligned starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMask } from '../../lib/websocket/mask.js';

function reference(buf: Uint8Array, start: number, end: number, key: number, phase: number): void {
  // §5.3: "j = i MOD 4; transformed-octet-i = original-octet-i XOR masking-key-octet-j"
  for (let i = start; i < end; i++) buf[i] ^= (key >>> (24 - 8 * ((i - start + phase) & 3))) & 0xff;
}

test('applyMask equals the §5.3 definition for all lengths, phases and offsets', () => {
  const source = Buffer.alloc(700);
  for (let i = 0; i < source.length; i++) source[i] = (i * 131 + 7) & 0xff;
  const key = 0x9a3c51e7;
  for (const length of [0, 1, 2, 3, 4, 5, 7, 31, 32, 33, 125, 255, 256, 257, 300, 600]) {
    for (const start of [0, 1, 2, 3, 6]) {
      for (let phase = 0; phase < 4; phase++) {
        const expected = Buffer.from(source);
        const actual = Buffer.from(source);
        reference(expected, start, start + length, key, phase);
        applyMask(actual, start, start + length, key, phase);
        assert.ok(actual.equals(expected), `length ${length}, start ${start}, phase ${phase}`);
      }
    }
  }
});

test('applying the mask twice gives the original back', () => {
  const original = Buffer.from('masking is its own inverse: '.repeat(20));
  const copy = Buffer.from(original);
  applyMask(copy, 0, copy.length, 0x01020304, 0);
  assert.ok(!copy.equals(original));
  applyMask(copy, 0, copy.length, 0x01020304, 0);
  assert.ok(copy.equals(original));
});
