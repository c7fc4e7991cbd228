// Frame encoder (RFC 6455 §5.2): header + payload, written with one write (small or masked frames,
// copied into one buffer) or one corked pair of writes (large payloads, never copied).
// Every frame we send is final (FIN set): Keel never fragments outgoing messages.

import { Buffer } from 'node:buffer';
import type { Duplex } from 'node:stream';
import { applyMask, nextMaskKey } from './mask.js';

export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

/**
 * Payloads up to this size are copied behind their header into one buffer and written once;
 * larger ones are written as header + the caller's buffer in a corked pair (one writev), which
 * avoids copying them. Below a few KiB a memcpy is cheaper than the extra write request.
 */
const MERGE_LIMIT = 4096;

/** Bytes of header for a payload of `length`: RFC 6455 §5.2 "7, 7+16, or 7+64 bits" + mask. */
function headerSize(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 65536 ? 4 : 10;
  return masked ? base + 4 : base;
}

/**
 * Writes a final-frame header at the start of `target` and returns the masking key written
 * (wire order), or -1 when unmasked.
 */
function writeHeader(target: Buffer, opcode: number, length: number, masked: boolean): number {
  target[0] = 0x80 | opcode; // FIN + opcode; RSV1-3 are 0 (no extension negotiated, §5.2)
  let offset: number;
  // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
  if (length < 126) {
    target[1] = length;
    offset = 2;
  } else if (length < 65536) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
    offset = 4;
  } else {
    target[1] = 127;
    // "the most significant bit MUST be 0": lengths stay below 2^53 here.
    target.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    target.writeUInt32BE(length >>> 0, 6);
    offset = 10;
  }
  if (!masked) return -1;
  target[1] |= 0x80;
  const key = nextMaskKey();
  target.writeUInt32BE(key, offset);
  return key;
}

/**
 * Strings of at most this many UTF-16 units encode to at most 125 bytes (3 per unit at most: a
 * surrogate pair is 2 units for 4 bytes), so their frame has a 2-byte header whatever they hold.
 */
const SHORT_STRING = 41;
const POOL_SIZE = 8192; // as Buffer.poolSize: a frame held by a slow peer pins no more than a Buffer would

/** Frames of short strings are carved out of one shared buffer, like Buffer's own pool. */
interface Utf8Writing {
  /** Buffer's own UTF-8 writer (what `write(string, offset)` calls after checking its arguments). */
  utf8Write(string: string, offset: number): number;
}
let pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let poolOffset = 0;

/**
 * A final, unmasked frame for a short string: one UTF-8 write straight behind a 2-byte header in
 * the pool, no byteLength pass and no allocation but the returned view. Only the written bytes
 * are ever exposed; a pool is never rewritten, a fresh one replaces it when full.
 */
function encodeShortString(opcode: number, payload: string): Buffer {
  if (POOL_SIZE - poolOffset < 2 + 3 * SHORT_STRING) {
    pool = Buffer.allocUnsafeSlow(POOL_SIZE);
    poolOffset = 0;
  }
  const start = poolOffset;
  const length = (pool as Buffer & Utf8Writing).utf8Write(payload, start + 2);
  pool[start] = 0x80 | opcode; // FIN + opcode, RSV1-3 0
  pool[start + 1] = length; // ≤ 125: the 7-bit length, unmasked
  const end = start + 2 + length;
  poolOffset = (end + 7) & ~7; // keep views 8-aligned
  return pool.subarray(start, end);
}

/**
 * The whole frame in one buffer (header, then the payload, masked with a fresh key when `masked`).
 * Used for control frames, strings, small payloads, client frames, and broadcast (encoded once,
 * written to every subscriber). The buffer is allocated unsafe but every byte is written.
 */
export function encodeFrame(opcode: number, payload: Buffer | string, masked: boolean): Buffer {
  if (typeof payload === 'string' && !masked && payload.length <= SHORT_STRING) return encodeShortString(opcode, payload);
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const size = headerSize(length, masked);
  const frame = Buffer.allocUnsafe(size + length);
  const key = writeHeader(frame, opcode, length, masked);
  if (typeof payload === 'string') frame.write(payload, size, 'utf8');
  else payload.copy(frame, size);
  if (masked) applyMask(frame, size, frame.length, key, 0);
  return frame;
}

/**
 * Writes one frame to `socket` and returns what `socket.write` returned (false: the socket is
 * backed up and the caller should wait for 'drain').
 */
export function writeFrame(socket: Duplex, opcode: number, payload: Buffer | string, masked: boolean): boolean {
  if (masked || typeof payload === 'string' || payload.length <= MERGE_LIMIT) {
    return socket.write(encodeFrame(opcode, payload, masked));
  }
  const header = Buffer.allocUnsafe(headerSize(payload.length, false));
  writeHeader(header, opcode, payload.length, false);
  // cork/uncork turns the two writes into one writev system call.
  socket.cork();
  socket.write(header);
  const ok = socket.write(payload);
  socket.uncork();
  return ok;
}
