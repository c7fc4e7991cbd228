import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { raw } from '../../lib/middleware/raw.js';
import { serve, jsonOf, type TestServer } from './harness.js';

describe('raw()', { timeout: 10000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await serve([raw({ limit: '2kb', type: ['application/octet-stream', 'image/*'] })]);
  });
  after(() => s.close());

  it('reads the body as a Buffer', async () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    assert.deepEqual(await jsonOf(r), { type: 'buffer', base64: bytes.toString('base64') });
  });

  it('matches wildcard types', async () => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'png' });
    assert.equal((await jsonOf(r)).type, 'buffer');
  });

  it('inflated size counts against the limit', async () => {
    const ok = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'image/png', 'content-encoding': 'deflate' }, body: zlib.deflateSync(Buffer.alloc(2048)) });
    assert.equal(ok.status, 200);
    const big = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'image/png', 'content-encoding': 'br' }, body: zlib.brotliCompressSync(Buffer.alloc(2049)) });
    assert.equal(big.status, 413);
  });
});
