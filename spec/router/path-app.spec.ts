// Path patterns through a real app over real sockets: the params handlers see (typed from the
// path string), the 400 for malformed %-encoding, and ReDoS-shaped URLs answered promptly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';
import { REQUEST_GROWTH, assertGrowth, cpuGrowthAsync } from '../helpers/cpu-time.js';

test('handlers receive the params of every pattern kind', { timeout: 10_000 }, async () => {
  const app = createApp();
  app.get('/users{/:id}', (req, res) => {
    const id: string | undefined = req.params.id;
    res.json({ route: 'users', id: id ?? null });
  });
  app.get('/files/*path', (req, res) => {
    const path: string[] = req.params.path;
    res.json({ route: 'files', path });
  });
  app.get('/range/:from-:to', (req, res) => {
    res.json({ route: 'range', from: req.params.from, to: req.params.to });
  });
  app.get('/doc/:name.json', (req, res) => res.json({ route: 'doc', name: req.params.name }));
  app.get(/^\/re\/(\d+)$/, (req, res) => res.json({ route: 're', n: req.params['0'] }));
  await withApp(app, async (url) => {
    const get = async (path: string): Promise<unknown> => {
      const r = await fetch(url + path);
      assert.equal(r.status, 200, path);
      return r.json();
    };
    assert.deepEqual(await get('/users'), { route: 'users', id: null });
    assert.deepEqual(await get('/USERS/7/'), { route: 'users', id: '7' });
    assert.deepEqual(await get('/files/a/b%20c/d.txt'), { route: 'files', path: ['a', 'b c', 'd.txt'] });
    assert.deepEqual(await get('/range/1-2-3'), { route: 'range', from: '1', to: '2-3' });
    assert.deepEqual(await get('/doc/a.json.json?x=1'), { route: 'doc', name: 'a.json' });
    assert.deepEqual(await get('/re/42'), { route: 're', n: '42' });
    assert.equal((await fetch(url + '/files/')).status, 404);
  });
});

test('malformed %-encoding in a param is a 400, the server lives on', { timeout: 10_000 }, async () => {
  const app = createApp();
  app.get('/x/:id', (req, res) => res.json({ id: req.params.id }));
  await withApp(app, async (url) => {
    const bad = await fetch(url + '/x/%E0%A4%A');
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /Failed to decode param/);
    const good = await fetch(url + '/x/%C3%A9');
    assert.deepEqual(await good.json(), { id: 'é' });
  });
});

test('ReDoS-shaped URLs against multi-param routes are answered in CPU time linear in their length', { timeout: 60_000 }, async () => {
  const app = createApp();
  app.get('/:a-:b-:c', (req, res) => res.json({ a: req.params.a }));
  app.get('/w/*x-:y-*z{.:ext}', (req, res) => res.json({ y: req.params.y, ext: req.params.ext ?? null }));
  app.get('/g' + Array.from({ length: 30 }, (_, i) => `{-:p${i}}`).join(''), (req, res) => res.end('g'));
  await withApp(app, async (url) => {
    // ~12 KiB: under Node's default 16 KiB header limit, so the router really sees it.
    const dashes = '-'.repeat(12 * 1024);
    const hit = await fetch(url + '/' + dashes + 'x');
    assert.equal(hit.status, 200);
    assert.deepEqual(await hit.json(), { a: '-' });
    const miss = await fetch(url + '/' + dashes + '/x');
    assert.equal(miss.status, 404);
    await miss.text();
    const wild = await fetch(url + '/w/' + dashes + '.x');
    // z is greedy, so the optional group after it gets nothing (as a regex would do).
    assert.deepEqual(await wild.json(), { y: '-', ext: null });
    const wildMiss = await fetch(url + '/w/' + 'a/'.repeat(6 * 1024));
    assert.equal(wildMiss.status, 404);
    await wildMiss.text();
    const groups = await fetch(url + '/g' + '-a'.repeat(6 * 1024));
    assert.equal(groups.status, 200);
    await groups.text();
    // CPU time per path character at 12 KiB over that at 1.2 KiB (server and client both in this
    // process): about 1 when matching is linear, 10 or far more for a backtracking matcher. A ratio
    // of CPU times, never a wall-clock bound, so a loaded machine does not fail it.
    const shapes: [string, (n: number) => string, number][] = [
      ['/:a-:b-:c hit', (n) => '/' + '-'.repeat(n) + 'x', 200],
      ['/:a-:b-:c miss', (n) => '/' + '-'.repeat(n) + '/x', 404],
      ['/w/*x-:y-*z{.:ext}', (n) => '/w/' + '-'.repeat(n) + '.x', 200],
      ['/w/... miss', (n) => '/w/' + 'a/'.repeat(n / 2), 404],
      ['30 optional groups', (n) => '/g' + '-a'.repeat(n / 2), 200],
    ];
    for (const [label, make, status] of shapes) {
      const growth = await cpuGrowthAsync((n) => {
        const target = url + make(n);
        return async () => {
          const res = await fetch(target);
          await res.arrayBuffer();
          assert.equal(res.status, status);
        };
      }, 1200, 12 * 1024);
      assertGrowth(label, growth, REQUEST_GROWTH);
    }
  });
});
