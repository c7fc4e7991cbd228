import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import { compression, type FlushableResponse } from '../../lib/middleware/compression.js';
import { negotiateEncoding } from '../../lib/middleware/accept-encoding.js';
import { serve, type Middleware, type TestServer } from './harness.js';
import { serveStatic } from '../../lib/middleware/static.js';
import { makeSite } from './static-fixture.js';

const BIG = JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: 'item ' + i })) });

/** State of the one /sse response in flight: how it ended, and how the client says it saw the first event. */
const sse: { endedBy: 'client' | 'timeout' | undefined; firstSeen: () => void } = { endedBy: undefined, firstSeen: () => {} };

const routes: Middleware = (req, res) => {
  const url = req.url!;
  if (url === '/big') {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(BIG));
    return res.end(BIG);
  }
  if (url === '/small') {
    res.setHeader('Content-Type', 'text/plain');
    return res.end('tiny');
  }
  if (url === '/png') {
    res.setHeader('Content-Type', 'image/png');
    return res.end(Buffer.alloc(5000));
  }
  if (url === '/encoded') {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Content-Encoding', 'gzip');
    return res.end(zlib.gzipSync('x'.repeat(5000)));
  }
  if (url === '/no-transform') {
    res.setHeader('Content-Type', 'text/plain');
    res.setHeader('Cache-Control', 'public, no-transform');
    return res.end('y'.repeat(5000));
  }
  if (url === '/204') {
    res.statusCode = 204;
    return res.end();
  }
  if (url === '/writehead') {
    res.writeHead(201, { 'Content-Type': 'text/html' });
    return res.end('<p>' + 'z'.repeat(5000) + '</p>');
  }
  if (url === '/stream') {
    res.setHeader('Content-Type', 'text/plain');
    // 8 MB through pipeline: write() return values and 'drain' must be honoured.
    let n = 0;
    const source = new Readable({
      read() {
        this.push(n++ < 512 ? Buffer.alloc(16384, 97 + (n % 26)) : null);
      },
    });
    pipeline(source, res, () => {});
    return;
  }
  if (url === '/sse') {
    res.setHeader('Content-Type', 'text/event-stream');
    res.write('data: first\n\n');
    (res as unknown as FlushableResponse).flush();
    // Ends once the client has seen the first event: an order, not a time. The 3 s fallback only
    // keeps a missing flush from hanging the test (it then ends by 'timeout' and the test fails).
    const end = (by: 'client' | 'timeout'): void => {
      if (sse.endedBy !== undefined) return;
      sse.endedBy = by;
      clearTimeout(fallback);
      res.end('data: last\n\n');
    };
    const fallback = setTimeout(() => end('timeout'), 3000);
    sse.firstSeen = () => end('client');
    return;
  }
  res.statusCode = 404;
  res.end();
};

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  text: string;
}

function get(port: number, path: string, acceptEncoding?: string, method = 'GET', onData?: (soFar: Buffer) => void): Promise<Got> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
    const req = http.request({ port, host: '127.0.0.1', path, method, headers, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        onData?.(Buffer.concat(chunks));
      });
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const enc = res.headers['content-encoding'];
        const plain =
          enc === 'gzip' ? zlib.gunzipSync(raw) : enc === 'br' ? zlib.brotliDecompressSync(raw) : enc === 'deflate' ? zlib.inflateSync(raw) : raw;
        resolve({ status: res.statusCode!, headers: res.headers, raw, text: plain.toString() });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('compression()', { timeout: 20000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await serve([compression()], routes);
  });
  after(() => s.close());

  it('negotiates by q-values with server preference br > gzip > deflate', () => {
    const all = ['br', 'gzip', 'deflate'];
    assert.equal(negotiateEncoding('gzip, deflate, br', all), 'br');
    assert.equal(negotiateEncoding('gzip;q=1, br;q=0.5', all), 'gzip');
    assert.equal(negotiateEncoding('br;q=0, *', all), 'gzip');
    assert.equal(negotiateEncoding('deflate', all), 'deflate');
    assert.equal(negotiateEncoding('x-gzip', all), 'gzip');
    assert.equal(negotiateEncoding('identity', all), 'identity');
    assert.equal(negotiateEncoding('*;q=0', all), 'identity');
    assert.equal(negotiateEncoding('gzip;q=2, br;q=x', all), 'identity');
    assert.equal(negotiateEncoding(' GZIP ; Q=0.5 ,', all), 'gzip');
    assert.equal(negotiateEncoding(undefined, all), 'identity');
    assert.equal(negotiateEncoding(','.repeat(5000) + 'gzip', all), 'gzip');
  });

  it('compresses above the threshold, drops Content-Length, adds Vary', async () => {
    for (const [accept, expected] of [['gzip', 'gzip'], ['br', 'br'], ['deflate', 'deflate'], ['gzip, br', 'br']] as const) {
      const r = await get(s.port, '/big', accept);
      assert.equal(r.headers['content-encoding'], expected, accept);
      assert.equal(r.headers['content-length'], undefined);
      assert.equal(r.headers.vary, 'Accept-Encoding');
      assert.equal(r.text, BIG);
      assert.ok(r.raw.length < BIG.length / 2);
    }
  });

  it('sends identity without Accept-Encoding or with identity only', async () => {
    for (const accept of [undefined, 'identity', 'br;q=0, gzip;q=0, deflate;q=0']) {
      const r = await get(s.port, '/big', accept);
      assert.equal(r.headers['content-encoding'], undefined);
      assert.equal(r.headers['content-length'], String(BIG.length));
      assert.equal(r.text, BIG);
    }
  });

  it('skips small, non-compressible, already-encoded, no-transform, 204 and HEAD', async () => {
    const small = await get(s.port, '/small', 'gzip');
    assert.equal(small.headers['content-encoding'], undefined);
    assert.equal(small.headers.vary, 'Accept-Encoding');
    assert.equal(small.text, 'tiny');
    const png = await get(s.port, '/png', 'gzip');
    assert.equal(png.headers['content-encoding'], undefined);
    assert.equal(png.headers.vary, undefined);
    const enc = await get(s.port, '/encoded', 'br');
    assert.equal(enc.headers['content-encoding'], 'gzip');
    assert.equal(enc.text, 'x'.repeat(5000));
    const nt = await get(s.port, '/no-transform', 'gzip');
    assert.equal(nt.headers['content-encoding'], undefined);
    assert.equal(nt.raw.length, 5000);
    const nc = await get(s.port, '/204', 'gzip');
    assert.equal(nc.status, 204);
    assert.equal(nc.headers['content-encoding'], undefined);
    const head = await get(s.port, '/big', 'gzip', 'HEAD');
    assert.equal(head.headers['content-encoding'], undefined);
    assert.equal(head.raw.length, 0);
  });

  it('decides by each response\'s own Content-Type when types alternate (the last parsed one is cached)', async () => {
    for (let i = 0; i < 3; i++) {
      const png = await get(s.port, '/png', 'gzip');
      assert.equal(png.headers['content-encoding'], undefined, `png ${i}`);
      const big = await get(s.port, '/big', 'gzip');
      assert.equal(big.headers['content-encoding'], 'gzip', `json ${i}`);
      assert.equal(big.text, BIG);
      const html = await get(s.port, '/writehead', 'gzip');
      assert.equal(html.headers['content-encoding'], 'gzip', `html ${i}`);
    }
  });

  it('sees headers given to writeHead', async () => {
    const r = await get(s.port, '/writehead', 'gzip');
    assert.equal(r.status, 201);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers['content-type'], 'text/html');
    assert.equal(r.text.length, 5007);
  });

  it('streams a large piped body with backpressure', async () => {
    const r = await get(s.port, '/stream', 'gzip');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.text.length, 512 * 16384);
  });

  it('flush() pushes data out before the end (server-sent events)', async () => {
    sse.endedBy = undefined;
    // Seen means decompressed: the gzip header alone arrives without any flush.
    const r = await get(s.port, '/sse', 'gzip', 'GET', (soFar) => {
      let text = '';
      try {
        text = zlib.gunzipSync(soFar, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
      } catch {
        return; // not even a whole gzip header yet
      }
      if (text.includes('data: first')) sse.firstSeen();
    });
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.text, 'data: first\n\ndata: last\n\n');
    // The response ended because the client had the first event, not by the server's fallback.
    assert.equal(sse.endedBy, 'client', 'the first event reached the client only at the end');
  });

  it('a client leaving mid-stream does not hurt the server', async () => {
    await new Promise<void>((resolve) => {
      const req = http.get({ port: s.port, host: '127.0.0.1', path: '/stream', headers: { 'accept-encoding': 'br' } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
    });
    const r = await get(s.port, '/big', 'gzip');
    assert.equal(r.text, BIG);
  });

  it('threshold and filter options', async () => {
    const s2 = await serve([compression({ threshold: 0, filter: () => true })], routes);
    try {
      const small = await get(s2.port, '/small', 'gzip');
      assert.equal(small.headers['content-encoding'], 'gzip');
      assert.equal(small.text, 'tiny');
      const png = await get(s2.port, '/png', 'gzip');
      assert.equal(png.headers['content-encoding'], 'gzip');
    } finally {
      await s2.close();
    }
  });

  it('with serveStatic: compressed files get a weak ETag that still revalidates; ranges stay identity', async () => {
    const site = await makeSite();
    const fsp = await import('node:fs/promises');
    await fsp.writeFile(site.root + '/page.html', '<p>' + 'hello '.repeat(1000) + '</p>');
    const s2 = await serve([compression(), serveStatic(site.root)], routes);
    try {
      const full = await get(s2.port, '/page.html', 'gzip');
      assert.equal(full.headers['content-encoding'], 'gzip');
      assert.match(full.headers.etag!, /^W\/"/);
      assert.equal(full.text.length, 6007);
      const again = await new Promise<number>((resolve, reject) => {
        http
          .get({ port: s2.port, host: '127.0.0.1', path: '/page.html', headers: { 'accept-encoding': 'gzip', 'if-none-match': full.headers.etag! } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
          .on('error', reject);
      });
      assert.equal(again, 304);
      const part = await new Promise<Got>((resolve, reject) => {
        http
          .get({ port: s2.port, host: '127.0.0.1', path: '/page.html', headers: { 'accept-encoding': 'gzip', range: 'bytes=0-2' } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, raw: Buffer.concat(chunks), text: Buffer.concat(chunks).toString() }));
          })
          .on('error', reject);
      });
      assert.equal(part.status, 206);
      assert.equal(part.headers['content-encoding'], undefined);
      assert.equal(part.text, '<p>');
    } finally {
      await s2.close();
      await site.cleanup();
    }
  });

  it('invalid options throw TypeError', () => {
    assert.throws(() => compression({ threshold: 'big' }), TypeError);
    assert.throws(() => compression({ level: 12 }), TypeError);
    assert.throws(() => compression({ brotliQuality: -1 }), TypeError);
    assert.throws(() => compression({ encodings: ['zstd' as never] }), TypeError);
    assert.throws(() => compression({ filter: 'x' as never }), TypeError);
  });
});
