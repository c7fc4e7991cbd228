// req.fresh / req.stale (RFC 9110 §13.1.2-13.1.3) and the 304 that res.send() derives from them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get, rawRequest } from './harness.js';
import type { TestServer } from './harness.js';
import { REQUEST_GROWTH, assertGrowth, cpuGrowthAsync } from '../helpers/cpu-time.js';

let server: TestServer;
const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT';

before(async () => {
  // Query: etag, lm (Last-Modified), status. Answers the freshness as headers, then sends a body.
  server = await serve((req, res) => {
    if (typeof req.query.etag === 'string') res.set('ETag', req.query.etag);
    if (req.query.lm !== undefined) res.set('Last-Modified', LAST_MODIFIED);
    if (typeof req.query.status === 'string') res.status(Number(req.query.status));
    res.set('X-Fresh', String(req.fresh)).set('X-Stale', String(req.stale));
    res.send('body');
  });
});

after(() => server.close());

// fetch() adds `Cache-Control: no-cache` to conditional requests (Fetch Standard, HTTP-network-or-
// cache fetch), which rightly makes nothing fresh; so these go over a raw socket.
async function fresh(query: string, headers: Record<string, string>, method = 'GET', port = server.port): Promise<{ fresh: string | null; status: number }> {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  const res = await rawRequest(port, `${method} /?${query} HTTP/1.1\r\nHost: x\r\n${lines}Connection: close\r\n\r\n`);
  assert.equal(res.headers['x-stale'], String(res.headers['x-fresh'] !== 'true'));
  return { fresh: res.headers['x-fresh'] ?? null, status: res.status };
}

test('If-None-Match: strong and weak tags match weakly', { timeout: 5000 }, async () => {
  assert.deepEqual(await fresh('etag="abc"', { 'if-none-match': '"abc"' }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('etag=W/"abc"', { 'if-none-match': '"abc"' }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('etag="abc"', { 'if-none-match': 'W/"abc"' }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('etag="abc"', { 'if-none-match': '"x", "y" ,W/"abc"' }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('etag="abc"', { 'if-none-match': '"abd"' }), { fresh: 'false', status: 200 });
  assert.deepEqual(await fresh('', { 'if-none-match': '*' }), { fresh: 'true', status: 304 });
});

test('If-Modified-Since against Last-Modified', { timeout: 5000 }, async () => {
  assert.deepEqual(await fresh('lm=1', { 'if-modified-since': LAST_MODIFIED }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('lm=1', { 'if-modified-since': 'Thu, 22 Oct 2015 07:28:00 GMT' }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('lm=1', { 'if-modified-since': 'Tue, 20 Oct 2015 07:28:00 GMT' }), { fresh: 'false', status: 200 });
  assert.deepEqual(await fresh('lm=1', { 'if-modified-since': 'garbage' }), { fresh: 'false', status: 200 });
  assert.deepEqual(await fresh('', { 'if-modified-since': LAST_MODIFIED }), { fresh: 'false', status: 200 });
});

test('If-Modified-Since is ignored when If-None-Match is present (RFC 9110 §13.1.3)', { timeout: 5000 }, async () => {
  assert.deepEqual(await fresh('etag="a"&lm=1', { 'if-none-match': '"b"', 'if-modified-since': LAST_MODIFIED }), { fresh: 'false', status: 200 });
});

test('only GET/HEAD with 2xx/304 responses can be fresh; no-cache asks for the full response', { timeout: 5000 }, async () => {
  assert.deepEqual(await fresh('etag="a"', { 'if-none-match': '"a"' }, 'POST'), { fresh: 'false', status: 200 });
  assert.deepEqual(await fresh('etag="a"', { 'if-none-match': '"a"' }, 'HEAD'), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('etag="a"&status=404', { 'if-none-match': '"a"' }), { fresh: 'false', status: 404 });
  assert.deepEqual(await fresh('etag="a"', { 'if-none-match': '"a"', 'cache-control': 'max-age=0, no-cache' }), { fresh: 'false', status: 200 });
  assert.deepEqual(await fresh('etag="a"', { 'if-none-match': '"a"', 'cache-control': 'no-cache-x' }), { fresh: 'true', status: 304 });
});

test("the ETag res.send() generates makes the next request fresh, and a 304 has no body", { timeout: 5000 }, async () => {
  const first = await get(server.url + '/');
  const etag = first.headers.get('etag');
  assert.match(etag ?? '', /^W\/"4-/);
  assert.equal(await first.text(), 'body');
  const raw = await rawRequest(server.port, `GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`);
  assert.equal(raw.status, 304);
  assert.equal(raw.body, '');
  assert.equal(raw.headers['content-type'], undefined);
  assert.equal(raw.headers['content-length'], undefined);
  assert.equal(raw.headers.etag, etag);
});

test('a 100 KiB If-None-Match list is handled in CPU time linear in its length', { timeout: 60_000 }, async () => {
  const s = await serve((req, res) => {
    res.set('ETag', '"z"').set('X-Fresh', String(req.fresh)).set('X-Stale', String(req.stale)).send('x');
  }, {}, { maxHeaderSize: 256 * 1024 });
  try {
    const list = (n: number): string => '"a", '.repeat(n) + '"z"';
    const res = await fresh('', { 'if-none-match': list(20000) }, 'GET', s.port);
    assert.equal(res.status, 304);
    // CPU time per byte at 10x the list over that at 1x (client and server in this process): about
    // 1 or less when matching is linear, about 10 when quadratic. A ratio, never a wall-clock bound.
    const growth = await cpuGrowthAsync((n) => {
      const header = list(n);
      return () => fresh('', { 'if-none-match': header }, 'GET', s.port);
    }, 2000, 20000);
    assertGrowth('If-None-Match list', growth, REQUEST_GROWTH);
  } finally {
    await s.close();
  }
});

test('the conditional fields are found in any letter case, among other fields', { timeout: 5000 }, async () => {
  const others = { Authorization: 'Basic eA==', 'X-Forwarded-Proto': 'http' };
  assert.deepEqual(await fresh('etag="a"', { ...others, 'IF-NONE-MATCH': '"a"' }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('lm=1', { 'If-Modified-SINCE': LAST_MODIFIED, ...others }), { fresh: 'true', status: 304 });
  assert.deepEqual(await fresh('etag="a"&lm=1', others), { fresh: 'false', status: 200 });
});

test('req.fresh follows req.headers as middleware left it', { timeout: 5000 }, async () => {
  // ?add puts If-None-Match into req.headers, ?drop takes both conditional fields out of it.
  const s = await serve((req, res) => {
    if (req.query.add !== undefined) req.headers['if-none-match'] = '"a"';
    if (req.query.drop !== undefined) {
      delete req.headers['if-none-match'];
      delete req.headers['if-modified-since'];
    }
    res.set('ETag', '"a"').set('Last-Modified', LAST_MODIFIED);
    res.set('X-Fresh', String(req.fresh)).set('X-Stale', String(req.stale)).send('x');
  });
  try {
    assert.deepEqual(await fresh('add=1', {}, 'GET', s.port), { fresh: 'true', status: 304 });
    assert.deepEqual(await fresh('drop=1', { 'if-none-match': '"a"', 'if-modified-since': LAST_MODIFIED }, 'GET', s.port), { fresh: 'false', status: 200 });
    assert.deepEqual(await fresh('', { 'if-none-match': '"a"' }, 'GET', s.port), { fresh: 'true', status: 304 });
  } finally {
    await s.close();
  }
});
