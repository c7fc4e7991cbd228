import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import {
  createApp,
  inject,
  json,
  urlencoded,
  text,
  serveStatic,
  cors,
  compression,
  Request,
  Response,
  HttpError,
  type App,
  type InjectRequest,
} from '../../lib/index.js';
import { makeSite, type Site } from '../middleware/static-fixture.js';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The same request over a real socket, with node:http so nothing is decoded behind our back. */
function overNetwork(port: number, r: InjectRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let payload: Buffer | undefined;
    const headers: http.OutgoingHttpHeaders = { ...(r.headers ?? {}) };
    if (typeof r.body === 'string') payload = Buffer.from(r.body);
    else if (Buffer.isBuffer(r.body)) payload = r.body;
    else if (r.body !== undefined) {
      payload = Buffer.from(JSON.stringify(r.body));
      headers['content-type'] ??= 'application/json';
    }
    if (payload !== undefined) headers['content-length'] = payload.length;
    const req = http.request({ host: '127.0.0.1', port, method: r.method ?? 'GET', path: r.url, headers, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

function decoded(a: { headers: http.IncomingHttpHeaders; body: Buffer }): string {
  const enc = a.headers['content-encoding'];
  const b = enc === 'gzip' ? zlib.gunzipSync(a.body) : enc === 'br' ? zlib.brotliDecompressSync(a.body) : a.body;
  return b.toString();
}

const COMPARED = ['content-type', 'content-encoding', 'content-range', 'location', 'vary', 'access-control-allow-origin', 'access-control-allow-headers', 'etag', 'allow', 'connection'];

const CASES: { name: string; req: InjectRequest }[] = [
  { name: 'json body', req: { method: 'POST', url: '/echo', body: { a: 1, nested: { b: [1, 2] } } } },
  { name: 'invalid json → 400', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, body: '{oops' } },
  { name: 'json past the limit → 413', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ s: 'x'.repeat(3000) }) } },
  { name: 'gzip json', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: zlib.gzipSync('{"z":true}') } },
  { name: 'zip bomb → 413', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: zlib.gzipSync(Buffer.alloc(5_000_000, 32)) } },
  { name: 'unknown charset → 415', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/json; charset=latin9' }, body: '{}' } },
  { name: 'nested form', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a[b]=1&a[c][]=2&__proto__[x]=1' } },
  { name: 'text', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'text/plain' }, body: 'plain words' } },
  { name: 'type not matched → body undefined', req: { method: 'POST', url: '/echo', headers: { 'content-type': 'application/xml' }, body: '<a/>' } },
  { name: 'static file', req: { url: '/static/a.txt' } },
  { name: 'static range', req: { url: '/static/a.txt', headers: { range: 'bytes=3-6' } } },
  { name: 'static 416', req: { url: '/static/a.txt', headers: { range: 'bytes=99-' } } },
  { name: 'static directory redirect', req: { url: '/static/dir?q=1' } },
  { name: 'static dotfile falls through to 404', req: { url: '/static/.secret' } },
  { name: 'static traversal', req: { url: '/static/..%2f..%2foutside.txt' } },
  { name: 'cors preflight', req: { method: 'OPTIONS', url: '/echo', headers: { origin: 'https://a.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-custom' } } },
  { name: 'compressed json', req: { url: '/big', headers: { 'accept-encoding': 'gzip' } } },
  { name: 'brotli json', req: { url: '/big', headers: { 'accept-encoding': 'br;q=1, gzip;q=0.5' } } },
  { name: 'handler error → status', req: { url: '/teapot' } },
];

describe('inject()', { timeout: 30000 }, () => {
  let site: Site;
  let app: App;
  let server: http.Server;
  let port: number;
  before(async () => {
    site = await makeSite();
    app = createApp();
    app.use(cors({ origin: ['https://a.example'] }));
    app.use(compression());
    app.use('/static', serveStatic(site.root));
    app.use(json({ limit: '2kb' }), urlencoded({ extended: true }), text());
    app.post('/echo', (req: Request, res: Response) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ body: req.body === undefined ? '(undefined)' : req.body, ip: req.socket.remoteAddress !== undefined }));
    });
    app.get('/big', (_req: Request, res: Response) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ list: Array.from({ length: 300 }, (_, i) => i) }));
    });
    app.get('/teapot', () => {
      throw new HttpError(418, 'short and stout', { code: 'KEEL_TEAPOT' });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await app.close();
    await site.cleanup();
  });

  for (const c of CASES) {
    it(`same answer in-process and over the network: ${c.name}`, async () => {
      const viaNet = await overNetwork(port, c.req);
      const viaInject = await inject(app, c.req);
      assert.equal(viaInject.status, viaNet.status);
      assert.equal(viaInject.statusCode, viaNet.status);
      for (const h of COMPARED) assert.equal(viaInject.headers[h], viaNet.headers[h], h);
      assert.equal(decoded({ headers: viaInject.headers, body: viaInject.rawBody }), decoded(viaNet));
      assert.equal(viaInject.body, viaInject.rawBody.toString());
    });
  }

  it('spot checks of the table answers', async () => {
    assert.deepEqual((await inject(app, CASES[0]!.req)).json<{ body: unknown }>().body, { a: 1, nested: { b: [1, 2] } });
    assert.equal((await inject(app, CASES[2]!.req)).status, 413);
    assert.equal((await inject(app, CASES[4]!.req)).status, 413);
    assert.deepEqual((await inject(app, CASES[6]!.req)).json<{ body: unknown }>().body, { a: { b: '1', c: ['2'] } });
    assert.equal((await inject(app, CASES[8]!.req)).json<{ body: unknown }>().body, '(undefined)');
    assert.equal((await inject(app, CASES[10]!.req)).body, '3456');
    assert.equal((await inject(app, CASES[12]!.req)).headers.location, './dir/?q=1');
    const traversal = await inject(app, CASES[14]!.req);
    assert.ok(traversal.status === 403 || traversal.status === 404);
    assert.ok(!traversal.body.includes('SECRET'));
    assert.equal((await inject(app, CASES[16]!.req)).headers['content-encoding'], 'gzip');
    assert.equal((await inject(app, CASES[18]!.req)).status, 418);
  });

  it('uses Keel Request/Response, honours remoteAddress, and works with a plain listener', async () => {
    let seen: { isRequest: boolean; isResponse: boolean; remote: string | undefined } | undefined;
    const listener = (req: Request, res: Response) => {
      seen = { isRequest: req instanceof Request, isResponse: res instanceof Response, remote: req.socket.remoteAddress };
      res.setHeader('X-Method', req.method ?? '');
      res.end(req.headers['x-case'] ?? '');
    };
    const r = await inject(listener, { method: 'PUT', url: '/x', headers: { 'X-Case': 'kept' }, remoteAddress: '10.1.2.3' });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'kept');
    assert.equal(r.headers['x-method'], 'PUT');
    assert.deepEqual(seen, { isRequest: true, isResponse: true, remote: '10.1.2.3' });
  });

  it('object bodies are sent as JSON with a content type; strings keep the given one', async () => {
    const listener = (req: Request, res: Response) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => res.end(`${req.headers['content-type']}|${req.headers['content-length']}|${data}`));
    };
    assert.equal((await inject(listener, { method: 'POST', url: '/', body: { a: 1 } })).body, 'application/json|7|{"a":1}');
    assert.equal((await inject(listener, { method: 'POST', url: '/', headers: { 'content-type': 'text/csv' }, body: 'a,b' })).body, 'text/csv|3|a,b');
  });

  it('a plain listener that throws gives a 500, not a crash', async () => {
    const r = await inject(() => {
      throw new Error('boom');
    }, { url: '/' });
    assert.equal(r.status, 500);
  });

  it('many injections in a row leave no sockets or listeners behind', async () => {
    const listener = (_req: Request, res: Response) => res.end('ok');
    for (let i = 0; i < 200; i++) assert.equal((await inject(listener, { url: '/' + i })).body, 'ok');
  });

  it('rejects a request without a url', async () => {
    await assert.rejects(inject(app, {} as InjectRequest), TypeError);
  });

  it('a listener that never answers rejects after the timeout instead of hanging', async () => {
    const silent = createApp();
    silent.get('/wait', () => {
      /* never answers */
    });
    const started = process.hrtime.bigint();
    await assert.rejects(silent.inject({ url: '/wait', timeout: 100 }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'KEEL_INJECT_TIMEOUT');
      assert.match(err.message, /GET \/wait within 100 ms/);
      return true;
    });
    // Never early (the upper side is bounded by this suite's own timeout).
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 >= 95);
    // The app still answers afterwards, and a response within the limit resolves as usual.
    silent.get('/now', (req, res) => res.send('ok'));
    assert.equal((await silent.inject({ url: '/now', timeout: 5000 })).body, 'ok');
  });

  it('a bad timeout is a TypeError; 0 waits forever', async () => {
    for (const timeout of [-1, 1.5, Number.NaN, 2 ** 31, Number.MAX_SAFE_INTEGER, '100' as unknown as number]) {
      await assert.rejects(inject(app, { url: '/', timeout }), TypeError, String(timeout));
    }
    const slow = createApp();
    slow.get('/', (req, res) => void setTimeout(() => res.send('late'), 150));
    assert.equal((await slow.inject({ url: '/', timeout: 0 })).body, 'late');
  });
});
