// murmur3x86_128(): the digests of the reference MurmurHash3_x86_128 (seed 0). The expected values
// were computed with an independent implementation (the npm package murmurhash3js 3.0.1,
// x86.hash128, which prints h1..h4 as eight hex digits each); the inputs cover every tail length
// branch (0-15 bytes after the 16-byte blocks) and more than one block.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur3x86_128 } from '../../lib/http/murmur3.js';

const FOX = 'The quick brown fox jumps over the lazy dog';
const VECTORS: Array<[number, string]> = [
  [0, '00000000000000000000000000000000'],
  [1, '312658d4d32cba11d32cba11d32cba11'],
  [2, 'ee15ba685ea9dec05ea9dec05ea9dec0'],
  [3, '41d0bf79d27be85ed27be85ed27be85e'],
  [4, '00251e65aa6e1ea2aa6e1ea2aa6e1ea2'],
  [5, '392b67e0b9c452b8bfcc773cbfcc773c'],
  [8, '66b6c80ac96f1f6d6d8a09806d8a0980'],
  [9, 'bac5d673cbc4cff3deb68d0969c8528f'],
  [12, 'c628765f4e4398a8ebb5df5e5b59e222'],
  [13, 'e3c36e462fda1565cea4d9577990934f'],
  [15, 'cad356cfebdbe4935f9fcb222cc8a286'],
  [16, '05af2e9885dc9f007a560e931005cf2a'],
  [17, '315057c366c13ca3828c6941b7707639'],
  [31, '9756d6dd03ee8189b6d1f56e23a827f6'],
  [32, '7fc78aad2d537202102e762c393ef0c1'],
  [43, '2f1583c3ecee2c675d7bf66ce5e91d2c'],
];

function hex(bytes: Uint8Array, length = bytes.length): string {
  const out = new Int32Array(4);
  murmur3x86_128(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), length, out);
  return Array.from(out, (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}

test('MurmurHash3_x86_128 digests match the reference for every tail length', () => {
  for (const [n, expected] of VECTORS) assert.equal(hex(Buffer.from(FOX.slice(0, n))), expected, `${n} bytes`);
  // Bytes past 0x7f (UTF-8 of non-ASCII text) are hashed as unsigned bytes.
  assert.equal(hex(Buffer.from('Grüße, 世界 😀 '.repeat(3))), '8d2c42e7de4ae8a6c4b90e416869d7f2');
});

test('only the first `length` bytes count, wherever the bytes sit in their ArrayBuffer', () => {
  const padded = Buffer.concat([Buffer.from('xyz'), Buffer.from(FOX), Buffer.from('trailing')]);
  const inner = padded.subarray(3, 3 + FOX.length); // an odd byteOffset: DataView reads stay exact
  assert.equal(hex(inner), VECTORS.at(-1)![1]);
  assert.equal(hex(Buffer.from(FOX + 'trailing'), FOX.length), VECTORS.at(-1)![1]);
});
