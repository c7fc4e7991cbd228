// FrameDecoder as a unit: the same byte stream split at every byte, or at seeded random points,
// gives the same messages; pieces are not pinned; limits count what is held.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameDecoder, type FrameSink } from '../../lib/websocket/frame-decoder.js';
import type { WebSocketError } from '../../lib/websocket/errors.js';
import { frame } from './support.js';

class Recorder implements FrameSink {
  events: string[] = [];
  onFrameMessage(data: string | Buffer, isBinary: boolean): void {
    this.events.push(isBinary ? `bin:${(data as Buffer).toString('hex')}` : `text:${data as string}`);
  }
  onFramePing(p: Buffer): void {
    this.events.push(`ping:${p.toString('hex')}`);
  }
  onFramePong(p: Buffer): void {
    this.events.push(`pong:${p.toString('hex')}`);
  }
  onFrameClose(code: number, reason: string): void {
    this.events.push(`close:${code}:${reason}`);
  }
  onFrameError(e: WebSocketError): void {
    this.events.push(`error:${e.closeCode}:${e.code}`);
  }
}

const limits = { maxPayload: 1 << 20, maxFragments: 100, maxBufferedMessageBytes: 1 << 21 };

function run(input: Buffer, cuts: number[], options = limits): string[] {
  const sink = new Recorder();
  const decoder = new FrameDecoder(sink, true, options);
  const copy = Buffer.from(input); // the decoder unmasks in place
  let at = 0;
  for (const cut of [...cuts, copy.length]) {
    if (cut > at) decoder.push(copy.subarray(at, cut));
    at = Math.max(at, cut);
  }
  return sink.events;
}

// A stream with every kind of frame: multi-byte text split inside a character across fragments,
// a ping between fragments, 16-bit and 64-bit lengths, empty frames, and a close.
const text = 'héllo wörld ✓ 𝄞 end';
const textBytes = Buffer.from(text);
const stream = Buffer.concat([
  frame(0x1, 'first'),
  frame(0x1, textBytes.subarray(0, 8), { fin: false, key: 0x01020304 }),
  frame(0x9, 'mid', { key: 0xdeadbeef }),
  frame(0x0, textBytes.subarray(8, 17), { fin: false, key: 0xa1b2c3d4 }),
  frame(0x0, Buffer.alloc(0), { fin: false }),
  frame(0x0, textBytes.subarray(17), { key: 0x11223344 }),
  frame(0x2, Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff)), { key: 0x0badf00d }),
  frame(0x2, Buffer.alloc(0)),
  frame(0x1, 'sixty-four bit form', { lengthForm: 64 }),
  frame(0xa, Buffer.from([1, 2, 3])),
  frame(0x2, Buffer.alloc(40, 9), { fin: false }),
  frame(0x0, Buffer.alloc(45, 8)),
  frame(0x8, Buffer.from([0x03, 0xe8, 0x6f, 0x6b])),
  frame(0x1, 'after close is ignored'),
]);

const expected = run(stream, []);

test('the reference stream decodes to the expected events', () => {
  assert.deepEqual(expected, [
    'text:first',
    `ping:${Buffer.from('mid').toString('hex')}`,
    `text:${text}`,
    `bin:${Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff)).toString('hex')}`,
    'bin:',
    'text:sixty-four bit form',
    'pong:010203',
    `bin:${Buffer.concat([Buffer.alloc(40, 9), Buffer.alloc(45, 8)]).toString('hex')}`,
    'close:1000:ok',
  ]);
});

test('split once at every byte: same events', () => {
  for (let i = 1; i < stream.length; i++) assert.deepEqual(run(stream, [i]), expected, `split at ${i}`);
});

test('one byte per chunk: same events', () => {
  assert.deepEqual(run(stream, Array.from({ length: stream.length }, (_, i) => i)), expected);
});

test('seeded random splits: same events', () => {
  let seed = 0x2545f491;
  const random = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  for (let round = 0; round < 300; round++) {
    const cuts: number[] = [];
    let at = 0;
    while (at < stream.length) {
      at += 1 + Math.floor(random() * (random() < 0.5 ? 4 : 64));
      cuts.push(at);
    }
    assert.deepEqual(run(stream, cuts), expected, `cuts ${cuts.join(',')}`);
  }
});

test('a large masked frame split into odd chunks is unmasked correctly (word-at-a-time path)', () => {
  const payload = Buffer.alloc(100_003);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
  const bytes = frame(0x2, payload, { key: 0x9a8b7c6d });
  const cuts = [3, 9, 10, 1000, 1001, 4097, 50_000, 77_777];
  assert.deepEqual(run(bytes, cuts), [`bin:${payload.toString('hex')}`]);
});

test('tiny fragments are copied, not pinned: held memory stays near the payload size', () => {
  const sink = new Recorder();
  const decoder = new FrameDecoder(sink, true, { maxPayload: 1 << 20, maxFragments: 10_000, maxBufferedMessageBytes: 64 * 1024 });
  // Each chunk: a 1-byte fragment followed by a 4 KiB run of pings; were fragments kept as views,
  // each would pin its whole chunk (about 4.1 KiB) and 64 KiB would be exceeded after 16.
  const pings = Buffer.concat(Array.from({ length: 32 }, () => frame(0x9, Buffer.alloc(120))));
  decoder.push(frame(0x2, Buffer.from([0]), { fin: false }));
  for (let i = 0; i < 1000; i++) decoder.push(Buffer.concat([frame(0x0, Buffer.from([i & 0xff]), { fin: false }), pings]));
  decoder.push(frame(0x0, Buffer.from([0xff])));
  const messages = sink.events.filter((e) => e.startsWith('bin:') || e.startsWith('error'));
  assert.equal(messages.length, 1);
  assert.equal(messages[0].length, 4 + 1002 * 2);
});

test('maxBufferedMessageBytes fails a message that holds too much, with 1009', () => {
  const sink = new Recorder();
  const decoder = new FrameDecoder(sink, true, { maxPayload: 1 << 20, maxFragments: 10_000, maxBufferedMessageBytes: 10_000 });
  decoder.push(frame(0x2, Buffer.alloc(6000), { fin: false }));
  decoder.push(frame(0x0, Buffer.alloc(6000), { fin: false }));
  assert.deepEqual(sink.events, ['error:1009:KEEL_WS_TOO_MUCH_BUFFERED']);
});

test('the size limit is checked on the header, before the payload arrives', () => {
  const sink = new Recorder();
  const decoder = new FrameDecoder(sink, true, { ...limits, maxPayload: 1000 });
  decoder.push(frame(0x2, Buffer.alloc(5000)).subarray(0, 8));
  assert.deepEqual(sink.events, ['error:1009:KEEL_WS_MESSAGE_TOO_LARGE']);
});

test('a client-side decoder rejects masked frames and accepts unmasked ones', () => {
  const sink = new Recorder();
  const decoder = new FrameDecoder(sink, false, limits);
  decoder.push(frame(0x1, 'plain', { mask: false }));
  decoder.push(frame(0x1, 'masked'));
  assert.deepEqual(sink.events, ['text:plain', 'error:1002:KEEL_WS_MASKED_FRAME']);
});

test('input after an error is ignored', () => {
  const sink = new Recorder();
  const decoder = new FrameDecoder(sink, true, limits);
  decoder.push(Buffer.concat([frame(0x3), frame(0x1, 'never')]));
  decoder.push(frame(0x1, 'never either'));
  assert.deepEqual(sink.events, ['error:1002:KEEL_WS_RESERVED_OPCODE']);
});
