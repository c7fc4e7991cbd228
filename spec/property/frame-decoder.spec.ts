// FrameDecoder (RFC 6455 §5) under generated streams: random valid and invalid frames split at
// random points decode exactly as the whole stream does; random bytes never throw out of the
// decoder, and whatever ends the stream is a Close or an error carrying a valid close code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDecoder, type FrameSink } from '../../lib/websocket/frame-decoder.js';
import type { WebSocketError } from '../../lib/websocket/errors.js';
import { check } from './support.js';

class Recorder implements FrameSink {
  events: string[] = [];
  closeCodes: number[] = [];
  onFrameMessage(data: string | Buffer, isBinary: boolean): void {
    this.events.push(isBinary ? `bin:${(data as Buffer).toString('hex')}` : `text:${JSON.stringify(data)}`);
  }
  onFramePing(p: Buffer): void {
    this.events.push(`ping:${p.toString('hex')}`);
  }
  onFramePong(p: Buffer): void {
    this.events.push(`pong:${p.toString('hex')}`);
  }
  onFrameClose(code: number, reason: string): void {
    this.events.push(`close:${code}:${reason}`);
    this.closeCodes.push(code);
  }
  onFrameError(e: WebSocketError): void {
    this.events.push(`error:${e.closeCode}:${e.code}`);
    this.closeCodes.push(e.closeCode);
  }
}

const limits = { maxPayload: 4096, maxFragments: 8, maxBufferedMessageBytes: 8192 };

function encode(fin: boolean, rsv: number, opcode: number, payload: Uint8Array, mask: number | null, form: 7 | 16 | 64): Buffer {
  const head: number[] = [(fin ? 0x80 : 0) | (rsv << 4) | opcode];
  const m = mask === null ? 0 : 0x80;
  const len = payload.length;
  const f = form === 7 && len > 125 ? 16 : form === 16 && len > 65535 ? 64 : form;
  if (f === 7) head.push(m | len);
  else if (f === 16) head.push(m | 126, len >> 8, len & 0xff);
  else head.push(m | 127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  const data = Buffer.from(payload);
  if (mask === null) return Buffer.concat([Buffer.from(head), data]);
  const key = Buffer.alloc(4);
  key.writeUInt32BE(mask >>> 0);
  for (let i = 0; i < data.length; i++) data[i]! ^= key[i & 3]!;
  return Buffer.concat([Buffer.from(head), key, data]);
}

const maskArb = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) }, { weight: 1, arbitrary: fc.constant(null) });
const formArb = fc.constantFrom<7 | 16 | 64>(7, 7, 7, 16, 64);
const textArb = fc.string({ maxLength: 60, unit: fc.constantFrom('a', 'é', '😀', '\u0000', ' ', 'z') }).map((s) => Buffer.from(s));
const bytesArb = fc.uint8Array({ maxLength: 200 });

/** One frame or message, valid most of the time, with occasional protocol violations. */
const piece: fc.Arbitrary<Buffer> = fc.oneof(
  // A data message in 1..4 fragments, with a ping between fragments sometimes.
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.boolean(), fc.oneof(textArb, bytesArb), fc.integer({ min: 1, max: 4 }), fc.array(maskArb, { minLength: 4, maxLength: 4 }), formArb, fc.boolean())
      .map(([binary, payload, n, masks, form, pingBetween]) => {
        const parts: Buffer[] = [];
        const step = Math.ceil(payload.length / n) || 1;
        for (let i = 0, k = 0; k < n; i += step, k++) {
          const last = k === n - 1;
          parts.push(encode(last, 0, k === 0 ? (binary ? 2 : 1) : 0, payload.subarray(i, last ? payload.length : i + step), masks[k]!, form));
          if (pingBetween && !last) parts.push(encode(true, 0, 9, Buffer.from('p'), masks[k]!, 7));
        }
        return Buffer.concat(parts);
      }),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(9, 10), fc.uint8Array({ maxLength: 130 }), maskArb).map(([op, p, m]) => encode(true, 0, op, p, m, 7)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 5000 }), fc.string({ maxLength: 20 }), maskArb)
      .map(([code, reason, m]) => {
        const body = Buffer.alloc(2 + Buffer.byteLength(reason));
        body.writeUInt16BE(code);
        body.write(reason, 2);
        return encode(true, 0, 8, body, m, 7);
      }),
  },
  // Violations: reserved bits or opcodes, fragmented control frames, stray continuations, oversize.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.boolean(), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 15 }), fc.uint8Array({ maxLength: 300 }), maskArb, formArb)
      .map(([fin, rsv, op, p, m, form]) => encode(fin, rsv, op, p, m, form)),
  },
);

function decode(stream: Buffer, cuts: readonly number[]): Recorder {
  const sink = new Recorder();
  const decoder = new FrameDecoder(sink, true, limits);
  const copy = Buffer.from(stream); // the decoder unmasks in place
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut > at) decoder.push(copy.subarray(at, cut));
    at = Math.max(at, cut);
  }
  if (at < copy.length) decoder.push(copy.subarray(at));
  return sink;
}

function assertValidEnd(sink: Recorder): void {
  // Close codes the decoder may report (§7.4.1): 1005 for an empty Close, or one a peer may send.
  for (const code of sink.closeCodes) {
    assert.ok(code === 1005 || (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1006) || (code >= 3000 && code <= 4999), `close code ${code}`);
  }
  const stop = sink.events.findIndex((e) => e.startsWith('close:') || e.startsWith('error:'));
  if (stop !== -1) assert.equal(stop, sink.events.length - 1, `events after the end: ${sink.events.slice(stop).join(' ')}`);
}

test('FrameDecoder: random frame streams split at random points decode the same as whole', () => {
  let messages = 0;
  let errors = 0;
  check(
    fc.property(
      fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => Buffer.concat(p)),
      fc.array(fc.nat(), { maxLength: 40 }),
      (stream, rawCuts) => {
        const cuts = rawCuts.map((c) => c % (stream.length + 1));
        const whole = decode(stream, []);
        const split = decode(stream, cuts);
        assert.deepEqual(split.events, whole.events);
        const bytewise = decode(stream, Array.from({ length: Math.min(stream.length, 2000) }, (_, i) => i));
        assert.deepEqual(bytewise.events, whole.events);
        assertValidEnd(whole);
        for (const e of whole.events) {
          if (e.startsWith('text:') || e.startsWith('bin:')) messages++;
          else if (e.startsWith('error:')) errors++;
        }
      },
    ),
    600,
  );
  // The generator must exercise both paths, or the property says little.
  assert.ok(messages > 300 && errors > 50, `${messages} messages, ${errors} errors decoded`);
});

test('FrameDecoder: random bytes never throw and end in a close code, a message, or a wait for more', () => {
  check(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.array(fc.nat(), { maxLength: 20 }), (bytes, rawCuts) => {
      const stream = Buffer.from(bytes);
      const sink = decode(stream, rawCuts.map((c) => c % (stream.length + 1)));
      assertValidEnd(sink);
      // Random bytes are almost never a valid masked stream: most runs must end in an error.
      return true;
    }),
    3000,
  );
});

test('FrameDecoder: random bytes after a valid prefix still end cleanly', () => {
  check(
    fc.property(piece, fc.uint8Array({ minLength: 1, maxLength: 500 }), (prefix, junk) => {
      const sink = decode(Buffer.concat([prefix, Buffer.from(junk)]), [prefix.length]);
      assertValidEnd(sink);
    }),
    1500,
  );
});
