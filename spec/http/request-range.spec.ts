// req.range(size, options) (RFC 9110 §14.1-14.2) over real sockets.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get } from './harness.js';
import type { TestServer } from './harness.js';
import { REQUEST_GROWTH, assertGrowth, cpuGrowthAsync } from '../helpers/cpu-time.js';

let server: TestServer;

before(async () => {
  server = await serve((req, res) => {
    const size = Number(req.query.size ?? 1000);
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
    const r = req.range(size, { combine: req.query.combine !== undefined, limit });
    res.json(r === undefined ? { none: true } : typeof r === 'number' ? { code: r } : { type: r.type, ranges: [...r] });
  }, {}, { maxHeaderSize: 512 * 1024 });
});

after(() => server.close());

async function range(header: string | undefined, query = ''): Promise<unknown> {
  const res = await get(`${server.url}/?${query}`, header === undefined ? {} : { range: header });
  assert.equal(res.status, 200);
  return res.json();
}

test('no Range header gives undefined', { timeout: 5000 }, async () => {
  assert.deepEqual(await range(undefined), { none: true });
});

test('int, open and suffix ranges are clamped to the size', { timeout: 5000 }, async () => {
  assert.deepEqual(await range('bytes=0-499'), { type: 'bytes', ranges: [{ start: 0, end: 499 }] });
  assert.deepEqual(await range('bytes=500-'), { type: 'bytes', ranges: [{ start: 500, end: 999 }] });
  assert.deepEqual(await range('bytes=-200'), { type: 'bytes', ranges: [{ start: 800, end: 999 }] });
  assert.deepEqual(await range('bytes=900-5000'), { type: 'bytes', ranges: [{ start: 900, end: 999 }] });
  assert.deepEqual(await range('bytes=-5000'), { type: 'bytes', ranges: [{ start: 0, end: 999 }] });
  assert.deepEqual(await range('bytes= 0-1 , 5-6'), { type: 'bytes', ranges: [{ start: 0, end: 1 }, { start: 5, end: 6 }] });
  // No OWS around '-' in the grammar, but range-parser (Express's req.range) trims it.
  assert.deepEqual(await range('bytes=0 - 1,\t5 -'), { type: 'bytes', ranges: [{ start: 0, end: 1 }, { start: 5, end: 999 }] });
  assert.deepEqual(await range('items=0-1'), { type: 'items', ranges: [{ start: 0, end: 1 }] });
});

test('unsatisfiable gives -1', { timeout: 5000 }, async () => {
  assert.deepEqual(await range('bytes=1000-'), { code: -1 });
  assert.deepEqual(await range('bytes=2000-3000, 1500-'), { code: -1 });
  assert.deepEqual(await range('bytes=-0'), { code: -1 });
  assert.deepEqual(await range('bytes=0-0', 'size=0'), { code: -1 });
});

test('malformed gives -2', { timeout: 5000 }, async () => {
  for (const bad of ['bytes', 'bytes=', 'bytes=abc', 'bytes=1-a', 'bytes=-', 'bytes=5-1', 'bytes=0x1-2', '=0-1', 'bytes=1', 'bytes=+1-2']) {
    assert.deepEqual(await range(bad), { code: -2 }, bad);
  }
});

test('combine merges overlapping and adjacent ranges in their first order', { timeout: 5000 }, async () => {
  assert.deepEqual(await range('bytes=500-600, 0-10, 11-20, 550-700', 'combine=1'), {
    type: 'bytes', ranges: [{ start: 500, end: 700 }, { start: 0, end: 20 }],
  });
});

test('10,000 ranges are refused (-2) in CPU time linear in their length, the cap is an option', { timeout: 60_000 }, async () => {
  const header = (n: number): string => 'bytes=' + Array.from({ length: n }, (_, i) => `${i * 2}-${i * 2}`).join(',');
  assert.deepEqual(await range(header(10000), 'size=100000'), { code: -2 });
  // CPU time per byte at 10x the ranges over that at 1x (client and server in this process): the
  // cap stops the scan, so well under 1; a quadratic scan would give about 10. Never a wall-clock bound.
  const growth = await cpuGrowthAsync((n) => {
    const value = header(n);
    return () => range(value, 'size=100000');
  }, 1000, 10000);
  assertGrowth('10,000 ranges', growth, REQUEST_GROWTH);
  assert.deepEqual(await range('bytes=0-1,2-3,4-5', 'limit=2'), { code: -2 });
  assert.deepEqual(((await range('bytes=0-1,2-3', 'limit=2')) as { ranges: unknown[] }).ranges.length, 2);
});

test('an invalid limit is a TypeError', { timeout: 5000 }, async () => {
  const res = await get(`${server.url}/?limit=0`, { range: 'bytes=0-1' });
  assert.equal(res.status, 500);
  assert.match(await res.text(), /^TypeError/);
});
