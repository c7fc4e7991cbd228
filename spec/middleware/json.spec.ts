import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { json } from '../../lib/middleware/json.js';
import { raw } from '../../lib/middleware/raw.js';
import { serve, rawRequest, chunked, jsonOf, type TestServer } from './harness.js';
import { createApp } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';
import { assertGrowth, cpuGrowthAsync } from '../helpers/cpu-time.js';

describe('json()', { timeout: 20000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await serve([json(), json()]);
  });
  after(() => s.close());

  const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(s.url + '/', { method: 'POST', headers, body });

  it('parses an object into req.body', async () => {
    const r = await post('{"a":1,"b":[true,null]}');
    assert.equal(r.status, 200);
    assert.deepEqual(await jsonOf(r), { type: 'object', body: { a: 1, b: [true, null] }, proto: 'object' });
  });

  it('matches +json types and types with parameters', async () => {
    const r = await post('{"x":"y"}', { 'content-type': 'application/json; charset=UTF-8' });
    assert.deepEqual((await jsonOf(r)).body, { x: 'y' });
    const s2 = await serve([json({ type: '+json' })]);
    try {
      const r2 = await fetch(s2.url, { method: 'POST', headers: { 'content-type': 'application/vnd.api+json' }, body: '[1]' });
      assert.deepEqual((await jsonOf(r2)).body, [1]);
    } finally {
      await s2.close();
    }
  });

  it('leaves req.body undefined for other types and for bodyless requests', async () => {
    const r = await post('{"a":1}', { 'content-type': 'text/plain' });
    assert.deepEqual(await jsonOf(r), { type: 'undefined' });
    const r2 = await fetch(s.url);
    assert.deepEqual(await jsonOf(r2), { type: 'undefined' });
  });

  it('gives {} for an empty body', async () => {
    const r = await post('');
    assert.equal((await jsonOf(r)).type, 'object');
  });

  it('answers 400 with a short safe message for invalid JSON', async () => {
    const r = await post('{"a":<script>');
    assert.equal(r.status, 400);
    const j = await jsonOf(r);
    assert.equal(j.code, 'KEEL_BODY_INVALID_JSON');
    assert.ok(!JSON.stringify(j).includes('script'));
  });

  it('strict mode refuses primitives; strict: false accepts them', async () => {
    assert.equal((await post('"hello"')).status, 400);
    assert.equal((await post('  42')).status, 400);
    const s2 = await serve([json({ strict: false })]);
    try {
      const r = await fetch(s2.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '42' });
      assert.deepEqual(await jsonOf(r), { type: 'number', body: 42, proto: 'none' });
    } finally {
      await s2.close();
    }
  });

  it('applies the reviver', async () => {
    const s2 = await serve([json({ reviver: (k, v) => (k === 'n' ? Number(v) * 2 : v) })]);
    try {
      const r = await fetch(s2.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":21}' });
      assert.deepEqual((await jsonOf(r)).body, { n: 42 });
    } finally {
      await s2.close();
    }
  });

  it('answers 415 for an unsupported charset and accepts utf-16le', async () => {
    const r = await post('{}', { 'content-type': 'application/json; charset=koi8-r' });
    assert.equal(r.status, 415);
    assert.equal((await jsonOf(r)).code, 'KEEL_BODY_UNSUPPORTED_CHARSET');
    const r2 = await post(Buffer.from('{"é":1}', 'utf16le'), { 'content-type': 'application/json; charset=utf-16le' });
    assert.deepEqual((await jsonOf(r2)).body, { 'é': 1 });
  });

  it('drops __proto__ and constructor.prototype keys, also when escaped', async () => {
    const r = await post('{"a":{"__proto__":{"polluted":1}},"\\u005f_proto__":{"x":1},"constructor":{"prototype":{"y":1}},"ok":1}');
    const j = await jsonOf(r);
    assert.deepEqual(j.body, { a: {}, ok: 1 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('drops each dangerous key when it is the only one, written plainly or with escapes', async () => {
    const bodies = [
      '{"constructor":{"prototype":{"y":1}},"ok":1}',
      '{"\\u0063onstructor":{"prototype":{"y":1}},"ok":1}',
      '{"constructor":{"pro\\u0074otype":{"y":1}},"ok":1}',
      '{"__pr\\u006fto__":{"y":1},"ok":1}',
      '[{"n":{"__proto__":{"y":1}}},{"ok":1}]',
    ];
    const expected = [{ ok: 1 }, { ok: 1 }, { ok: 1 }, { ok: 1 }, [{ n: {} }, { ok: 1 }]];
    for (let i = 0; i < bodies.length; i++) {
      const j = await jsonOf(await post(bodies[i]!));
      assert.deepEqual(j.body, expected[i], bodies[i]);
    }
    // A 'constructor' key that holds no 'prototype' is ordinary data and stays.
    assert.deepEqual((await jsonOf(await post('{"constructor":"x","ok":1}'))).body, { constructor: 'x', ok: 1 });
  });

  it('413 past the limit by Content-Length, before reading', async () => {
    const s2 = await serve([json({ limit: '1kb' })]);
    try {
      const r = await rawRequest(s2.port, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"a":'], 3000);
      assert.equal(r.status, 413);
      assert.match(r.text, /connection: close/i);
      assert.equal(r.closed, true);
    } finally {
      await s2.close();
    }
  });

  it('413 past the limit on a chunked body, counted on bytes received, and the connection closes', async () => {
    const s2 = await serve([json({ limit: 1000 })]);
    try {
      const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
      // 600 chunks of 100 bytes would be 60 kB; the server must stop long before that.
      const parts = [head, ...chunked(100, 600).match(/[\s\S]{1,2000}/g)!];
      const r = await rawRequest(s2.port, parts, 5000, 2);
      assert.equal(r.status, 413);
      // closed by the server, before the client's own 5 s timer (which would leave closed false).
      assert.equal(r.closed, true);
    } finally {
      await s2.close();
    }
  });

  it('inflates gzip, deflate and br bodies', async () => {
    const body = JSON.stringify({ hello: 'world'.repeat(10) });
    for (const [enc, data] of [
      ['gzip', zlib.gzipSync(body)],
      ['deflate', zlib.deflateSync(body)],
      ['br', zlib.brotliCompressSync(body)],
    ] as const) {
      const r = await post(data, { 'content-type': 'application/json', 'content-encoding': enc });
      assert.equal(r.status, 200, enc);
      assert.deepEqual((await jsonOf(r)).body, JSON.parse(body));
    }
  });

  it('413 for a zip bomb: a small gzip inflating past the limit, inflated no further', async () => {
    const bomb = (mib: number): Buffer => zlib.gzipSync(Buffer.alloc(mib * 1024 * 1024, 0x20));
    const big = bomb(50); // ~50 kB on the wire, 50 MB inflated
    assert.ok(big.length < 100 * 1024);
    const gzip = { 'content-type': 'application/json', 'content-encoding': 'gzip' };
    const r = await post(big, gzip);
    assert.equal(r.status, 413);
    // CPU time (client and server in this process, never wall-clock) per inflated byte at 50 MB over
    // that at 5 MB: inflation stops at the limit, so 10x the bomb costs about the same and the ratio
    // falls to ~0.1; inflating all of it would keep it near 1.
    const growth = await cpuGrowthAsync((mib) => {
      const body = mib === 50 ? big : bomb(mib);
      return async () => {
        const res = await post(body, gzip);
        await res.arrayBuffer();
        assert.equal(res.status, 413);
      };
    }, 5, 50);
    assertGrowth('zip bomb', growth, 0.5);
  });

  it('415 for an unknown Content-Encoding, 400 for a corrupt gzip', async () => {
    const r = await post('{}', { 'content-type': 'application/json', 'content-encoding': 'compress' });
    assert.equal(r.status, 415);
    // Names an object inherits are no codings either.
    for (const enc of ['__proto__', 'constructor', 'toString']) {
      const odd = await post('{}', { 'content-type': 'application/json', 'content-encoding': enc });
      assert.equal(odd.status, 415, enc);
    }
    assert.equal((await jsonOf(r)).code, 'KEEL_BODY_UNSUPPORTED_ENCODING');
    const r2 = await post(Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    assert.equal(r2.status, 400);
  });

  it('415 for gzip when inflate is false', async () => {
    const s2 = await serve([json({ inflate: false })]);
    try {
      const r = await fetch(s2.url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: zlib.gzipSync('{}') });
      assert.equal(r.status, 415);
    } finally {
      await s2.close();
    }
  });

  it('verify throwing gives 403; verify sees the raw bytes', async () => {
    let seen = '';
    const s2 = await serve([
      json({
        verify: (_req, _res, buf) => {
          seen = buf.toString();
          if (seen.includes('bad')) throw new Error('nope');
        },
      }),
    ]);
    try {
      const h = { 'content-type': 'application/json' };
      assert.equal((await fetch(s2.url, { method: 'POST', headers: h, body: '{"a":"good"}' })).status, 200);
      assert.equal(seen, '{"a":"good"}');
      const r = await fetch(s2.url, { method: 'POST', headers: h, body: '{"a":"bad"}' });
      assert.equal(r.status, 403);
      assert.equal((await jsonOf(r)).code, 'KEEL_BODY_VERIFY_FAILED');
    } finally {
      await s2.close();
    }
  });

  it('never reads a body twice: a second parser skips', async () => {
    const s2 = await serve([json(), raw({ type: '*/*' })]);
    try {
      const r = await fetch(s2.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      assert.deepEqual((await jsonOf(r)).body, { a: 1 });
    } finally {
      await s2.close();
    }
  });

  it("shares Express body-parser's `_body` flag: a body read elsewhere is skipped, one read here is marked", async () => {
    const seen: unknown[] = [];
    const s2 = await serve([
      (req, _res, next) => {
        // What body-parser does once it has consumed a body.
        if (req.headers['x-read-elsewhere'] === 'yes') {
          (req as { _body?: boolean })._body = true;
          req.resume();
        }
        return next();
      },
      json(),
      (req, _res, next) => {
        seen.push((req as { _body?: boolean })._body);
        return next();
      },
    ]);
    try {
      const body = '{"a":1}';
      const skipped = await fetch(s2.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-read-elsewhere': 'yes' }, body });
      assert.deepEqual(await jsonOf(skipped), { type: 'undefined' });
      const parsed = await fetch(s2.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.deepEqual((await jsonOf(parsed)).body, { a: 1 });
      const bodyless = await fetch(s2.url);
      assert.equal(bodyless.status, 200);
      await bodyless.arrayBuffer();
      assert.deepEqual(seen, [true, true, false]);
    } finally {
      await s2.close();
    }
  });

  it('a client vanishing mid-body (plain or gzip) gets KEEL_BODY_ABORTED and leaves no listeners behind', async () => {
    const gz = zlib.gzipSync(JSON.stringify({ a: 'x'.repeat(2000) }));
    const requests: (string | Buffer)[][] = [
      ['POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"a":'],
      [
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`,
        gz.subarray(0, gz.length >> 1),
      ],
    ];
    for (const parts of requests) {
      let captured: import('node:http').IncomingMessage | undefined;
      let settled: (v: unknown) => void = () => {};
      const done = new Promise((r) => (settled = r));
      const parser = json();
      const s2 = await serve([
        (req, res, next) => {
          captured = req;
          return parser(req, res, (err?: unknown) => {
            settled(err);
            return next(err);
          });
        },
      ]);
      try {
        await rawRequest(s2.port, parts, 200);
        const err = (await done) as { code?: string };
        assert.equal(err.code, 'KEEL_BODY_ABORTED');
        for (const event of ['data', 'end', 'close', 'error']) assert.equal(captured!.listenerCount(event), 0, event);
      } finally {
        await s2.close();
      }
    }
  });

  it('await next() above the parser waits for the handlers after it, synchronous or not', async () => {
    const app = createApp();
    const order: string[] = [];
    let finished: Promise<void> = Promise.resolve();
    app.use((req, res, next) => {
      finished = (async () => {
        order.push('before');
        await next();
        order.push(`after (${res.writableEnded ? 'answered' : 'not answered'})`);
      })();
      return finished;
    });
    app.use(json());
    app.post('/sync', (req, res) => {
      order.push('handler');
      res.json(req.body);
    });
    app.post('/async', async (req, res) => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('handler');
      res.json(req.body);
    });
    await withApp(app, async (url) => {
      for (const path of ['/sync', '/async']) {
        order.length = 0;
        const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
        assert.deepEqual(await r.json(), { a: 1 });
        await finished;
        assert.deepEqual(order, ['before', 'handler', 'after (answered)'], path);
      }
    });
  });

  it('called directly, a parser returns a Promise that settles only after what next() returned', async () => {
    const parser = json();
    const app = createApp();
    app.use((req, res) => {
      let release!: () => void;
      const downstream = new Promise<void>((r) => (release = r));
      let settled = false;
      const returned = parser(req, res, () => downstream) as Promise<unknown>;
      void returned.then(() => (settled = true));
      setTimeout(() => {
        const early = settled;
        release();
        void returned.then(() => res.json({ early, late: settled, body: req.body }));
      }, 30);
    });
    await withApp(app, async (url) => {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' });
      assert.deepEqual(await r.json(), { early: false, late: true, body: [1] });
    });
  });

  it('throws TypeError for invalid options at creation', () => {
    assert.throws(() => json({ limit: 'lots' }), TypeError);
    assert.throws(() => json({ limit: -1 }), TypeError);
    assert.throws(() => json({ limit: NaN }), TypeError);
    assert.throws(() => json({ strict: 'yes' as never }), TypeError);
    assert.throws(() => json({ type: 42 as never }), TypeError);
    assert.throws(() => json({ verify: 'x' as never }), TypeError);
    assert.throws(() => json({ limt: 10 } as never), TypeError);
  });
});
