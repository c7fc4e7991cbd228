// serveStatic() remembers files proven to lie inside the root (lib/http/static-verified.ts).
// These specs prove the memory never serves what a fresh realpath check would refuse: symlinks
// swapped to lead out, files changed, deleted or replaced by a FIFO; and that it stays bounded.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import fsSync from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import os from 'node:os';
import { serveStatic } from '../../lib/index.js';
import { VerifiedFiles, type VerifiedFile } from '../../lib/http/static-verified.js';
import { rawRequest } from './harness.js';
import { makeSite, type Site } from './static-fixture.js';
import { start, type Running } from './app-server.js';

async function get(url: string): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return { status: r.status, text: await r.text() };
}

describe('serveStatic() proven-path memory', { timeout: 20000 }, () => {
  let site: Site;
  let s: Running;
  before(async () => {
    site = await makeSite();
    s = await start((app) => {
      app.use('/hdr', serveStatic(site.root, { setHeaders: () => { throw new Error('boom'); } }));
      app.use('/nocache', serveStatic(site.root, { fallthrough: false, verifiedCacheSize: 0 }));
      app.use(serveStatic(site.root, { fallthrough: false }));
    });
  });
  after(async () => {
    await s.close();
    await site.cleanup();
  });

  it('a symlink swapped to lead outside the root after being served is refused', async () => {
    const link = path.join(site.root, 'swap.txt');
    await fs.symlink(path.join(site.root, 'a.txt'), link);
    for (let i = 0; i < 3; i++) assert.deepEqual(await get(s.url + '/swap.txt'), { status: 200, text: '0123456789abcdefghij' });
    await fs.unlink(link);
    await fs.symlink(path.join(site.base, 'outside.txt'), link);
    for (let i = 0; i < 3; i++) {
      const r = await get(s.url + '/swap.txt');
      assert.equal(r.status, 403);
      assert.ok(!r.text.includes('SECRET'));
    }
  });

  it('a symlinked directory swapped to lead outside the root is refused for a file served before', async () => {
    const outside = path.join(site.base, 'evil-dir');
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'index.html'), 'SECRET-SWAPPED-DIR');
    const link = path.join(site.root, 'swapdir');
    await fs.symlink(path.join(site.root, 'dir'), link);
    assert.deepEqual(await get(s.url + '/swapdir/index.html'), { status: 200, text: '<h1>dir</h1>' });
    assert.deepEqual(await get(s.url + '/swapdir/'), { status: 200, text: '<h1>dir</h1>' });
    await fs.unlink(link);
    await fs.symlink(outside, link);
    for (const p of ['/swapdir/index.html', '/swapdir/']) {
      const r = await get(s.url + p);
      assert.ok(r.status === 403 || r.status === 404, `${p}: ${r.status}`);
      assert.ok(!r.text.includes('SECRET'), p);
    }
  });

  it('a directory swapped for a symlink between realpath() and open() is refused: the descriptor\'s own path is checked', {
    skip: process.platform === 'linux' ? false : 'needs /proc/self/fd (Linux); elsewhere only the realpath check applies',
  }, async () => {
    // The race, made certain: realpath() answers as if 'linkdir' were still a directory inside
    // the root (as it would have been a moment before it was swapped for a symlink leading out).
    const realpath = fsSync.realpath;
    const lied = path.join(site.root, 'linkdir', 'secret.txt');
    const liar = ((p: string, cb: (err: NodeJS.ErrnoException | null, resolved: string) => void) => {
      if (p === lied) cb(null, lied);
      else realpath(p, cb);
    }) as unknown as typeof fsSync.realpath;
    fsSync.realpath = liar;
    try {
      const r = await get(s.url + '/nocache/linkdir/secret.txt');
      assert.equal(r.status, 403);
      assert.ok(!r.text.includes('SECRET'));
    } finally {
      fsSync.realpath = realpath;
    }
    // Without the lie, the same path is refused by the realpath check itself.
    assert.equal((await get(s.url + '/nocache/linkdir/secret.txt')).status, 403);
  });

  it('a changed, deleted and recreated file is served as it is now', async () => {
    const file = path.join(site.root, 'live.txt');
    await fs.writeFile(file, 'one');
    const first = await fetch(s.url + '/live.txt');
    assert.equal(await first.text(), 'one');
    await fs.writeFile(file, 'three');
    const second = await fetch(s.url + '/live.txt');
    assert.equal(await second.text(), 'three');
    assert.equal(second.headers.get('content-length'), '5');
    assert.notEqual(second.headers.get('etag'), first.headers.get('etag'));
    await fs.unlink(file);
    assert.equal((await get(s.url + '/live.txt')).status, 404);
    await fs.writeFile(file, 'again');
    assert.deepEqual(await get(s.url + '/live.txt'), { status: 200, text: 'again' });
  });

  it('a served file replaced by a FIFO answers 404 without blocking', { skip: process.platform === 'win32' }, async () => {
    const file = path.join(site.root, 'pipe.txt');
    await fs.writeFile(file, 'plain');
    assert.deepEqual(await get(s.url + '/pipe.txt'), { status: 200, text: 'plain' });
    await fs.unlink(file);
    execFileSync('mkfifo', [file]);
    // Several at once: a blocking open would tie up the thread pool and time these out.
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => rawRequest(s.port, ['GET /pipe.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], 2000)));
    for (const r of results) assert.equal(r.status, 404);
    assert.deepEqual(await get(s.url + '/a.txt'), { status: 200, text: '0123456789abcdefghij' });
  });

  it('verifiedCacheSize: 0 proves every request and refuses the same escapes', async () => {
    assert.deepEqual(await get(s.url + '/nocache/a.txt'), { status: 200, text: '0123456789abcdefghij' });
    assert.equal((await get(s.url + '/nocache/link-out.txt')).status, 403);
  });

  it('ranges of a large file are streamed from the right offsets', async () => {
    await fs.writeFile(path.join(site.root, 'seq.bin'), Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251)));
    for (const [from, to] of [[0, 99_999], [70_000, 299_999], [65_535, 65_536 + 65_536]]) {
      const r = await fetch(s.url + '/seq.bin', { headers: { Range: `bytes=${from}-${to}` } });
      assert.equal(r.status, 206);
      const body = Buffer.from(await r.arrayBuffer());
      assert.equal(body.length, to! - from! + 1);
      for (let i = 0; i < body.length; i += 997) assert.equal(body[i], (from! + i) % 251);
      assert.equal(body[body.length - 1], to! % 251);
    }
  });

  it('many parallel requests for the same and different files all succeed', async () => {
    const paths = ['/a.txt', '/style.css', '/', '/dir/', '/link-in.txt'];
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => get(s.url + paths[i % paths.length])));
    for (const r of results) assert.equal(r.status, 200);
  });

  it('a throwing setHeaders reaches the error handler instead of crashing', async () => {
    assert.equal((await get(s.url + '/hdr/a.txt')).status, 500);
    assert.deepEqual(await get(s.url + '/a.txt'), { status: 200, text: '0123456789abcdefghij' });
  });

  it('verifiedCacheSize must be a non-negative integer', () => {
    for (const v of [-1, 1.5, '10', Number.NaN, Infinity]) {
      assert.throws(() => serveStatic(site.root, { verifiedCacheSize: v as number }), TypeError, String(v));
    }
  });
});

describe('a root that is a symlink swapped by a deployment (current -> releases/N)', { timeout: 20000 }, () => {
  let dir: string;
  let s: Running;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'keel-swap-'));
    for (const [release, text] of [['1', 'one'], ['2', 'two']]) {
      await fs.mkdir(path.join(dir, 'releases', release), { recursive: true });
      await fs.writeFile(path.join(dir, 'releases', release, 'a.txt'), text);
    }
    await fs.writeFile(path.join(dir, 'releases', '2', 'b.txt'), 'new in two');
    await fs.writeFile(path.join(dir, 'outside.txt'), 'secret');
    await fs.symlink(path.join(dir, 'outside.txt'), path.join(dir, 'releases', '2', 'escape.txt'));
    await fs.symlink(path.join(dir, 'releases', '1'), path.join(dir, 'current'));
    const current = path.join(dir, 'current');
    s = await start((app) => {
      app.get('/file/:name', (req, res, next) => res.sendFile(req.params.name, { root: current }, (err) => err && next(err)));
      app.use('/static', serveStatic(current, { fallthrough: false }));
    });
  });
  after(async () => {
    await s.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('serves the new release after the swap, and still refuses a symlink leading out of it', async () => {
    assert.deepEqual(await get(s.url + '/static/a.txt'), { status: 200, text: 'one' });
    assert.deepEqual(await get(s.url + '/file/a.txt'), { status: 200, text: 'one' });
    // The swap as deployment tools make it: a new link renamed over the old one (atomic).
    await fs.symlink(path.join(dir, 'releases', '2'), path.join(dir, 'current.next'));
    await fs.rename(path.join(dir, 'current.next'), path.join(dir, 'current'));
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await get(s.url + '/static/a.txt'), { status: 200, text: 'two' });
      assert.deepEqual(await get(s.url + '/static/b.txt'), { status: 200, text: 'new in two' });
      assert.deepEqual(await get(s.url + '/file/a.txt'), { status: 200, text: 'two' });
      assert.equal((await get(s.url + '/static/escape.txt')).status, 403);
      assert.equal((await get(s.url + '/file/escape.txt')).status, 403);
    }
  });
});

describe('VerifiedFiles', () => {
  const entry = (real: string): VerifiedFile => ({ real, dev: 1, ino: 2, ctimeMs: 3, mtimeMs: 3, size: 4, type: 't', etag: '"e"', lastModified: 'x' });

  it('keeps at most max entries, dropping the oldest', () => {
    const v = new VerifiedFiles(3);
    for (const k of ['a', 'b', 'c', 'd']) v.set(k, entry(k));
    assert.equal(v.size, 3);
    assert.equal(v.get('a'), undefined);
    assert.equal(v.get('d')?.real, 'd');
    v.set('b', entry('b2'));
    v.set('e', entry('e'));
    assert.equal(v.get('c'), undefined);
    assert.equal(v.get('b')?.real, 'b2');
    v.delete('b');
    assert.equal(v.size, 2);
  });

  it('max 0 remembers nothing', () => {
    const v = new VerifiedFiles(0);
    v.set('a', entry('a'));
    assert.equal(v.size, 0);
  });
});
