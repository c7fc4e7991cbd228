import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { text } from '../../lib/middleware/text.js';
import { serve, jsonOf, type TestServer } from './harness.js';

describe('text()', { timeout: 10000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await serve([text({ limit: 64 })]);
  });
  after(() => s.close());

  it('reads text/plain as a utf-8 string', async () => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'héllo' });
    assert.deepEqual(await jsonOf(r), { type: 'string', body: 'héllo', proto: 'none' });
  });

  it('decodes the declared charset', async () => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'text/plain; charset="iso-8859-1"' }, body: Buffer.from([0x63, 0x61, 0x66, 0xe9]) });
    assert.equal((await jsonOf(r)).body, 'café');
  });

  it('415 for an unknown charset', async () => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=x-unknown<b>' }, body: 'a' });
    assert.equal(r.status, 415);
    assert.ok(!(await r.text()).includes('<b>'));
  });

  it('413 past the limit', async () => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(65) });
    assert.equal(r.status, 413);
  });

  it('skips other types', async () => {
    const r = await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal((await jsonOf(r)).type, 'undefined');
  });

  it('invalid options throw TypeError', () => {
    assert.throws(() => text({ defaultCharset: 'nope' }), TypeError);
    assert.throws(() => text({ type: [] }), TypeError);
  });
});
