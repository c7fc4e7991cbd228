// app.inject(): the same app answers the same way in-process and over the network.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, json } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';

describe('app.inject()', () => {
  it('runs middleware, body parsing and routing without a socket, like the network does', async () => {
    const app = createApp();
    app.use(json());
    app.post('/echo/:id', (req, res) => res.status(201).json({ id: req.params.id, body: req.body, q: req.query['q'] }));
    const injected = await app.inject({ method: 'POST', url: '/echo/7?q=x', body: { hello: 'world' } });
    assert.equal(injected.status, 201);
    assert.deepEqual(injected.json(), { id: '7', body: { hello: 'world' }, q: 'x' });
    await withApp(app, async (url) => {
      const r = await fetch(url + '/echo/7?q=x', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hello: 'world' }),
      });
      assert.equal(r.status, injected.status);
      assert.equal(await r.text(), injected.body);
      assert.equal(r.headers.get('content-type'), injected.headers['content-type']);
    });
    const missing = await app.inject({ url: '/nope' });
    assert.equal(missing.status, 404);
  });
});
