// GHSA-v422-hmwv-36x6 (body-parser): an invalid `limit` (a typo, NaN) silently disabled the limit.
// In Keel every invalid limit or option is a TypeError when the middleware is created.
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { json, urlencoded, text, raw, type Request, type Response } from '../../lib/index.js';
import { start, echo, type Running } from '../middleware/app-server.js';

const FACTORIES = { json, urlencoded, text, raw } as const;
const BAD_LIMITS: unknown[] = ['abc', '', '10 parsecs', '1zb', '-5kb', '..kb', NaN, -1, Infinity, null, {}, [], true, () => 1];

describe('GHSA-v422-hmwv-36x6: invalid limits throw at configuration time', { timeout: 10000 }, () => {
  for (const [name, factory] of Object.entries(FACTORIES)) {
    it(`${name}() refuses every invalid limit`, () => {
      for (const limit of BAD_LIMITS) {
        assert.throws(() => (factory as (o: unknown) => unknown)({ limit }), TypeError, `${name} limit ${String(limit)}`);
      }
      assert.throws(() => (factory as (o: unknown) => unknown)({ inflate: 'no' }), TypeError);
      assert.throws(() => (factory as (o: unknown) => unknown)('100kb'), TypeError);
    });
  }

  let s: Running;
  before(async () => {
    s = await start((app) => app.post('/', json({ limit: ' 1.5KB ' }), (req: Request, res: Response) => echo(req, res)));
  });
  after(() => s.close());

  it('a valid string limit is enforced', async () => {
    const h = { 'content-type': 'application/json' };
    assert.equal((await fetch(s.url, { method: 'POST', headers: h, body: JSON.stringify({ s: 'x'.repeat(1400) }) })).status, 200);
    assert.equal((await fetch(s.url, { method: 'POST', headers: h, body: JSON.stringify({ s: 'x'.repeat(1600) }) })).status, 413);
  });
});
