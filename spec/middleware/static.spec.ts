import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { serveStatic } from '../../lib/middleware/static.js';
import { serve, rawRequest, type TestServer } from './harness.js';
import { makeSite, type Site } from './static-fixture.js';

const notFound = (_req: unknown, res: http.ServerResponse) => {
  res.statusCode = 404;
  res.end('fell through');
};

describe('serveStatic()', { timeout: 20000 }, () => {
  let site: Site;
  let s: TestServer;
  let strict: TestServer;
  before(async () => {
    site = await makeSite();
    s = await serve([serveStatic(site.root, { maxAge: '1h' })], notFound);
    strict = await serve([serveStatic(site.root, { fallthrough: false, dotfiles: 'deny' })], notFound);
  });
  after(async () => {
    await s.close();
    await strict.close();
    await site.cleanup();
  });

  it('serves a file with type, length, validators and Cache-Control', async () => {
    const r = await fetch(s.url + '/a.txt');
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '0123456789abcdefghij');
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(r.headers.get('content-length'), '20');
    assert.equal(r.headers.get('cache-control'), 'public, max-age=3600');
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.match(r.headers.get('etag')!, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(r.headers.get('last-modified'));
    assert.equal((await fetch(s.url + '/style.css')).headers.get('content-type'), 'text/css; charset=utf-8');
  });

  it('serves index.html for / and for a directory with a trailing slash', async () => {
    assert.equal(await (await fetch(s.url + '/')).text(), '<h1>home</h1>');
    assert.equal(await (await fetch(s.url + '/dir/')).text(), '<h1>dir</h1>');
  });

  it('HEAD sends headers without a body; other methods fall through', async () => {
    const r = await fetch(s.url + '/a.txt', { method: 'HEAD' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), '20');
    assert.equal(await r.text(), '');
    const p = await fetch(s.url + '/a.txt', { method: 'POST' });
    assert.equal(await p.text(), 'fell through');
  });

  it('fallthrough: false answers 404 and 405 itself', async () => {
    assert.equal((await fetch(strict.url + '/missing.txt')).status, 404);
    const r = await fetch(strict.url + '/a.txt', { method: 'DELETE' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
  });

  it('redirects a directory without trailing slash with a relative, escaped Location', async () => {
    const r = await fetch(s.url + '/dir?x=1', { redirect: 'manual' });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get('location'), './dir/?x=1');
    assert.equal(new URL(r.headers.get('location')!, s.url + '/dir?x=1').href, s.url + '/dir/?x=1');
    const body = await r.text();
    assert.ok(body.includes('./dir/?x=1'));
    const colon = await fetch(s.url + '/a:b', { redirect: 'manual' });
    assert.equal(colon.headers.get('location'), './a:b/');
    assert.equal(new URL(colon.headers.get('location')!, s.url + '/a:b').origin, s.url);
  });

  it('dotfiles: ignored by default, denied with deny, served with allow', async () => {
    assert.equal(await (await fetch(s.url + '/.secret')).text(), 'fell through');
    assert.equal(await (await fetch(s.url + '/.hidden/x.txt')).text(), 'fell through');
    assert.equal((await fetch(strict.url + '/.secret')).status, 403);
    const allow = await serve([serveStatic(site.root, { dotfiles: 'allow' })], notFound);
    try {
      assert.equal(await (await fetch(allow.url + '/.secret')).text(), 'dotfile');
    } finally {
      await allow.close();
    }
  });

  it('304 for If-None-Match and If-Modified-Since; 412 for a failed If-Match', async () => {
    const first = await fetch(s.url + '/a.txt');
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    const lm = first.headers.get('last-modified')!;
    const r = await fetch(s.url + '/a.txt', { headers: { 'if-none-match': `"other", ${etag}` } });
    assert.equal(r.status, 304);
    assert.equal(await r.text(), '');
    assert.equal((await fetch(s.url + '/a.txt', { headers: { 'if-modified-since': lm } })).status, 304);
    const stale = await fetch(s.url + '/a.txt', { headers: { 'if-none-match': '"nope"', 'if-modified-since': lm } });
    assert.equal(stale.status, 200);
    await stale.arrayBuffer();
    const old = await fetch(s.url + '/a.txt', { headers: { 'if-modified-since': new Date(0).toUTCString() } });
    assert.equal(old.status, 200);
    await old.arrayBuffer();
    assert.equal((await fetch(s.url + '/a.txt', { headers: { 'if-match': '"nope"' } })).status, 412);
    // A date longer than any HTTP-date format is not parsed (Date.parse would take this one, with
    // its comment): ignored, as req.fresh ignores it.
    const long = await fetch(s.url + '/a.txt', { headers: { 'if-modified-since': `${lm} (${'x'.repeat(80)})` } });
    assert.equal(long.status, 200);
    await long.arrayBuffer();
  });

  it('Range: single range 206, suffix, open end, unsatisfiable 416, multiple → 200, If-Range', async () => {
    const get = (range: string, extra: Record<string, string> = {}) => fetch(s.url + '/a.txt', { headers: { range, ...extra } });
    let r = await get('bytes=2-5');
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), 'bytes 2-5/20');
    assert.equal(await r.text(), '2345');
    r = await get('bytes=-3');
    assert.equal(await r.text(), 'hij');
    r = await get('bytes=15-');
    assert.equal(await r.text(), 'fghij');
    r = await get('bytes=18-100');
    assert.equal(await r.text(), 'ij');
    r = await get('bytes=20-');
    assert.equal(r.status, 416);
    assert.equal(r.headers.get('content-range'), 'bytes */20');
    await r.arrayBuffer();
    r = await get('bytes=0-1,4-5');
    assert.equal(r.status, 200);
    assert.equal((await r.text()).length, 20);
    const etag = r.headers.get('etag')!;
    r = await get('bytes=0-0', { 'if-range': etag });
    assert.equal(await r.text(), '0');
    r = await get('bytes=0-0', { 'if-range': '"stale"' });
    assert.equal(r.status, 200);
    assert.equal((await r.text()).length, 20);
  });

  it('Range edge cases, as send (range-parser with combine: true) answers them', async () => {
    // a.txt is '0123456789abcdefghij' (20 bytes). [range, status, Content-Range, body]
    const cases: [string, number, string | null, string][] = [
      // Several ranges: combined first; one left is served, several left give the whole file.
      ['bytes=2-5, 100-200', 206, 'bytes 2-5/20', '2345'], // one satisfiable, one past the end
      ['bytes=0-1,2-3', 206, 'bytes 0-3/20', '0123'], // adjacent: merged
      ['bytes=5-9, 0-6', 206, 'bytes 0-9/20', '0123456789'], // overlapping: merged
      ['bytes=0-1,4-5', 200, null, '0123456789abcdefghij'], // two ranges remain: whole file
      ['bytes=20-30, 40-', 416, 'bytes */20', ''], // none satisfiable
      // Digit runs past 15 characters: leading zeros keep the value, huge values are past the end.
      ['bytes=0000000000000000002-5', 206, 'bytes 2-5/20', '2345'],
      ['bytes=99999999999999999999-', 416, 'bytes */20', ''],
      ['bytes=' + '9'.repeat(400) + '-', 416, 'bytes */20', ''],
      ['bytes=18-99999999999999999999', 206, 'bytes 18-19/20', 'ij'],
      // Whitespace: OWS around ranges and, as range-parser trims it, around the dash.
      ['bytes= 2-5 ', 206, 'bytes 2-5/20', '2345'],
      ['bytes=2 - 5', 206, 'bytes 2-5/20', '2345'],
      ['bytes=\t2-5,\t3-4', 206, 'bytes 2-5/20', '2345'],
      // Suffix ranges. RFC 9110 §14.1.3: "If the selected representation is shorter than the
      // specified suffix-length, the entire representation is used" (range-parser says 416 here).
      ['bytes=-0', 416, 'bytes */20', ''],
      ['bytes=-50', 206, 'bytes 0-19/20', '0123456789abcdefghij'],
      ['bytes=-' + '9'.repeat(400), 206, 'bytes 0-19/20', '0123456789abcdefghij'],
      // RFC 9110 §14.1: range units are case-insensitive; another unit is ignored (§14.2).
      ['BYTES=2-5', 206, 'bytes 2-5/20', '2345'],
      ['items=2-5', 200, null, '0123456789abcdefghij'],
      // Malformed: ignored, the whole file. last < first is invalid (RFC 9110 §14.1.1).
      ['bytes=abc', 200, null, '0123456789abcdefghij'],
      ['bytes=2-5,x', 200, null, '0123456789abcdefghij'],
      ['bytes=5-2', 200, null, '0123456789abcdefghij'],
      ['bytes=', 200, null, '0123456789abcdefghij'],
      // More ranges than the parser's cap (100): ignored, even though they would combine.
      ['bytes=' + '0-0,'.repeat(101), 200, null, '0123456789abcdefghij'],
    ];
    for (const [range, status, contentRange, body] of cases) {
      const r = await fetch(s.url + '/a.txt', { headers: { range } });
      const label = range.slice(0, 40);
      assert.equal(r.status, status, label);
      assert.equal(r.headers.get('content-range'), contentRange, label);
      assert.equal(await r.text(), body, label);
      if (status !== 416) assert.equal(r.headers.get('content-length'), String(body.length), label);
    }
  });

  it('symlinks inside the root are served; those leading out are refused by default', async () => {
    assert.equal(await (await fetch(s.url + '/link-in.txt')).text(), '0123456789abcdefghij');
    assert.equal((await fetch(strict.url + '/link-out.txt')).status, 403);
    assert.equal((await fetch(strict.url + '/linkdir/secret.txt')).status, 403);
    const follow = await serve([serveStatic(site.root, { followSymlinks: true })], notFound);
    try {
      assert.equal(await (await fetch(follow.url + '/link-out.txt')).text(), 'SECRET-OUTSIDE');
    } finally {
      await follow.close();
    }
  });

  it('traversal attempts never leave the root', async () => {
    const attempts = [
      '/../outside.txt',
      '/..%2foutside.txt',
      '/%2e%2e/outside.txt',
      '/%2e%2e%2foutside.txt',
      '/dir/..%2f..%2foutside.txt',
      '/..%5coutside.txt',
      '/%2e%2e%5coutside.txt',
      '/..\\outside.txt',
      '/%252e%252e/outside.txt',
      '/a.txt%00.html',
      '/../www-evil/secret.txt',
      '/%2e%2e/www-evil/secret.txt',
      '//../outside.txt',
      '/%E0%A4%A',
    ];
    for (const p of attempts) {
      const r = await rawRequest(strict.port, [`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`], 2000);
      assert.ok(r.status >= 400 && r.status < 500, `${p} → ${r.status}`);
      assert.ok(!r.text.includes('SECRET'), p);
    }
  });

  it('streams a large file with backpressure and closes the file when the client goes away', async () => {
    const r = await fetch(s.url + '/big.bin');
    assert.equal((await r.arrayBuffer()).byteLength, 4 * 1024 * 1024);
    // Read a few bytes, then vanish: the server must not crash or keep serving.
    const partial = await rawRequest(s.port, ['GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n'], 100);
    assert.equal(partial.status, 200);
    const again = await fetch(s.url + '/a.txt');
    assert.equal(await again.text(), '0123456789abcdefghij');
  });

  it('closes the file handle of every download the client abandons', { skip: process.platform !== 'linux' }, async () => {
    const fsp = await import('node:fs/promises');
    await fsp.writeFile(site.root + '/huge.bin', Buffer.alloc(32 * 1024 * 1024, 1));
    const fds = () => fsp.readdir('/proc/self/fd').then((l) => l.length);
    const before = await fds();
    for (let i = 0; i < 20; i++) {
      // A client that asks for 32 MB, reads nothing, and goes away.
      await new Promise<void>((resolve) => {
        const socket = net.connect(s.port, '127.0.0.1', () => socket.write('GET /huge.bin HTTP/1.1\r\nHost: x\r\n\r\n'));
        socket.pause();
        socket.on('error', () => {});
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    }
    // Closing is prompt: no waiting for the garbage collector (which would close leaked handles too).
    await new Promise((r) => setTimeout(r, 200));
    const after = await fds();
    assert.ok(after - before < 3, `file descriptors grew from ${before} to ${after}`);
  });

  it('immutable adds to Cache-Control; cacheControl: false sends none', async () => {
    const a = await serve([serveStatic(site.root, { maxAge: 86_400_000, immutable: true })], notFound);
    const b = await serve([serveStatic(site.root, { cacheControl: false, etag: false, lastModified: false })], notFound);
    try {
      const r = await fetch(a.url + '/a.txt');
      assert.equal(r.headers.get('cache-control'), 'public, max-age=86400, immutable');
      await r.arrayBuffer();
      const r2 = await fetch(b.url + '/a.txt');
      assert.equal(r2.headers.get('cache-control'), null);
      assert.equal(r2.headers.get('etag'), null);
      assert.equal(r2.headers.get('last-modified'), null);
      await r2.arrayBuffer();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('invalid options throw TypeError', () => {
    assert.throws(() => serveStatic(''), TypeError);
    assert.throws(() => serveStatic(site.root, { dotfiles: 'maybe' as never }), TypeError);
    assert.throws(() => serveStatic(site.root, { maxAge: 'forever' }), TypeError);
    assert.throws(() => serveStatic(site.root, { maxAge: -5 }), TypeError);
    assert.throws(() => serveStatic(site.root, { index: ['../x'] }), TypeError);
    assert.throws(() => serveStatic(site.root, { fallthrough: 'no' as never }), TypeError);
  });
});
