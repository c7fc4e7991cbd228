// req.accepts, acceptsEncodings, acceptsCharsets, acceptsLanguages over real sockets.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get, rawRequest } from './harness.js';
import type { TestServer } from './harness.js';
import { REQUEST_GROWTH, assertGrowth, cpuGrowthAsync } from '../helpers/cpu-time.js';

let server: TestServer;

before(async () => {
  // GET /<method>?o=a,b,c calls req[method](...offers); no o: the listing form.
  server = await serve((req, res) => {
    const method = req.path.slice(1) as 'accepts' | 'acceptsEncodings' | 'acceptsCharsets' | 'acceptsLanguages';
    const offers = typeof req.query.o === 'string' ? req.query.o.split(',') : [];
    const result: unknown = offers.length === 0 ? req[method]() : req[method](...offers);
    res.json({ result });
  }, {}, { maxHeaderSize: 512 * 1024 });
});

after(() => server.close());

async function ask(method: string, header: string, value: string | undefined, offers?: string): Promise<unknown> {
  const headers: Record<string, string> = {};
  if (value !== undefined) headers[header] = value;
  const res = await get(`${server.url}/${method}${offers === undefined ? '' : '?o=' + encodeURIComponent(offers)}`, headers);
  assert.equal(res.status, 200);
  return ((await res.json()) as { result: unknown }).result;
}

test('accepts: extension names map to types and the given name is returned', { timeout: 5000 }, async () => {
  assert.equal(await ask('accepts', 'accept', 'application/json', 'html,json'), 'json');
  assert.equal(await ask('accepts', 'accept', 'text/html', 'json,html'), 'html');
  assert.equal(await ask('accepts', 'accept', 'text/html', 'json,text/html'), 'text/html');
  assert.equal(await ask('accepts', 'accept', 'image/png', 'json,html'), false);
});

test('accepts: q-values win, then specificity, then the client order', { timeout: 5000 }, async () => {
  assert.equal(await ask('accepts', 'accept', 'text/html;q=0.5, application/json', 'html,json'), 'json');
  assert.equal(await ask('accepts', 'accept', 'text/*, text/plain;q=0', 'text,html'), 'html');
  assert.equal(await ask('accepts', 'accept', '*/*;q=0.1, text/html', 'json,html'), 'html');
  assert.equal(await ask('accepts', 'accept', 'application/json, text/html', 'html,json'), 'json');
  assert.equal(await ask('accepts', 'accept', 'text/html;level=1', 'text/html'), false);
});

test('accepts: no Accept header gives the first offer; no offers lists the header', { timeout: 5000 }, async () => {
  assert.equal(await ask('accepts', 'accept', undefined, 'json,html'), 'json');
  assert.deepEqual(await ask('accepts', 'accept', 'text/plain;q=0.5, text/html, application/xml;q=0'), ['text/html', 'text/plain']);
});

test('acceptsEncodings: identity is always acceptable unless refused', { timeout: 5000 }, async () => {
  assert.equal(await ask('acceptsEncodings', 'accept-encoding', 'gzip, br;q=0.9', 'br,gzip'), 'gzip');
  assert.equal(await ask('acceptsEncodings', 'accept-encoding', 'gzip', 'identity'), 'identity');
  assert.equal(await ask('acceptsEncodings', 'accept-encoding', 'gzip, identity;q=0', 'identity'), false);
  assert.equal(await ask('acceptsEncodings', 'accept-encoding', '*', 'br'), 'br');
  assert.deepEqual(await ask('acceptsEncodings', 'accept-encoding', 'gzip;q=0.8, br'), ['br', 'gzip', 'identity']);
});

test('acceptsEncodings: no Accept-Encoding at all leaves identity only', { timeout: 5000 }, async () => {
  // fetch() always sends Accept-Encoding, so this one goes over a raw socket.
  const res = await rawRequest(server.port, 'GET /acceptsEncodings?o=gzip,identity HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.deepEqual(JSON.parse(res.body), { result: 'identity' });
});

test('acceptsCharsets', { timeout: 5000 }, async () => {
  assert.equal(await ask('acceptsCharsets', 'accept-charset', 'utf-8, iso-8859-1;q=0.5', 'iso-8859-1,utf-8'), 'utf-8');
  assert.equal(await ask('acceptsCharsets', 'accept-charset', undefined, 'latin1'), 'latin1');
  assert.equal(await ask('acceptsCharsets', 'accept-charset', 'utf-8', 'latin1'), false);
});

test('acceptsLanguages: prefixes match', { timeout: 5000 }, async () => {
  assert.equal(await ask('acceptsLanguages', 'accept-language', 'en;q=0.8, fr', 'en-US,fr-CA'), 'fr-CA');
  assert.equal(await ask('acceptsLanguages', 'accept-language', 'en-US', 'de,en'), 'en');
  assert.equal(await ask('acceptsLanguages', 'accept-language', 'de', 'en,fr'), false);
  assert.deepEqual(await ask('acceptsLanguages', 'accept-language', 'en-US, fr;q=0.5'), ['en-US', 'fr']);
});

test('hostile 100 KiB Accept headers are answered correctly, in CPU time linear in their size', { timeout: 60_000 }, async () => {
  const cases: [string, string, (n: number) => string, string][] = [
    ['accepts', 'accept', (n) => 'a/b,'.repeat(n / 4) + 'application/json', 'json'], // JSON is past the cap of entries read
    ['accepts', 'accept', (n) => ' '.repeat(n) + 'application/json', 'json'],
    ['accepts', 'accept', (n) => 'text/html;' + ';'.repeat(n), 'html'],
    ['accepts', 'accept', (n) => 'text/html;q="' + '\\"'.repeat(n / 2), 'html'],
    ['acceptsEncodings', 'accept-encoding', (n) => 'gzip;q=0.5,'.repeat(Math.round(n / 11)), 'gzip'],
    ['acceptsLanguages', 'accept-language', (n) => 'en-' + 'x'.repeat(n), 'en'],
    ['acceptsCharsets', 'accept-charset', (n) => ','.repeat(n) + 'utf-8', 'utf-8'],
  ];
  for (const [method, header, make, offers] of cases) {
    const result = await ask(method, header, make(100 * 1024), offers);
    assert.ok(result === false || typeof result === 'string', `${method}: ${JSON.stringify(result)}`);
    // CPU time per header byte at 100 KiB over that at 10 KiB, server and client both in this
    // process: about 1 when parsing is linear (less, as each request has a fixed cost), about 10
    // when quadratic. A ratio, not a wall-clock bound, so a loaded machine does not fail it.
    const growth = await cpuGrowthAsync((n) => {
      const value = make(n);
      return () => ask(method, header, value, offers);
    }, 10 * 1024, 100 * 1024);
    assertGrowth(`${method} with ${JSON.stringify(make(8))}…`, growth, REQUEST_GROWTH);
  }
  // The cap keeps the answer correct for what was read: entries past it are ignored.
  assert.equal(await ask('accepts', 'accept', 'a/b,'.repeat(25600) + 'application/json', 'json'), false);
  assert.equal(await ask('accepts', 'accept', ' '.repeat(100 * 1024) + 'application/json', 'json'), 'json');
  assert.equal(await ask('acceptsEncodings', 'accept-encoding', 'gzip;q=0.5,'.repeat(9000), 'gzip'), 'gzip');
});
