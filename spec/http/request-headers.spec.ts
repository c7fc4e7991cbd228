// req.get()/header(), req.is(), req.xhr over real sockets.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get, rawRequest, once } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;

before(async () => {
  server = await serve((req, res) => {
    const types = typeof req.query.t === 'string' ? req.query.t.split(',') : [];
    res.json({
      ua: req.get('User-Agent') ?? null,
      referrer: req.get('Referrer') ?? null,
      referer: req.header('referer') ?? null,
      missing: req.get('x-missing') ?? null,
      is: types.length === 0 ? req.is() : req.is(...types),
      isArray: types.length === 0 ? null : req.is(types),
      xhr: req.xhr,
    });
  });
});

after(() => server.close());

async function ask(query: string, headers: Record<string, string>, body?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}/?${query}`, { method: body === undefined ? 'GET' : 'POST', headers, body, signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

test('get() is case-insensitive; Referer and Referrer are one header', { timeout: 5000 }, async () => {
  const r = await ask('', { 'user-agent': 'spec/1', referer: 'http://a.test/x' });
  assert.equal(r.ua, 'spec/1');
  assert.equal(r.referrer, 'http://a.test/x');
  assert.equal(r.referer, 'http://a.test/x');
  assert.equal(r.missing, null);
});

test("get('set-cookie') returns an array", { timeout: 5000 }, async () => {
  const s = await serve((req, res) => { res.json(req.get('set-cookie') ?? null); });
  try {
    const raw = await rawRequest(s.port, 'GET / HTTP/1.1\r\nHost: x\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: close\r\n\r\n');
    assert.deepEqual(JSON.parse(raw.body), ['a=1', 'b=2']);
  } finally {
    await s.close();
  }
});

test('is(): the matching type, false, or null without a body', { timeout: 5000 }, async () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  assert.equal((await ask('t=json', json, '{}')).is, 'json');
  assert.equal((await ask('t=html,application/json', json, '{}')).is, 'application/json');
  assert.equal((await ask('t=application/*', json, '{}')).is, 'application/json');
  assert.equal((await ask('t=%2Bjson', { 'content-type': 'application/vnd.api+json' }, '{}')).is, 'application/vnd.api+json');
  assert.equal((await ask('t=urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1')).is, 'urlencoded');
  assert.equal((await ask('t=multipart', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--')).is, 'multipart');
  assert.equal((await ask('t=html,text', json, '{}')).is, false);
  assert.equal((await ask('t=json', json, '{}')).isArray, 'json');
  assert.equal((await ask('', { 'content-type': 'Text/HTML' }, 'x')).is, 'text/html');
  assert.equal((await ask('t=json', { 'content-type': 'not a type' }, 'x')).is, false);
  assert.equal((await ask('t=json', json)).is, null);
});

test('xhr', { timeout: 5000 }, async () => {
  assert.equal((await ask('', { 'x-requested-with': 'XMLHttpRequest' })).xhr, true);
  assert.equal((await ask('', {})).xhr, false);
});

test('get() needs a string', { timeout: 5000 }, async () => {
  const answer = await once((req, res) => { res.send(String((req.get as (n: unknown) => unknown)(42))); });
  assert.equal(answer.status, 500);
  assert.match(answer.text, /^TypeError/);
});
