// req.query and req.path over real sockets.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get } from './harness.js';
import type { TestServer } from './harness.js';
import { REQUEST_GROWTH, assertGrowth, cpuGrowthAsync } from '../helpers/cpu-time.js';
import { inheritsNothing } from '../helpers/inherits-nothing.js';

let server: TestServer;
let limited: TestServer;

before(async () => {
  const handler = (req: import('../../lib/http/request.js').Request, res: import('../../lib/http/response.js').Response) => {
    const query = req.query;
    res.json({
      path: req.path,
      proto: inheritsNothing(query),
      same: req.query === query,
      entries: Object.entries(query),
    });
  };
  server = await serve(handler);
  limited = await serve(handler, { 'query parameter limit': 3 });
});

after(async () => {
  await server.close();
  await limited.close();
});

async function query(path: string, on = server): Promise<{ path: string; proto: boolean; same: boolean; entries: [string, string | string[]][] }> {
  const res = await get(on.url + path);
  assert.equal(res.status, 200);
  return (await res.json()) as { path: string; proto: boolean; same: boolean; entries: [string, string | string[]][] };
}

test('parses pairs into a null-prototype object, cached', { timeout: 5000 }, async () => {
  const r = await query('/a/b?x=1&y=two');
  assert.equal(r.path, '/a/b');
  assert.equal(r.proto, true);
  assert.equal(r.same, true);
  assert.deepEqual(r.entries, [['x', '1'], ['y', 'two']]);
});

test('no query string gives an empty object', { timeout: 5000 }, async () => {
  const r = await query('/plain');
  assert.deepEqual(r.entries, []);
  assert.equal(r.path, '/plain');
});

test('repeated keys become arrays in order', { timeout: 5000 }, async () => {
  const r = await query('/?a=1&a=2&b=x&a=3');
  assert.deepEqual(r.entries, [['a', ['1', '2', '3']], ['b', 'x']]);
});

test("'+' is a space and %-escapes are decoded", { timeout: 5000 }, async () => {
  const r = await query('/?q=hello+world&e=%C3%A9t%C3%A9&k%20ey=v%2Bw');
  assert.deepEqual(r.entries, [['q', 'hello world'], ['e', 'été'], ['k ey', 'v+w']]);
});

test('a malformed escape keeps the raw text', { timeout: 5000 }, async () => {
  const r = await query('/?bad=%E0%A4%A&also=100%&ok=%41');
  assert.deepEqual(r.entries, [['bad', '%E0%A4%A'], ['also', '100%'], ['ok', 'A']]);
});

test('keys stay flat: brackets are not nesting', { timeout: 5000 }, async () => {
  const r = await query('/?a[b]=1&a[]=2&c.d=3');
  assert.deepEqual(r.entries, [['a[b]', '1'], ['a[]', '2'], ['c.d', '3']]);
});

test('empty pairs are skipped, a key without = has an empty value', { timeout: 5000 }, async () => {
  const r = await query('/?&&a&=x&b=');
  assert.deepEqual(r.entries, [['a', ''], ['', 'x'], ['b', '']]);
});

test("the 'query parameter limit' setting caps the pairs read", { timeout: 5000 }, async () => {
  const r = await query('/?a=1&b=2&c=3&d=4&e=5', limited);
  assert.deepEqual(r.entries, [['a', '1'], ['b', '2'], ['c', '3']]);
});

test('a query of 22,000 pairs is answered with 1000 kept, in CPU time linear in its length', { timeout: 60_000 }, async () => {
  const long = (n: number): string => '/?' + 'k=v&'.repeat(n) + Array.from({ length: n / 10 }, (_, i) => `p${i}=${i}`).join('&');
  // node's default header limit is 16 KiB: a long URL is the request line, which is limited too,
  // so this asks a server that allows larger heads.
  const big = await serve((req, res) => {
    res.json({ keys: Object.keys(req.query).length, k: (req.query.k as string[]).length });
  }, {}, { maxHeaderSize: 256 * 1024 });
  try {
    const res = await get(big.url + long(20000));
    const body = (await res.json()) as { keys: number; k: number };
    assert.equal(body.keys, 1);
    assert.equal(body.k, 1000);
    // CPU time per byte at 10x the pairs over that at 1x (client and server in this process):
    // about 1 or less when parsing is linear, about 10 when quadratic. A ratio, never a wall-clock
    // bound, so a loaded machine does not fail it.
    const growth = await cpuGrowthAsync((n) => {
      const url = big.url + long(n);
      return async () => (await get(url)).text();
    }, 2000, 20000);
    assertGrowth('k=v&… query', growth, REQUEST_GROWTH);
  } finally {
    await big.close();
  }
});

test('path follows req.url and ignores the fragment', { timeout: 5000 }, async () => {
  const s = await serve((req, res) => {
    const before = req.path;
    req.url = '/rewritten?z=1';
    res.json({ before, after: req.path });
  });
  try {
    const res = await get(s.url + '/orig/x?y=2');
    assert.deepEqual(await res.json(), { before: '/orig/x', after: '/rewritten' });
  } finally {
    await s.close();
  }
});
