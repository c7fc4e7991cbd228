// req.host, req.hostname, req.subdomains: strict Host parsing over raw sockets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, rawRequest } from './harness.js';

interface Seen { host: string | null; hostname: string | null; subdomains: string[] }

async function hostOf(hostHeader: string | undefined, settings: Record<string, unknown> = {}, extra = ''): Promise<Seen> {
  const s = await serve((req, res) => {
    res.json({ host: req.host ?? null, hostname: req.hostname ?? null, subdomains: req.subdomains });
  }, settings);
  try {
    const host = hostHeader === undefined ? '' : `Host: ${hostHeader}\r\n`;
    // HTTP/1.0 so that a missing Host is not a 400 from node itself.
    const res = await rawRequest(s.port, `GET / HTTP/1.0\r\n${host}${extra}\r\n`);
    assert.equal(res.status, 200, res.head);
    return JSON.parse(res.body) as Seen;
  } finally {
    await s.close();
  }
}

test('host keeps the port, hostname drops it', { timeout: 5000 }, async () => {
  assert.deepEqual(await hostOf('example.com:8080'), { host: 'example.com:8080', hostname: 'example.com', subdomains: [] });
  assert.deepEqual(await hostOf('tobi.ferrets.example.com'), { host: 'tobi.ferrets.example.com', hostname: 'tobi.ferrets.example.com', subdomains: ['ferrets', 'tobi'] });
});

test('IPv6 literals keep their brackets and have no subdomains', { timeout: 5000 }, async () => {
  assert.deepEqual(await hostOf('[::1]:3000'), { host: '[::1]:3000', hostname: '[::1]', subdomains: [] });
  assert.deepEqual(await hostOf('[2001:db8::1]'), { host: '[2001:db8::1]', hostname: '[2001:db8::1]', subdomains: [] });
  assert.deepEqual(await hostOf('127.0.0.1:80'), { host: '127.0.0.1:80', hostname: '127.0.0.1', subdomains: [] });
});

test("'subdomain offset' is read from the app", { timeout: 5000 }, async () => {
  assert.deepEqual((await hostOf('a.b.example.co.uk', { 'subdomain offset': 3 })).subdomains, ['b', 'a']);
});

test('a malformed Host gives undefined', { timeout: 5000 }, async () => {
  for (const bad of ['evil.com/path', 'a@b.com', 'evil.com:80:80', 'x.com:', 'x.com:99999', 'x.com:8a', '[::1', '[nothex]:80', '[::1]x',
    'ex ample.com', 'evil.com\\@good.com', 'a%2fb', '"quoted"', 'x'.repeat(300)]) {
    const r = await hostOf(bad);
    assert.deepEqual(r, { host: null, hostname: null, subdomains: [] }, bad);
  }
  assert.deepEqual(await hostOf(undefined), { host: null, hostname: null, subdomains: [] });
});

test('X-Forwarded-Host counts only behind a trusted proxy, and is validated too', { timeout: 5000 }, async () => {
  assert.equal((await hostOf('app.test', {}, 'X-Forwarded-Host: evil.test\r\n')).hostname, 'app.test');
  assert.equal((await hostOf('app.test', { 'trust proxy': true }, 'X-Forwarded-Host: shop.test, x\r\n')).hostname, 'shop.test');
  assert.equal((await hostOf('app.test', { 'trust proxy': true }, 'X-Forwarded-Host: evil.test/x\r\n')).hostname, null);
});
