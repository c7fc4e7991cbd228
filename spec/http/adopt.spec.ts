// adoptRequest/adoptResponse: a plain node:http server's objects become Keel's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Request, adoptRequest } from '../../lib/http/request.js';
import { Response, adoptResponse } from '../../lib/http/response.js';
import { serve, fakeApp, get } from './harness.js';
import { inheritsNothing } from '../helpers/inherits-nothing.js';

test('plain objects get the prototype and the fields, in the constructor order', { timeout: 5000 }, async () => {
  let keelKeys: string[] = [];
  const keel = await serve((req, res) => {
    keelKeys = [...Object.keys(req), '|', ...Object.keys(res)];
    res.end();
  });
  let plainKeys: string[] = [];
  let checks: unknown[] = [];
  const plain = http.createServer((rawReq, rawRes) => {
    const req = adoptRequest(rawReq);
    const res = adoptResponse(rawRes);
    req.app = res.app = fakeApp();
    req.res = res;
    req.originalUrl = req.url ?? '/';
    // The same keys as a Keel-constructed pair, before the per-request fields are assigned.
    checks = [req instanceof Request, res instanceof Response, adoptRequest(req) === req, adoptResponse(res) === res,
      inheritsNothing(req.params), inheritsNothing(res.locals)];
    res.status(201).json({ q: req.query, path: req.path });
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  try {
    const res = await get(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/p?x=1`);
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { q: { x: '1' }, path: '/p' });
    assert.deepEqual(checks, [true, true, true, true, true, true]);
    const again = await get(keel.url);
    await again.text();
    // Compare the key order of both kinds (after the harness's assignments on both sides).
    const p2 = http.createServer((rawReq, rawRes) => {
      const req = adoptRequest(rawReq);
      const r = adoptResponse(rawRes);
      req.app = r.app = fakeApp();
      req.res = r;
      req.originalUrl = req.url ?? '/';
      plainKeys = [...Object.keys(req), '|', ...Object.keys(r)];
      r.end();
    });
    await new Promise<void>((resolve) => p2.listen(0, '127.0.0.1', resolve));
    const r2 = await get(`http://127.0.0.1:${(p2.address() as AddressInfo).port}/`);
    await r2.text();
    p2.closeAllConnections();
    await new Promise<void>((resolve) => p2.close(() => resolve()));
    // Node assigns a few fields (such as _maxRequestsPerSocket) after constructing the response,
    // before a listener can adopt it, so the orders can differ there; the set of fields and the
    // order of Keel's own fields are the same.
    assert.deepEqual([...plainKeys].sort(), [...keelKeys].sort());
    const ours = ['params', 'baseUrl', 'originalUrl', 'route', 'body', 'cookies', 'signedCookies', 'secret', 'queryCache', 'pathUrl', 'pathCache', 'locals'];
    assert.deepEqual(plainKeys.filter((k) => ours.includes(k)), keelKeys.filter((k) => ours.includes(k)));
  } finally {
    plain.closeAllConnections();
    await new Promise<void>((resolve) => plain.close(() => resolve()));
    await keel.close();
  }
});
