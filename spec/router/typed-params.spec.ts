// Route params are typed from the path string through the app's and router's methods: the
// compiler checks the lines below (a wrong access is marked @ts-expect-error, so `npm test`'s build
// fails if it ever compiles); the test then proves the same params arrive at run time.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, Router } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';

describe('typed route params', () => {
  it('app.get, router.route, app.use and app.ws handlers see params typed from the path', async () => {
    const app = createApp();
    app.get('/users/:id', (req, res) => {
      const id: string = req.params.id;
      // @ts-expect-error: '/users/:id' has no param 'name'
      void req.params.name;
      res.json({ id });
    });
    app.get('/files/*path', (req, res) => {
      const parts: string[] = req.params.path;
      // @ts-expect-error: a wildcard is an array, not a string
      const wrong: string = req.params.path;
      void wrong;
      res.json({ parts });
    });
    app.get('/docs{/:section}', (req, res) => {
      const section: string | undefined = req.params.section;
      // @ts-expect-error: an optional param may be missing
      const sure: string = req.params.section;
      void sure;
      res.json({ section: section ?? null });
    });
    const router = Router();
    router.route('/items/:item').get((req, res) => {
      const item: string = req.params.item;
      res.json({ item });
    });
    app.use('/r', router);
    app.use('/org/:org', (req, res, next) => {
      const org: string = req.params.org;
      res.setHeader('X-Org', org);
      void next();
    });
    app.ws('/rooms/:room', (ws, req) => {
      const room: string = req.params.room;
      ws.close(1000, room);
    });
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/users/7')).json(), { id: '7' });
      assert.deepEqual(await (await fetch(url + '/files/a/b.txt')).json(), { parts: ['a', 'b.txt'] });
      assert.deepEqual(await (await fetch(url + '/docs')).json(), { section: null });
      assert.deepEqual(await (await fetch(url + '/docs/intro')).json(), { section: 'intro' });
      assert.deepEqual(await (await fetch(url + '/r/items/x')).json(), { item: 'x' });
      assert.equal((await fetch(url + '/org/acme/anything')).headers.get('x-org'), 'acme');
    });
  });
});
