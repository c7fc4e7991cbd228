import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { urlencoded } from '../../lib/middleware/urlencoded.js';
import { serve, jsonOf, rawRequest, chunked, type TestServer } from './harness.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('urlencoded()', { timeout: 20000 }, () => {
  let flat: TestServer;
  let nested: TestServer;
  before(async () => {
    flat = await serve([urlencoded()]);
    nested = await serve([urlencoded({ extended: true, depth: 3, arrayLimit: 5, parameterLimit: 20 })]);
  });
  after(async () => {
    await flat.close();
    await nested.close();
  });
  const post = (s: TestServer, body: string, headers: Record<string, string> = FORM) =>
    fetch(s.url, { method: 'POST', headers, body });

  it('flat: decodes names and values, repeated keys become arrays, null prototype', async () => {
    const j = await jsonOf(await post(flat, 'a=1&b=h%C3%A9llo+w%20d&a=2&c&=skip&bad=%ZZ%4'));
    assert.deepEqual(j.body, { a: ['1', '2'], b: 'héllo w d', c: '', bad: '%ZZ%4' });
    assert.equal(j.proto, 'null');
  });

  it('flat: brackets are plain characters', async () => {
    const j = await jsonOf(await post(flat, 'a[b]=1'));
    assert.deepEqual(j.body, { 'a[b]': '1' });
  });

  it('nested: objects, arrays, indices (compacted)', async () => {
    const j = await jsonOf(await post(nested, 'user[name]=ann&user[tags][]=x&user[tags][]=y&list[3]=c&list[1]=b&m=1&m=2'));
    assert.deepEqual(j.body, { user: { name: 'ann', tags: ['x', 'y'] }, list: ['b', 'c'], m: ['1', '2'] });
  });

  it('nested: depth past the cap is 400', async () => {
    assert.equal((await post(nested, 'a[b][c][d]=1')).status, 200);
    const r = await post(nested, 'a[b][c][d][e]=1');
    assert.equal(r.status, 400);
    assert.equal((await jsonOf(r)).code, 'KEEL_BODY_DEPTH_EXCEEDED');
  });

  it('nested: array cap applies to [], indices and repeated keys', async () => {
    for (const body of ['a[]=1&a[]=2&a[]=3&a[]=4&a[]=5&a[]=6', 'a[5]=x', 'a=1&a=2&a=3&a=4&a=5&a=6', 'a=1&a[]=2&a[]=3&a[]=4&a[]=5&a[]=6']) {
      const r = await post(nested, body);
      assert.equal(r.status, 413, body);
      assert.equal((await jsonOf(r)).code, 'KEEL_BODY_ARRAY_LIMIT');
    }
    assert.equal((await post(nested, 'a[4]=x')).status, 200);
  });

  it('prototype keys are skipped in every position', async () => {
    const j = await jsonOf(await post(nested, '__proto__[polluted]=1&a[__proto__][x]=1&constructor[prototype][y]=1&b[constructor]=2&ok=1'));
    assert.deepEqual(j.body, { ok: '1' });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const j2 = await jsonOf(await post(flat, '__proto__=1&constructor=2&ok=1'));
    assert.deepEqual(j2.body, { ok: '1' });
  });

  it('more parameters than parameterLimit is 413', async () => {
    const body = Array.from({ length: 21 }, (_, i) => `k${i}=v`).join('&');
    const r = await post(nested, body);
    assert.equal(r.status, 413);
    assert.equal((await jsonOf(r)).code, 'KEEL_BODY_TOO_MANY_PARAMETERS');
    assert.equal((await post(nested, body.slice(0, body.lastIndexOf('&')))).status, 200);
  });

  it('iso-8859-1 charset decodes escapes as single bytes; other charsets are 415', async () => {
    const j = await jsonOf(await post(flat, 'n=caf%E9', { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' }));
    assert.deepEqual(j.body, { n: 'café' });
    const r = await post(flat, 'a=1', { 'content-type': 'application/x-www-form-urlencoded; charset=shift_jis' });
    assert.equal(r.status, 415);
  });

  it('limit on a chunked body is enforced on received bytes', async () => {
    const s = await serve([urlencoded({ limit: 500 })]);
    try {
      const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n';
      const r = await rawRequest(s.port, [head, chunked(100, 10)], 3000);
      assert.equal(r.status, 413);
    } finally {
      await s.close();
    }
  });

  it('invalid options throw TypeError at creation', () => {
    assert.throws(() => urlencoded({ parameterLimit: 0 }), TypeError);
    assert.throws(() => urlencoded({ parameterLimit: Infinity }), TypeError);
    assert.throws(() => urlencoded({ depth: -1 }), TypeError);
    assert.throws(() => urlencoded({ arrayLimit: 1.5 }), TypeError);
    assert.throws(() => urlencoded({ extended: 'yes' as never }), TypeError);
    assert.throws(() => urlencoded({ defaultCharset: 'ebcdic' }), TypeError);
    assert.throws(() => urlencoded({ limit: '10 parsecs' }), TypeError);
  });
});
