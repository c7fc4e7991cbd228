// trust proxy: compileTrust, req.ip, req.ips, req.protocol, req.secure over real sockets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, rawRequest } from './harness.js';
import { compileTrust } from '../../lib/http/proxy.js';
import { REQUEST_GROWTH, assertGrowth, cpuGrowthAsync } from '../helpers/cpu-time.js';

const report = (req: import('../../lib/http/request.js').Request, res: import('../../lib/http/response.js').Response) => {
  res.json({ ip: req.ip, ips: req.ips, protocol: req.protocol, secure: req.secure, host: req.host ?? null });
};

interface Seen { ip: string; ips: string[]; protocol: string; secure: boolean; host: string | null }

async function seen(trust: unknown, headers: string, maxHeaderSize?: number): Promise<Seen> {
  const s = await serve(report, { 'trust proxy': trust }, maxHeaderSize === undefined ? {} : { maxHeaderSize });
  try {
    const res = await rawRequest(s.port, `GET / HTTP/1.1\r\nHost: app.test\r\n${headers}Connection: close\r\n\r\n`);
    assert.equal(res.status, 200, res.body);
    return JSON.parse(res.body) as Seen;
  } finally {
    await s.close();
  }
}

const XFF = 'X-Forwarded-For: 203.0.113.7, 10.0.0.2, 10.0.0.1\r\n';

test('without trust, forwarded headers are ignored', { timeout: 5000 }, async () => {
  const r = await seen(false, XFF + 'X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.test\r\n');
  assert.deepEqual(r, { ip: '127.0.0.1', ips: [], protocol: 'http', secure: false, host: 'app.test' });
});

test('trust true: the leftmost address is the client', { timeout: 5000 }, async () => {
  const r = await seen(true, XFF + 'X-Forwarded-Proto: https, http\r\nX-Forwarded-Host: shop.test:8080, inner\r\n');
  assert.deepEqual(r, { ip: '203.0.113.7', ips: ['203.0.113.7', '10.0.0.2', '10.0.0.1'], protocol: 'https', secure: true, host: 'shop.test:8080' });
});

test('a hop count trusts that many proxies nearest the server', { timeout: 5000 }, async () => {
  assert.equal((await seen(1, XFF)).ip, '10.0.0.1');
  const two = await seen(2, XFF);
  assert.equal(two.ip, '10.0.0.2');
  assert.deepEqual(two.ips, ['10.0.0.2', '10.0.0.1']);
  assert.equal((await seen(0, XFF)).ip, '127.0.0.1');
});

test('an address list trusts only those addresses', { timeout: 5000 }, async () => {
  // loopback (the socket) and 10.0.0.1 are trusted, 10.0.0.2 is not: it is the client.
  const r = await seen('loopback, 10.0.0.1', XFF);
  assert.equal(r.ip, '10.0.0.2');
  assert.deepEqual(r.ips, ['10.0.0.2', '10.0.0.1']);
  const cidr = await seen(['127.0.0.0/8', '10.0.0.0/8'], XFF);
  assert.equal(cidr.ip, '203.0.113.7');
  const named = await seen('loopback, uniquelocal', XFF);
  assert.equal(named.ip, '203.0.113.7');
});

test('a trust function receives each address and hop', { timeout: 5000 }, async () => {
  const calls: string[] = [];
  const r = await seen((addr: string, hop: number) => {
    calls.push(`${addr}@${hop}`);
    return addr !== '10.0.0.2';
  }, XFF);
  assert.equal(r.ip, '10.0.0.2');
  assert.ok(calls.includes('127.0.0.1@0') && calls.includes('10.0.0.1@1') && calls.includes('10.0.0.2@2'));
});

test('garbage entries are never trusted and invalid protocols are ignored', { timeout: 5000 }, async () => {
  const r = await seen('loopback', 'X-Forwarded-For: 1.2.3.4, not-an-ip\r\nX-Forwarded-Proto: ja vascript\r\n');
  assert.equal(r.ip, 'not-an-ip');
  assert.equal(r.protocol, 'http');
});

test('X-Forwarded-For with 10,000 entries is answered correctly, in CPU time linear in its length', { timeout: 60_000 }, async () => {
  const list = (n: number): string => Array.from({ length: n }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`).join(', ');
  for (const trust of [false, true, 'loopback', 3]) {
    const r = await seen(trust, `X-Forwarded-For: ${list(10000)}\r\n`, 512 * 1024);
    if (trust === true) {
      assert.equal(r.ip, '10.0.0.1');
      assert.equal(r.ips.length, 10000);
    } else if (trust === 'loopback') {
      assert.equal(r.ip, '10.39.15.1');
      assert.deepEqual(r.ips, ['10.39.15.1']);
    } else if (trust === 3) {
      assert.deepEqual(r.ips, ['10.39.13.1', '10.39.14.1', '10.39.15.1']);
    } else {
      assert.equal(r.ip, '127.0.0.1');
    }
    // CPU time per entry at 10,000 entries over that at 1,000 (client and server in this process):
    // about 1 or less when the walk is linear, about 10 when quadratic. A ratio, never a wall-clock
    // bound, so a loaded machine does not fail it.
    const s = await serve(report, { 'trust proxy': trust }, { maxHeaderSize: 512 * 1024 });
    try {
      const growth = await cpuGrowthAsync((n) => {
        const head = `GET / HTTP/1.1\r\nHost: app.test\r\nX-Forwarded-For: ${list(n)}\r\nConnection: close\r\n\r\n`;
        return () => rawRequest(s.port, head);
      }, 1000, 10000);
      assertGrowth(`X-Forwarded-For, trust proxy ${String(trust)}`, growth, REQUEST_GROWTH);
    } finally {
      await s.close();
    }
  }
});

test('compileTrust rejects what it does not understand', () => {
  for (const bad of [-1, 1.5, Number.NaN, 'not-an-ip', '10.0.0.0/33', ['::1/129'], [1], {}, null, undefined, 'true']) {
    assert.throws(() => compileTrust(bad), TypeError, String(bad));
  }
  assert.equal(compileTrust('10.0.0.0/255.0.0.0')('10.9.9.9', 0), true);
  assert.throws(() => compileTrust('10.0.0.0/255.0.255.0'), TypeError);
  const ipv6 = compileTrust('fe80::/10, 2001:db8::1');
  assert.equal(ipv6('fe80::1234', 0), true);
  assert.equal(ipv6('2001:db8::1', 0), true);
  assert.equal(ipv6('2001:db8::2', 0), false);
  // An IPv4-mapped IPv6 socket address is checked as IPv4.
  assert.equal(compileTrust('loopback')('::ffff:127.0.0.1', 0), true);
  assert.equal(compileTrust(false)('127.0.0.1', 0), false);
});
