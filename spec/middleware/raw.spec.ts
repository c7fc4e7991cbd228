import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { raw } from '../../lib/middleware/raw.js';
import { serve, jsonOf, rawRequest, type TestServer } from './harness.js';

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

  it('reassembles a body that arrives in several reads, byte for byte; an empty body is an empty Buffer', async () => {
    const parts = [Buffer.from([0, 1, 2, 3, 250]), Buffer.from([4, 5]), Buffer.from([6, 255, 7])];
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n';
    const frames = parts.map((p) => Buffer.concat([Buffer.from(p.length.toString(16) + '\r\n'), p, Buffer.from('\r\n')]));
    // A pause between writes, so that the server reads each chunk on its own.
    const r = await rawRequest(s.port, [head, ...frames, '0\r\n\r\n'], 3000, 30);
    assert.equal(r.status, 200);
    const body = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, ''));
    assert.deepEqual(body, { type: 'buffer', base64: Buffer.concat(parts).toString('base64') });
    const empty = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: '' });
    assert.deepEqual(await jsonOf(empty), { type: 'buffer', base64: '' });
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
