// res.status() and res.sendStatus().

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get, rawRequest } from './harness.js';

test("status accepts integers 100-999 and three-digit strings like '201'", { timeout: 5000 }, async () => {
  const s = await serve((req, res) => {
    const raw = String(req.query.code);
    const code: unknown = req.query.asString === undefined ? Number(raw) : raw;
    res.status(code as number).send('ok');
  });
  try {
    for (const [query, status] of [['code=201&asString=1', 201], ['code=404', 404], ['code=299', 299]] as const) {
      const res = await get(`${s.url}/?${query}`);
      await res.text();
      assert.equal(res.status, status, query);
    }
    // 999 is allowed too (fetch() refuses to read it, so a raw socket does).
    const raw = await rawRequest(s.port, 'GET /?code=999 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(raw.status, 999);
  } finally {
    await s.close();
  }
});

test('anything else is a TypeError', { timeout: 5000 }, async () => {
  const seen: string[] = [];
  const s = await serve((req, res) => {
    for (const bad of [99, 1000, 200.5, Number.NaN, '2O1', '20', '2001', ' 201', '+20', null, undefined, {}, true]) {
      try {
        res.status(bad as number);
        seen.push(`accepted ${String(bad)}`);
      } catch (err) {
        seen.push(err instanceof TypeError && (err as TypeError & { code?: string }).code === 'KEEL_INVALID_STATUS' ? 'TypeError' : String(err));
      }
    }
    res.send(String(res.statusCode));
  });
  try {
    const res = await get(s.url);
    assert.equal(await res.text(), '200');
    assert.deepEqual(seen, Array(13).fill('TypeError'));
  } finally {
    await s.close();
  }
});

test('sendStatus sends the reason phrase as text', { timeout: 5000 }, async () => {
  const s = await serve((req, res) => { res.sendStatus(Number(req.query.code)); });
  try {
    let res = await get(`${s.url}/?code=404`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await res.text(), 'Not Found');
    res = await get(`${s.url}/?code=599`);
    assert.equal(res.status, 599);
    assert.equal(await res.text(), '599');
    res = await get(`${s.url}/?code=204`);
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
  } finally {
    await s.close();
  }
});
