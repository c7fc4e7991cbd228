// app.set/get/enable/disable/enabled/disabled, their validation, and the settings Keel reads.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';
import { inheritsNothing } from '../helpers/inherits-nothing.js';

describe('settings', () => {
  it('set/get/enable/disable/enabled/disabled', () => {
    const app = createApp();
    assert.equal(app.get('x-powered-by'), false);
    app.enable('x-powered-by');
    assert.equal(app.enabled('x-powered-by'), true);
    app.disable('x-powered-by');
    assert.equal(app.disabled('x-powered-by'), true);
    app.set('my thing', { a: 1 });
    assert.deepEqual(app.get('my thing'), { a: 1 });
    assert.equal(app.get('env'), process.env['NODE_ENV'] || 'development');
    assert.equal(app.locals['settings'], app.settings);
  });

  it('settings inherit nothing: names like constructor and __proto__ are settings like any other', async () => {
    const app = createApp();
    assert.ok(inheritsNothing(app.settings));
    assert.equal(app.get('constructor'), undefined);
    assert.equal(app.get('toString'), undefined);
    app.set('constructor', 'mine');
    app.set('__proto__', 'also mine');
    assert.equal(app.get('constructor'), 'mine');
    assert.equal(app.get('__proto__'), 'also mine');
    assert.ok(inheritsNothing(createApp().settings), 'another app is untouched');
    // The per-request objects (params, locals) are bare objects too, whatever the settings hold.
    app.get('/:id', (req, res) => { res.json([inheritsNothing(req.params), inheritsNothing(res.locals), Object.keys(res.locals).length]); });
    await withApp(app, async (url) => {
      assert.deepEqual(await (await fetch(url + '/7')).json(), [true, true, 0]);
    });
  });

  it('invalid values for known settings are TypeErrors', () => {
    const app = createApp();
    assert.throws(() => app.set('strict routing', 'yes'), TypeError);
    assert.throws(() => app.set('etag', 'sometimes'), TypeError);
    assert.throws(() => app.set('subdomain offset', -1), TypeError);
    assert.throws(() => app.set('query parameter limit', 0), TypeError);
    assert.throws(() => app.set('trust proxy', { nope: true }), TypeError);
    assert.throws(() => app.set('json spaces', {}), TypeError);
  });

  it('x-powered-by is off by default and adds a header when on', async () => {
    const app = createApp();
    app.get('/', (req, res) => res.end('x'));
    await withApp(app, async (url) => {
      assert.equal((await fetch(url)).headers.get('x-powered-by'), null);
      app.enable('x-powered-by');
      assert.equal((await fetch(url)).headers.get('x-powered-by'), 'Keel');
    });
  });

  it('case sensitive routing and strict routing apply to routes added after they are set', async () => {
    const app = createApp();
    app.get('/loose', (req, res) => res.end('loose'));
    app.enable('case sensitive routing');
    app.enable('strict routing');
    app.get('/Strict', (req, res) => res.end('strict'));
    await withApp(app, async (url) => {
      assert.equal((await fetch(url + '/LOOSE/')).status, 200);
      assert.equal((await fetch(url + '/Strict')).status, 200);
      assert.equal((await fetch(url + '/strict')).status, 404);
      assert.equal((await fetch(url + '/Strict/')).status, 404);
    });
  });

  it('app.locals and res.locals', async () => {
    const app = createApp();
    app.locals['title'] = 'Keel';
    app.use((req, res, next) => {
      res.locals['user'] = 'ann';
      void next();
    });
    app.get('/', (req, res) => res.end(`${String(req.app.get('env'))} ${String((app.locals['title']))} ${String(res.locals['user'])}`));
    await withApp(app, async (url) => {
      assert.match(await (await fetch(url)).text(), / Keel ann$/);
    });
  });
});
