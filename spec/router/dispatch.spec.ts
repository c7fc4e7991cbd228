// Dispatch rules of the middleware stack, over real sockets: next(), next(err), next('route'),
// next('router'), error middleware by arity, throws and rejections, deep synchronous stacks.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createApp, Router } from '../../lib/index.js';
import type { Request, Response, NextFunction } from '../../lib/index.js';
import { captureErrors, withApp } from '../helpers/listen.js';

function reply(res: Response, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain');
  res.end(body);
}

describe('dispatch', () => {
  it('runs matching middleware and routes in order, synchronously nested', async () => {
    const app = createApp();
    const log: string[] = [];
    app.use((req, res, next) => {
      log.push('a-in');
      void next();
      log.push('a-out');
    });
    app.use('/x', (req, res, next) => {
      log.push('x-only');
      void next();
    });
    app.get('/info', (req, res, next) => {
      log.push('route1');
      void next();
    });
    app.get('/info', (req, res) => {
      log.push('route2');
      reply(res, 200, 'ok');
    });
    await withApp(app, async (url) => {
      const r = await fetch(url + '/info');
      assert.equal(await r.text(), 'ok');
    });
    assert.deepEqual(log, ['a-in', 'route1', 'route2', 'a-out']);
  });

  it('next(err) skips normal handlers and reaches error middleware, which may recover', async () => {
    const app = createApp();
    const seen: string[] = [];
    app.use((req, res, next) => void next(new Error('boom')));
    app.use((req, res, next) => {
      seen.push('skipped');
      void next();
    });
    app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
      seen.push('error:' + (err as Error).message);
      void next(); // recovered: back to normal handlers
    });
    app.get('/', (req, res) => reply(res, 200, 'recovered'));
    await withApp(app, async (url) => {
      const r = await fetch(url + '/');
      assert.equal(r.status, 200);
      assert.equal(await r.text(), 'recovered');
    });
    assert.deepEqual(seen, ['error:boom']);
  });

  it("next('route') skips the rest of the route; next('router') leaves the router", async () => {
    const app = createApp();
    const router = Router();
    router.use((req, res, next) => void next(req.url === '/r' ? 'router' : undefined));
    router.get('/r', (req, res) => reply(res, 200, 'inside router'));
    app.use(router);
    app.get(
      '/a',
      (req, res, next) => void next('route'),
      (req, res) => reply(res, 200, 'second handler of the first route'),
    );
    app.get('/a', (req, res) => reply(res, 200, 'second route'));
    app.get('/r', (req, res) => reply(res, 200, 'after router'));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/a')).text(), 'second route');
      assert.equal(await (await fetch(url + '/r')).text(), 'after router');
    });
  });

  it('middleware at the root sees only paths that start with "/", also after a rewrite', async () => {
    const app = createApp();
    const seen: string[] = [];
    app.use((req, res, next) => {
      seen.push(`first ${req.url}`);
      if (req.url === '/rewrite') req.url = 'elsewhere'; // no leading '/': no root layer matches it
      else if (req.url === '/back') req.url = '/again';
      void next();
    });
    app.use((req, res, next) => {
      seen.push(`second ${req.url}`);
      void next();
    });
    app.use((req, res) => reply(res, 200, seen.join(',')));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/back')).text(), 'first /back,second /again');
      seen.length = 0;
      const rewritten = await fetch(url + '/rewrite');
      assert.equal(rewritten.status, 404);
      assert.deepEqual(seen, ['first /rewrite']);
      // `OPTIONS *` (RFC 9110 §9.3.7: the server as a whole): no path, so no root middleware.
      seen.length = 0;
      const { port } = new URL(url);
      const status = await new Promise<number | undefined>((resolve, reject) => {
        http.request({ host: '127.0.0.1', port, method: 'OPTIONS', path: '*' }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject).end();
      });
      assert.equal(status, 404);
      assert.deepEqual(seen, []);
    });
  });

  it('a falsy value given to next() is no error (null, false, 0, empty string), in a stack and in a route', async () => {
    const app = createApp();
    const falsy: Record<string, unknown> = { null: null, false: false, zero: 0, empty: '' };
    const pick = (req: Request): unknown => falsy[String(req.query['v'])];
    const errors: string[] = [];
    app.use((req, res, next) => void next(pick(req)));
    app.get('/a', (req, res, next) => void next(pick(req)), (req, res) => reply(res, 200, 'second handler'));
    app.get('/b', (req, res, next) => void next(pick(req)));
    app.get('/b', (req, res) => reply(res, 200, 'next route'));
    app.get('/c', (req, res, next) => void next('boom'));
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      errors.push(String(err));
      reply(res, 500, 'error handler');
    });
    await withApp(app, async (url) => {
      for (const v of Object.keys(falsy)) {
        const a = await fetch(`${url}/a?v=${v}`);
        assert.equal(a.status, 200, v);
        assert.equal(await a.text(), 'second handler', v);
        const b = await fetch(`${url}/b?v=${v}`);
        assert.equal(await b.text(), 'next route', v);
      }
      // A truthy value still is an error (the control: the same code path can fail).
      const c = await fetch(`${url}/c`);
      assert.equal(c.status, 500);
    });
    assert.deepEqual(errors, ['boom']);
  });

  it("a route of one handler passes next(), next('route'), next('router') and next(err) on as a longer route does", async () => {
    // A one-handler route runs without a walk of its own (Route.dispatch()); each kind of next()
    // must land where it lands from the last handler of a two-handler route.
    for (const handlers of [1, 2]) {
      const app = createApp();
      const seen: string[] = [];
      const route = (name: string, step: (next: NextFunction, req: Request) => void) => {
        const last = (req: Request, res: Response, next: NextFunction) => {
          seen.push(name);
          step(next, req);
        };
        return handlers === 1 ? [last] : [(req: Request, res: Response, next: NextFunction) => void next(), last];
      };
      const router = Router();
      router.get('/leave', ...route('leave', (next) => void next('router')));
      router.get('/leave', (req, res) => reply(res, 500, 'not skipped'));
      app.use(router);
      app.get('/plain', ...route('plain', (next) => void next()));
      app.get('/plain', (req, res) => reply(res, 200, seen.join(',')));
      app.get('/skip', ...route('skip', (next) => void next('route')));
      app.get('/skip', (req, res) => reply(res, 200, seen.join(',')));
      app.get('/fail', ...route('fail', (next) => void next(new Error('failed'))));
      app.get('/fail', (req, res) => reply(res, 500, 'not skipped'));
      app.get('/only-error', (err: unknown, req: Request, res: Response, next: NextFunction) => reply(res, 500, 'ran'));
      app.get('/leave', (req, res) => reply(res, 200, seen.join(',')));
      app.get('/only-error', (req, res) => reply(res, 200, 'error handler skipped'));
      app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => reply(res, 418, (err as Error).message));
      await withApp(app, async (url) => {
        for (const [path, status, body] of [
          ['/plain', 200, 'plain'],
          ['/skip', 200, 'skip'],
          ['/leave', 200, 'leave'],
          ['/fail', 418, 'failed'],
          ['/only-error', 200, 'error handler skipped'],
        ] as const) {
          seen.length = 0;
          const r = await fetch(url + path);
          assert.deepEqual([r.status, await r.text()], [status, body], `${path} with ${handlers} handler(s)`);
        }
      });
    }
  });

  it('a thrown error and a rejected promise both go to next(err)', async () => {
    const app = createApp();
    app.get('/sync', () => {
      throw Object.assign(new Error('sync failure'), { status: 418 });
    });
    app.get('/async', async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw Object.assign(new Error('async failure'), { status: 409 });
    });
    app.get('/falsy', () => Promise.reject(undefined));
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      reply(res, (err as { status?: number }).status ?? 500, (err as Error).message);
    });
    await withApp(app, async (url) => {
      let r = await fetch(url + '/sync');
      assert.equal(r.status, 418);
      assert.equal(await r.text(), 'sync failure');
      r = await fetch(url + '/async');
      assert.equal(r.status, 409);
      assert.equal(await r.text(), 'async failure');
      r = await fetch(url + '/falsy');
      assert.equal(r.status, 500);
      assert.match(await r.text(), /falsy value/);
    });
  });

  it('error middleware is recognised by four parameters and skipped when there is no error', async () => {
    const app = createApp();
    const calls: string[] = [];
    app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
      calls.push('error mw');
      void next(err);
    });
    app.get('/', (req, res) => reply(res, 200, 'fine'));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/')).text(), 'fine');
    });
    assert.deepEqual(calls, []);
  });

  it('10,000 synchronous middleware do not overflow the stack', async () => {
    const app = createApp();
    let count = 0;
    for (let i = 0; i < 10_000; i++) {
      app.use((req, res, next) => {
        count++;
        void next();
      });
    }
    app.get('/', (req, res) => reply(res, 200, String(count)));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/')).text(), '10000');
      assert.equal(await (await fetch(url + '/')).text(), '20000');
    });
  });

  it('past the synchronous depth limit, a thrown error and `await next()` still reach the right places', async () => {
    // Handlers past the limit are called from setImmediate; the promise each next() returns must
    // still settle only after everything downstream, and a throw must still reach error middleware.
    const app = createApp();
    const unwound: number[] = [];
    let settled!: () => void;
    const allUnwound = new Promise<void>((resolve) => (settled = resolve));
    for (let i = 0; i < 300; i++) {
      app.use(async (req, res, next) => {
        await next();
        unwound.push(i);
        if (i === 0) settled();
      });
    }
    app.get('/', () => {
      throw new Error('thrown 300 handlers deep');
    });
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => reply(res, 500, (err as Error).message));
    await withApp(app, async (url) => {
      const res = await fetch(url + '/');
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'thrown 300 handlers deep');
      await allUnwound;
      assert.deepEqual(unwound, Array.from({ length: 300 }, (_, k) => 299 - k));
    });
  });

  it('past the synchronous depth limit, error middleware gets its error and param callbacks their value and name', async () => {
    const app = createApp();
    const seen: string[] = [];
    app.param('id', (req, res, next, value, name) => {
      seen.push(`${name}=${value}`);
      void next();
    });
    // 101 middleware: the handler after them (the param callback) is the first one called past
    // the limit (see invoke.ts, MAX_SYNC_DEPTH), from setImmediate with a fresh stack.
    for (let i = 0; i < 101; i++) app.use((req, res, next) => void next());
    app.get('/p/:id', (req, res) => reply(res, 200, seen.join(',')));
    app.get('/fail', (req, res, next) => void next(new Error('passed along')));
    // 150 error middleware, each handing the error on: the 102nd is called past the limit.
    for (let i = 0; i < 150; i++) {
      app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
        seen.push('e');
        void next(err);
      });
    }
    app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => reply(res, 500, (err as Error).message));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/p/42')).text(), 'id=42');
      seen.length = 0;
      const res = await fetch(url + '/fail');
      assert.equal(res.status, 500);
      assert.equal(await res.text(), 'passed along');
      assert.equal(seen.length, 150);
    });
  });

  it('root middleware after a mount-path strip or a URL rewrite sees the URL as it now is', async () => {
    // Root middleware is stepped over on a short path (Layer.plain); these are the cases that
    // path must hand back to the general one.
    const app = createApp();
    const seen: string[] = [];
    const look = (name: string) => (req: Request, res: Response, next: NextFunction) => {
      seen.push(`${name} ${req.baseUrl}|${req.url}|${req.path}`);
      void next();
    };
    app.use('/x', look('prefixed'));
    app.use(look('root after strip'));
    app.use((req, res, next) => {
      if (req.url === '/old') req.url = '/new?q=1';
      void next();
    });
    app.use(look('root after rewrite'));
    const inner = Router();
    inner.use(look('inner root'));
    inner.get('/y', (req, res) => reply(res, 200, seen.join('\n')));
    app.use('/x', inner);
    app.use(look('root after router'));
    app.get('/new', (req, res) => reply(res, 200, seen.join('\n')));
    await withApp(app, async (url) => {
      assert.equal(
        await (await fetch(url + '/x/y')).text(),
        ['prefixed /x|/y|/y', 'root after strip |/x/y|/x/y', 'root after rewrite |/x/y|/x/y', 'inner root /x|/y|/y'].join('\n'),
      );
      seen.length = 0;
      assert.equal(
        await (await fetch(url + '/x/z')).status,
        404,
      );
      assert.deepEqual(seen, [
        'prefixed /x|/z|/z',
        'root after strip |/x/z|/x/z',
        'root after rewrite |/x/z|/x/z',
        'inner root /x|/z|/z',
        'root after router |/x/z|/x/z',
      ]);
      seen.length = 0;
      assert.equal(
        await (await fetch(url + '/old')).text(),
        ['root after strip |/old|/old', 'root after rewrite |/new?q=1|/new', 'root after router |/new?q=1|/new'].join('\n'),
      );
    });
  });

  it('a second call of the same next is reported and does not run the stack twice', async () => {
    const app = createApp();
    let downstream = 0;
    app.use(function twice(req, res, next) {
      void next();
      void next();
    });
    app.get('/', (req, res) => {
      downstream++;
      reply(res, 200, 'once');
    });
    const { logged } = await captureErrors(() =>
      withApp(app, async (url) => {
        assert.equal(await (await fetch(url + '/')).text(), 'once');
      }),
    );
    assert.equal(downstream, 1);
    assert.equal(logged.length, 1);
    const err = logged[0]![0] as Error & { code?: string };
    assert.equal(err.code, 'KEEL_NEXT_CALLED_TWICE');
    assert.match(err.message, /twice/);
  });

  it('arrays of handlers (nested) are flattened in order', async () => {
    const app = createApp();
    const order: number[] = [];
    const h = (n: number) => (req: Request, res: Response, next: NextFunction) => {
      order.push(n);
      void next();
    };
    app.get('/', [h(1), [h(2), h(3)]], h(4), (req, res) => reply(res, 200, order.join(',')));
    await withApp(app, async (url) => {
      assert.equal(await (await fetch(url + '/')).text(), '1,2,3,4');
    });
  });

  it('non-function handlers are a TypeError at registration', () => {
    const app = createApp();
    assert.throws(() => app.use('/x', 42 as never), TypeError);
    assert.throws(() => app.get('/x', null as never), TypeError);
    assert.throws(() => app.use(), TypeError);
  });

  it('a rejection after next() that nobody awaits never crashes the process', async () => {
    const app = createApp();
    app.use((req, res, next) => {
      setTimeout(() => void next(), 5); // calls next after returning: nobody awaits downstream
    });
    app.get('/', async (req, res, next) => {
      await next(); // nothing after: final 404 ... then fail
      throw new Error('late failure');
    });
    const { logged } = await captureErrors(() =>
      withApp(app, async (url) => {
        const r = await fetch(url + '/');
        assert.equal(r.status, 404);
        await r.text();
        await new Promise((r) => setTimeout(r, 20));
      }),
    );
    assert.ok(logged.some((args) => args[0] instanceof Error && (args[0] as Error).message === 'late failure'));
  });

  it('every method node:http parses reaches the route registered for it, and only that route', async () => {
    // methodKey() compares GET and POST first and looks the others up: each must still map to its
    // own route method. (CONNECT is left out: node hands it to the server's 'connect' event.)
    const methods = http.METHODS.filter((m) => m !== 'CONNECT');
    const app = createApp();
    const routes = app as unknown as Record<string, (path: string, h: (req: Request, res: Response) => void) => void>;
    for (const m of methods) {
      routes[m.toLowerCase()]!('/m/' + m, (req, res) => reply(res, 200, `${m}:${req.method}`));
    }
    await withApp(app, async (url) => {
      const send = (method: string, path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const r = http.request(url + path, { method }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          });
          r.on('error', reject);
          r.end();
        });
      for (const m of methods) {
        const own = await send(m, '/m/' + m);
        assert.equal(own.status, 200, m);
        if (m !== 'HEAD') assert.equal(own.body, `${m}:${m}`, m);
        // Another method's route does not run for it: a 404, or for OPTIONS the automatic answer
        // naming the methods the path has (its body is the Allow list, not the route's text).
        const other = m === 'PUT' ? 'PATCH' : 'PUT';
        const wrong = await send(m, '/m/' + other);
        if (m === 'OPTIONS') assert.deepEqual([wrong.status, wrong.body], [200, other], 'OPTIONS');
        else assert.equal(wrong.status, 404, `${m} on the ${other} route`);
      }
    });
  });
});
