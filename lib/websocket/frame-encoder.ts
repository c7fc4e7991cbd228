// Frame encoder (RFC 6455 §5.2): header + payload, written with one write (small or masked frames,
// copied into one buffer) or one corked pair of writes (large payloads, never copied).
// Every frame we send is final (FIN set): Keel never fragments outgoing messages.

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
 * The whole frame in one buffer (header, then the payload, masked with a fresh key when `masked`).
 * Used for control frames, strings, small payloads, client frames, and broadcast (encoded once,
 * written to every subscriber). The buffer is allocated unsafe but every byte is written.
 */
export function encodeFrame(opcode: number, payload: Buffer | string, masked: boolean): Buffer {
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
