// Micro benchmarks, in one process (the runner pins it to core 0): Keel's cookie parser and
// serializer against the `cookie` package, Keel's frame decoder/encoder against ws's
// Receiver/Sender, and route matching on 100 and 1,000 routes. Pairs are sampled alternately
// (A B A B ...) after a warm-up; each figure is the median of same-pair ratios (Keel / peer).
// Sends the results to the runner over IPC (or prints them as JSON when run alone).  Usage: node micro.mjs [--quick]
import { parse as cookieParse, serialize as cookieSerialize } from 'cookie';
import { Receiver, Sender } from 'ws';
import { match as ptrMatch } from 'path-to-regexp';
import { parseCookie, serializeCookie, Router } from '../../dist/lib/index.js';
import { FrameDecoder } from '../../dist/lib/websocket/frame-decoder.js';
import { writeFrame, OPCODE_BINARY, OPCODE_TEXT } from '../../dist/lib/websocket/frame-encoder.js';
import { compilePath } from '../../dist/lib/router/path.js';
import { median } from './rounds.mjs';

const quick = process.argv.includes('--quick');
const SAMPLE_MS = quick ? 25 : 60;
const SAMPLES = quick ? 5 : 9;
const WARM_MS = quick ? 100 : 300;

let sink = 0; // results feed this so no call is optimised away

// Each benchmark function runs its own loop (`fn(n)` does n operations), so every loop has its own
// type feedback: a shared loop calling many functions would be polymorphic and favour the first.
function calibrate(fn) {
  let n = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    fn(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= SAMPLE_MS / 4) return Math.max(1, Math.round((n * SAMPLE_MS) / ms));
    n *= 2;
  }
}
function sample(fn, n) {
  const t0 = process.hrtime.bigint();
  fn(n);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}
function warm(fn) {
  const end = Date.now() + WARM_MS;
  while (Date.now() < end) fn(100);
}

/** Ops/s of each function and the median ratio of each to the first one (the reference). */
function compare(fns) {
  const names = Object.keys(fns);
  for (const k of names) warm(fns[k]);
  const n = Object.fromEntries(names.map((k) => [k, calibrate(fns[k])]));
  const rates = Object.fromEntries(names.map((k) => [k, []]));
  for (let s = 0; s < SAMPLES; s++) {
    const order = s % 2 ? [...names].reverse() : names;
    for (const k of order) rates[k].push(sample(fns[k], n[k]));
  }
  const ref = names[0];
  const out = {};
  for (const k of names) {
    const ratios = rates[k].map((r, i) => r / rates[ref][i]);
    out[k] = { opsPerSec: median(rates[k]), ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) } };
  }
  return out;
}

const results = {};

// --- cookies ----------------------------------------------------------------------------------
const headers = {
  simple: 'sid=abc123',
  '10 cookies': Array.from({ length: 10 }, (_, i) => `name${i}=value${i}`).join('; '),
  '100 cookies': Array.from({ length: 100 }, (_, i) => `name${i}=value%20${i}`).join('; '),
};
for (const [label, header] of Object.entries(headers)) {
  results[`parse ${label}`] = compare({
    cookie: (n) => { for (let i = 0; i < n; i++) { sink += Object.keys(cookieParse(header)).length; } },
    keel: (n) => { for (let i = 0; i < n; i++) { sink += Object.keys(parseCookie(header)).length; } },
  });
}
const serializeCases = {
  simple: ['sid', 'abc123', undefined],
  attributes: ['sid', 'abc 123', { httpOnly: true, secure: true, path: '/', maxAge: 3600, sameSite: 'lax' }],
};
for (const [label, [name, value, options]] of Object.entries(serializeCases)) {
  results[`serialize ${label}`] = compare({
    cookie: (n) => { for (let i = 0; i < n; i++) { sink += cookieSerialize(name, value, options).length; } },
    keel: (n) => { for (let i = 0; i < n; i++) { sink += serializeCookie(name, value, options).length; } },
  });
}

// --- WebSocket frames ---------------------------------------------------------------------------
function maskedFrame(opcode, payload) {
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const frames = Sender.frame(payload, { fin: true, opcode, mask: true, maskBuffer: key, readOnly: false, rsv1: false, generateMask: () => key });
  return Buffer.concat(frames);
}
const small = Buffer.alloc(32, 'x');
const large = Buffer.alloc(64 * 1024, 0xa5);
const batchSmall = Buffer.concat(Array.from({ length: 100 }, () => maskedFrame(OPCODE_TEXT, small)));
const oneLarge = maskedFrame(OPCODE_BINARY, large);
const limits = { maxPayload: 100 * 1024 * 1024, maxFragments: 1000, maxBufferedMessageBytes: 100 * 1024 * 1024 };
const keelSink = {
  onFrameMessage(data) { sink += data.length; },
  onFramePing() {}, onFramePong() {}, onFrameClose() {},
  onFrameError(e) { throw e; },
};
const keelDecoder = new FrameDecoder(keelSink, true, limits);
const wsReceiver = new Receiver({ isServer: true, maxPayload: 100 * 1024 * 1024, binaryType: 'nodebuffer', allowSynchronousEvents: true });
wsReceiver.on('message', (data) => { sink += data.length; });
wsReceiver.on('error', (e) => { throw e; });
// Both decoders unmask in place, so each call gets a fresh copy of the input (same cost for both).
for (const [label, input] of [['100 × 32 B text frames', batchSmall], ['one 64 KiB binary frame', oneLarge]]) {
  results[`decode ${label}`] = compare({
    ws: (n) => { for (let i = 0; i < n; i++) { wsReceiver.write(Buffer.from(input)); } },
    keel: (n) => { for (let i = 0; i < n; i++) { keelDecoder.push(Buffer.from(input)); } },
  });
}
// Encoders: a server frame (unmasked) written to a socket that accepts everything.
const nullSocket = { write(b) { sink += b.length; return true; }, cork() {}, uncork() {} };
const smallText = 'x'.repeat(32);
for (const [label, opcode, payload] of [['32 B text', OPCODE_TEXT, smallText], ['64 KiB binary', OPCODE_BINARY, large]]) {
  results[`encode ${label}`] = compare({
    ws: (n) => {
      for (let i = 0; i < n; i++) {
        const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
        const list = Sender.frame(data, { fin: true, opcode, mask: false, readOnly: true, rsv1: false });
        if (list.length === 1) nullSocket.write(list[0]);
        else { nullSocket.cork(); nullSocket.write(list[0]); nullSocket.write(list[1]); nullSocket.uncork(); }
      }
    },
    keel: (n) => { for (let i = 0; i < n; i++) { writeFrame(nullSocket, opcode, payload, false); } },
  });
}

// --- route matching ---------------------------------------------------------------------------
// The last of n routes '/r{i}/:id' is requested: a scan over path-to-regexp matchers (Express 5's
// and @koa/router's engine), a scan over Keel's compilePath matchers, and Keel's Router (indexed).
for (const count of [100, 1000]) {
  const target = `/r${count - 1}/42`;
  const ptr = Array.from({ length: count }, (_, i) => ptrMatch(`/r${i}/:id`, { decode: decodeURIComponent }));
  const keel = Array.from({ length: count }, (_, i) => compilePath(`/r${i}/:id`, { end: true, caseSensitive: false, strict: false }));
  const router = Router();
  let found = '';
  for (let i = 0; i < count; i++) router.get(`/r${i}/:id`, (req) => { found = req.params.id; });
  const fakeRes = {};
  const done = () => {};
  results[`match ${count} routes`] = compare({
    'path-to-regexp scan': (n) => {
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < ptr.length; i++) { const m = ptr[i](target); if (m) { sink += m.params.id.length; break; } }
      }
    },
    'keel compilePath scan': (n) => {
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < keel.length; i++) { const m = keel[i].match(target); if (m) { sink += m.params.id.length; break; } }
      }
    },
    'keel Router': (n) => {
      for (let k = 0; k < n; k++) {
        router({ method: 'GET', url: target, baseUrl: '', originalUrl: target, params: {} }, fakeRes, done);
        sink += found.length;
      }
    },
  });
  if (found !== '42') throw new Error(`Router did not match ${target}`);
}

if (sink === 0) throw new Error('nothing was measured');
// Under the runner: hand the results over IPC; alone: print them.
if (process.send) process.send({ type: 'micro', results }, () => process.exit(0));
else process.stdout.write(JSON.stringify(results, null, 2) + '\n');
