import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cors, type CorsOptions } from '../../lib/middleware/cors.js';
import { serve } from './harness.js';

const ok = (_req: unknown, res: import('node:http').ServerResponse) => {
  res.end('actual');
};

async function withCors(options: CorsOptions | undefined, fn: (url: string) => Promise<void>): Promise<void> {
  const s = await serve([cors(options)], ok);
  try {
    await fn(s.url);
  } finally {
    await s.close();
  }
}

const preflight = (url: string, origin: string, headers: Record<string, string> = {}) =>
  fetch(url + '/x', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PUT', ...headers } });

describe('cors()', { timeout: 10000 }, () => {
  it('default: * on actual requests, preflight answered 204 with methods and reflected headers', () =>
    withCors(undefined, async (url) => {
      const r = await fetch(url + '/x', { headers: { origin: 'https://a.example' } });
      assert.equal(r.headers.get('access-control-allow-origin'), '*');
      assert.equal(r.headers.get('vary'), null);
      assert.equal(await r.text(), 'actual');
      const p = await preflight(url, 'https://a.example', { 'access-control-request-headers': 'x-token, content-type' });
      assert.equal(p.status, 204);
      assert.equal(p.headers.get('access-control-allow-methods'), 'GET,HEAD,PUT,PATCH,POST,DELETE');
      assert.equal(p.headers.get('access-control-allow-headers'), 'x-token, content-type');
      assert.match(p.headers.get('vary')!, /Access-Control-Request-Headers/);
      assert.equal(p.headers.get('content-length'), '0');
    }));

  it('list of origins: allowed origin reflected with Vary: Origin, others get no ACAO', () =>
    withCors({ origin: ['https://a.example', /\.trusted\.example$/], credentials: true, exposedHeaders: ['X-Total'] }, async (url) => {
      const r = await fetch(url + '/x', { headers: { origin: 'https://a.example' } });
      assert.equal(r.headers.get('access-control-allow-origin'), 'https://a.example');
      assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
      assert.equal(r.headers.get('access-control-expose-headers'), 'X-Total');
      assert.equal(r.headers.get('vary'), 'Origin');
      await r.text();
      const re = await fetch(url + '/x', { headers: { origin: 'https://api.trusted.example' } });
      assert.equal(re.headers.get('access-control-allow-origin'), 'https://api.trusted.example');
      await re.text();
      const bad = await fetch(url + '/x', { headers: { origin: 'https://evil.example' } });
      assert.equal(bad.headers.get('access-control-allow-origin'), null);
      assert.equal(bad.headers.get('vary'), 'Origin');
      assert.equal(await bad.text(), 'actual');
      const p = await preflight(url, 'https://evil.example');
      assert.equal(p.status, 204);
      assert.equal(p.headers.get('access-control-allow-methods'), null);
    }));

  it('true reflects; a function decides (async too); maxAge, allowedHeaders, optionsSuccessStatus', async () => {
    await withCors({ origin: true }, async (url) => {
      const r = await fetch(url + '/x', { headers: { origin: 'https://z.example' } });
      assert.equal(r.headers.get('access-control-allow-origin'), 'https://z.example');
      await r.text();
    });
    await withCors(
      { origin: async (o) => o === 'https://ok.example', maxAge: 600, allowedHeaders: 'X-A', methods: ['GET', 'PUT'], optionsSuccessStatus: 200 },
      async (url) => {
        const p = await preflight(url, 'https://ok.example', { 'access-control-request-headers': 'x-b' });
        assert.equal(p.status, 200);
        assert.equal(p.headers.get('access-control-allow-origin'), 'https://ok.example');
        assert.equal(p.headers.get('access-control-max-age'), '600');
        assert.equal(p.headers.get('access-control-allow-headers'), 'X-A');
        assert.equal(p.headers.get('access-control-allow-methods'), 'GET,PUT');
        const no = await preflight(url, 'https://no.example');
        assert.equal(no.headers.get('access-control-allow-origin'), null);
      },
    );
  });

  it('preflightContinue passes the preflight on; plain OPTIONS is not a preflight', async () => {
    await withCors({ preflightContinue: true }, async (url) => {
      const p = await preflight(url, 'https://a.example');
      assert.equal(p.status, 200);
      assert.equal(await p.text(), 'actual');
      assert.equal(p.headers.get('access-control-allow-methods'), 'GET,HEAD,PUT,PATCH,POST,DELETE');
    });
    await withCors(undefined, async (url) => {
      const r = await fetch(url + '/x', { method: 'OPTIONS', headers: { origin: 'https://a.example' } });
      assert.equal(await r.text(), 'actual');
    });
  });

  it('invalid options throw TypeError', () => {
    assert.throws(() => cors({ origin: 5 as never }), TypeError);
    assert.throws(() => cors({ credentials: true }), TypeError);
    assert.throws(() => cors({ maxAge: -1 }), TypeError);
    assert.throws(() => cors({ methods: 7 as never }), TypeError);
    assert.throws(() => cors({ optionsSuccessStatus: 404 }), TypeError);
  });
});
