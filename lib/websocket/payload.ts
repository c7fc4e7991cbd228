// Turning what users pass to send/publish/ping/close into bytes, with strict type checks: never a
// number turned into an uninitialised buffer (CVE-2016-10518, CVE-2026-45736).
import { Buffer } from 'node:buffer';

/** What `send` and `publish` accept. */
export type WebSocketData = string | Buffer | ArrayBuffer | ArrayBufferView;

/** A Buffer over the same memory as `data` (no copy), or a TypeError naming `what`. */
export function toBuffer(data: unknown, what: string): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  throw new TypeError(`${what} must be a string, Buffer, ArrayBuffer or ArrayBufferView, got ${data === null ? 'null' : typeof data}`);
}

/** `data` as a string or Buffer ready to frame; a TypeError for any other type. */
export function toPayload(data: unknown, what: string): string | Buffer {
  return typeof data === 'string' ? data : toBuffer(data, what);
}
