// res.format(): content negotiation across handlers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;

before(async () => {
  server = await serve((req, res) => {
    const handlers: Record<string, (r: typeof req, s: typeof res) => unknown> = {
      text: (_r, s) => s.send('hey'),
      html: (_r, s) => s.send('<p>hey</p>'),
      'application/json': (_r, s) => s.send({ message: 'hey' }),
    };
    if (req.query.fallback !== undefined) handlers.default = (_r, s) => s.status(200).send('default');
    res.format(handlers);
  });
});

after(() => server.close());

test('picks the handler for the best accepted type and sets Content-Type and Vary', { timeout: 5000 }, async () => {
  let res = await get(server.url, { accept: 'text/html;q=0.9, text/plain' });
  assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(res.headers.get('vary'), 'Accept');
  assert.equal(await res.text(), 'hey');
  res = await get(server.url, { accept: 'text/html' });
  assert.equal(await res.text(), '<p>hey</p>');
  res = await get(server.url, { accept: 'application/json' });
  assert.deepEqual(await res.json(), { message: 'hey' });
});

test('no match: default, else a 406 HttpError', { timeout: 5000 }, async () => {
  let res = await get(server.url + '/?fallback=1', { accept: 'image/png' });
  assert.equal(await res.text(), 'default');
  res = await get(server.url, { accept: 'image/png' });
  assert.equal(res.status, 406);
  assert.equal(await res.text(), 'HttpError|KEEL_NOT_ACCEPTABLE|Not Acceptable');
});
