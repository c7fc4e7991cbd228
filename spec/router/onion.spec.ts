// `next()` returns a Promise that settles when everything downstream has finished: await next()
// gives onion-style middleware.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, Router } from '../../lib/index.js';
import type { Request, Response, NextFunction } from '../../lib/index.js';
import { captureErrors, delay, withApp } from '../helpers/listen.js';

describe('await next() (onion model)', () => {
  it('code after await next() runs after async downstream handlers finished', async () => {
    const app = createApp();
    const log: string[] = [];
    app.use(async (req, res, next) => {
      log.push('outer in');
      await next();
      log.push('outer out');
    });
    app.use(async (req, res, next) => {
      log.push('inner in');
      await next();
      log.push('inner out');
    });
    const router = Router();
    router.get('/slow', async (req, res) => {
      await delay(20);
      log.push('handler');
      res.end('done');
    });
    app.use('/api', router);
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/api/slow')).text(), 'done');
      await delay(5);
    });
    assert.deepEqual(log, ['outer in', 'inner in', 'handler', 'inner out', 'outer out']);
  });

  it('waits for a sync middleware whose downstream is async', async () => {
    const app = createApp();
    let finishedBeforeOuter = false;
    let handlerDone = false;
    app.use(async (req, res, next) => {
      await next();
      finishedBeforeOuter = handlerDone;
    });
    app.use((req, res, next) => void next()); // plain Express-style middleware
    app.get('/', async (req, res) => {
      await delay(15);
      handlerDone = true;
      res.end('ok');
    });
    await withApp(app, async (url) => {
      await (await fetch(url + '/')).text();
      await delay(5);
    });
    assert.equal(finishedBeforeOuter, true);
  });

  it('measures time around the whole downstream, like a logger would', async () => {
    const app = createApp();
    let elapsed = -1;
    app.use(async (req, res, next) => {
      const t = Date.now();
      await next();
      elapsed = Date.now() - t;
    });
    app.get('/', async (req, res) => {
      await delay(30);
      res.end('ok');
    });
    await withApp(app, async (url) => {
      await (await fetch(url + '/')).text();
      await delay(5);
    });
    assert.ok(elapsed >= 25, `elapsed ${elapsed}`);
  });

  it('an error thrown downstream after next() rejects the upstream await', async () => {
    const app = createApp();
    let caught: unknown;
    app.use(async (req, res, next) => {
      try {
        await next();
      } catch (err) {
        caught = err;
        if (!res.headersSent) res.end('caught upstream');
      }
    });
    app.use(async (req, res, next) => {
      await next();
      throw new Error('after downstream');
    });
    app.get('/', (req, res, next) => void next()); // to the 404... no: answer instead
    app.use((req, res) => {
      res.statusCode = 200;
      res.end('answered');
    });
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/')).text(), 'answered');
      await delay(5);
    });
    assert.ok(caught instanceof Error);
    assert.equal((caught as Error).message, 'after downstream');
  });

  it('an error handler that awaits next and errors are routed without crashing', async () => {
    const app = createApp();
    app.get('/', async () => {
      throw new Error('first');
    });
    app.use(async (err: unknown, req: Request, res: Response, next: NextFunction) => {
      await next(err);
    });
    const { logged } = await captureErrors(() =>
      withApp(app, async (url) => {
        const r = await fetch(url + '/');
        assert.equal(r.status, 500);
        await r.text();
      }),
    );
    assert.ok(logged.some((a) => (a[0] as Error).message === 'first'));
  });

  it('next() returns a Promise even when everything downstream was synchronous', async () => {
    const app = createApp();
    let returned: unknown;
    app.use((req, res, next) => {
      returned = next();
    });
    app.get('/', (req, res) => res.end('x'));
    await withApp(app, async (url) => {
      await (await fetch(url + '/')).text();
    });
    assert.ok(returned instanceof Promise);
  });
});
