// Long runs of routes are looked up by first segment; the result must equal a linear scan.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';

describe('route lookup for long runs of routes', () => {
  it('gives the same winner as scanning in order, with varying patterns interleaved', async () => {
    const app = createApp();
    const hit = (name: string) => (req: unknown, res: { end(s: string): void }) => res.end(name);
    for (let i = 0; i < 50; i++) app.get(`/r${i}/:id`, hit(`r${i}`));
    app.get('/:any/special', hit('varying'));
    app.get('/r7/special', hit('r7-static-after-varying'));
    app.get('/R8/x', hit('uppercase literal'));
    app.get('/', hit('root'));
    for (let i = 0; i < 10; i++) app.post(`/p${i}`, hit(`post p${i}`));
    app.use((req, res) => res.end('fallthrough'));
    await withApp(app, async (url) => {
      const get = async (p: string, method = 'GET') => (await fetch(url + p, { method })).text();
      assert.equal(await get('/r42/1'), 'r42');
      assert.equal(await get('/R42/1'), 'r42', 'case-insensitive lookup');
      assert.equal(await get('/r7/special'), 'r7', 'the earlier r7/:id wins, as in a scan');
      assert.equal(await get('/zz/special'), 'varying');
      assert.equal(await get('/r8/x'), 'r8');
      assert.equal(await get('/'), 'root');
      assert.equal(await get('/p3', 'POST'), 'post p3');
      assert.equal(await get('/p3'), 'fallthrough', 'wrong method falls through');
      assert.equal(await get('/nothing/here'), 'fallthrough');
      const opt = await fetch(url + '/p3', { method: 'OPTIONS' });
      assert.equal(await opt.text(), 'fallthrough');
    });
  });

  it('next() inside an indexed route continues with the next candidate', async () => {
    const app = createApp();
    for (let i = 0; i < 20; i++) app.get(`/a${i}`, (req, res) => res.end(`a${i}`));
    app.get('/x', (req, res, next) => void next());
    for (let i = 0; i < 20; i++) app.get(`/b${i}`, (req, res) => res.end(`b${i}`));
    app.get('/:p', (req, res) => res.end('param ' + String(req.params['p'])));
    app.get('/x', (req, res) => res.end('second x'));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/x')).text(), 'param x');
      assert.equal(await (await fetch(url + '/b19')).text(), 'b19');
    });
  });

  it('routes added after the first request are found', async () => {
    const app = createApp();
    for (let i = 0; i < 10; i++) app.get(`/a${i}`, (req, res) => res.end(`a${i}`));
    await withApp(app, async (url) => {
      assert.equal((await fetch(url + '/late')).status, 404);
      app.get('/late', (req, res) => res.end('late'));
      assert.equal(await (await fetch(url + '/late')).text(), 'late');
    });
  });

  it('follows changes an app makes to its stack that keep its length (moved or replaced layers)', async () => {
    const app = createApp();
    for (let i = 0; i < 10; i++) app.get(`/r${i}`, (req, res) => res.end(`r${i}`));
    app.use((req, res, next) => {
      res.setHeader('X-First', 'yes');
      return next();
    });
    const other = createApp();
    other.get('/x3', (req, res) => res.end('x3'));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/r5')).text(), 'r5'); // the index is built now
      // Express apps move the last middleware to the front this way: same length, new order.
      app.stack.unshift(app.stack.pop()!);
      const moved = await fetch(url + '/r5');
      assert.equal(await moved.text(), 'r5');
      assert.equal(moved.headers.get('x-first'), 'yes', 'the moved middleware runs first');
      // A layer replaced in place: its first segment is not the old one's.
      app.stack.splice(4, 1, other.stack[0]!); // stack[4] was /r3 (after the move)
      assert.equal(await (await fetch(url + '/x3')).text(), 'x3');
      assert.equal((await fetch(url + '/r3')).status, 404);
      app.stack[5] = other.stack[0]!; // plain assignment over /r4
      assert.equal((await fetch(url + '/r4')).status, 404);
      assert.equal(await (await fetch(url + '/r6')).text(), 'r6');
    });
  });
});
