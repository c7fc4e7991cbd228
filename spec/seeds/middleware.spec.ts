// Every example of the seed documents (../shared/seeds/), run as written, with the console lines
// and responses they describe.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, Router } from '../../lib/index.js';
import type { App, Request, Response, NextFunction } from '../../lib/index.js';
import { delay, listen } from '../helpers/listen.js';

/** Runs `fn` with console.log and console.error captured as lines of text. */
async function withConsole(fn: () => Promise<void>): Promise<{ log: string[]; error: string[] }> {
  const log: string[] = [];
  const error: string[] = [];
  const origLog = console.log;
  const origError = console.error;
  console.log = (...a: unknown[]) => void log.push(a.map(String).join(' '));
  console.error = (...a: unknown[]) => void error.push(a.map((x) => (x instanceof Error ? String(x.stack) : String(x))).join(' '));
  try {
    await fn();
  } finally {
    console.log = origLog;
    console.error = origError;
  }
  return { log, error };
}

/** Requests `path` and returns status and body (or the failure) — bounded in time. */
async function get(app: App, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const { url, close } = await listen(app);
  try {
    const r = await fetch(url + path, { method, signal: AbortSignal.timeout(2000) });
    const body = await r.text();
    await delay(20); // let code after next() and late handlers run
    return { status: r.status, body };
  } finally {
    await close();
  }
}

/** The first middleware stack of the document; `variant` swaps in the later versions of C and D. */
function sequenceApp(variant: 'send' | 'send-next' | 'status-next' | 'status-next-d-next'): App {
  const app = createApp();
  app.use(function (req, res, next) {
    console.log(`A. Entry Point, ${req.method}`);
    next();
  });
  app.use(function (req, res, next) {
    console.log(`B. Request time: ${Date.now()}, ${req.method}`);
    next();
  });
  if (variant === 'send') {
    app.get('/info', function (req, res, next) {
      console.log('C. First handler for /info');
      res.send('Welcome');
    });
    app.get('/info', function (req, res, next) {
      console.log('D. Second handler for /info');
      res.send('Again');
    });
  } else if (variant === 'send-next') {
    app.get('/info', function (req, res, next) {
      console.log('C. First handler for /info');
      res.send('Welcome');
      next();
    });
    app.get('/info', function (req, res, next) {
      console.log('D. Second handler for /info');
      res.send('Again');
    });
  } else {
    app.get('/info', function (req, res, next) {
      console.log('C. First handler for /info');
      res.status('201');
      next();
    });
    app.get('/info', function (req, res, next) {
      console.log('D. Second handler for /info');
      res.send('Welcome Again');
      if (variant === 'status-next-d-next') next();
    });
  }
  app.use(function (req, res, next) {
    console.log(`E. End at ${Date.now()}, ${req.method}`);
  });
  return app;
}

describe('seed: Middleware Function', () => {
  it('application-level timeLog runs for every request', async () => {
    const app = createApp();
    function timeLog(req: Request, res: Response, next: NextFunction) {
      console.log('Time:', Date.now());
      next();
    }
    app.use(timeLog);
    app.get('/', (req, res) => res.send('ok'));
    const { log } = await withConsole(async () => {
      assert.equal((await get(app, '/')).body, 'ok');
      assert.equal((await get(app, '/other')).status, 404);
    });
    assert.equal(log.length, 2);
    for (const line of log) assert.match(line, /^Time: \d{13}$/);
  });

  it("app.use('/user/:id') works for any HTTP request method", async () => {
    const app = createApp();
    app.use('/user/:id', function (req, res, next) {
      console.log('Request Type:', req.method);
      next();
    });
    app.all('/user/:id', (req, res) => res.send(`user ${req.params.id}`));
    const { log } = await withConsole(async () => {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        assert.equal((await get(app, '/user/42', method)).body, 'user 42');
      }
      await get(app, '/users/42');
    });
    assert.deepEqual(log, ['Request Type: GET', 'Request Type: POST', 'Request Type: PUT', 'Request Type: DELETE']);
  });

  it('router-level middleware runs for every request to the router', async () => {
    const app = createApp();
    const router = Router();
    router.use(function (req, res, next) {
      console.log('Time:', Date.now());
      next();
    });
    router.get('/hello', (req, res) => res.send('hello from the router'));
    app.use('/r', router);
    const { log } = await withConsole(async () => {
      assert.equal((await get(app, '/r/hello')).body, 'hello from the router');
      await get(app, '/elsewhere');
    });
    assert.equal(log.length, 1);
    assert.match(log[0]!, /^Time: \d+$/);
  });
});

describe('seed: Middleware Sequence', () => {
  it('A, B, C: the first handler answers; D and E never run', async () => {
    const { log } = await withConsole(async () => {
      const r = await get(sequenceApp('send'), '/info');
      assert.equal(r.status, 200);
      assert.equal(r.body, 'Welcome');
    });
    assert.equal(log.length, 3);
    assert.equal(log[0], 'A. Entry Point, GET');
    assert.match(log[1]!, /^B\. Request time: \d{13}, GET$/);
    assert.equal(log[2], 'C. First handler for /info');
  });

  it('send then next(): D runs and its send fails with ERR_HTTP_HEADERS_SENT on the console', async () => {
    const { log, error } = await withConsole(async () => {
      const r = await get(sequenceApp('send-next'), '/info');
      assert.equal(r.body, 'Welcome');
    });
    assert.deepEqual(log.slice(2), ['C. First handler for /info', 'D. Second handler for /info']);
    assert.equal(error.length, 1);
    assert.match(error[0]!, /^Error \[ERR_HTTP_HEADERS_SENT\]: Cannot set headers after they are sent to the client/);
  });

  it("res.status('201') then next(): the client gets 'Welcome Again'; E does not run", async () => {
    const { log, error } = await withConsole(async () => {
      const r = await get(sequenceApp('status-next'), '/info');
      assert.equal(r.status, 201);
      assert.equal(r.body, 'Welcome Again');
    });
    assert.deepEqual(log.slice(2), ['C. First handler for /info', 'D. Second handler for /info']);
    assert.deepEqual(error, []);
  });

  it('D calls next() too: the last middleware runs', async () => {
    const { log } = await withConsole(async () => {
      const r = await get(sequenceApp('status-next-d-next'), '/info');
      assert.equal(r.body, 'Welcome Again');
    });
    assert.equal(log.length, 5);
    assert.match(log[4]!, /^E\. End at \d{13}, GET$/);
  });

  it('next() returns to its caller: A logs E after everything downstream, in order A B C D E', async () => {
    const app = createApp();
    app.use(function (req, res, next) {
      console.log(`A. Entry Point, ${req.method}`);
      next();
      console.log(`E. End at ${Date.now()}, ${req.method}`);
    });
    app.use(function (req, res, next) {
      console.log(`B. Request time: ${Date.now()}, ${req.method}`);
      next();
    });
    app.get('/info', function (req, res, next) {
      console.log('C. First handler for /info');
      res.status('201');
      next();
    });
    app.get('/info', function (req, res) {
      console.log('D. Second handler for /info');
      res.send('Welcome Again');
    });
    const { log } = await withConsole(async () => {
      const r = await get(app, '/info');
      assert.equal(r.status, 201);
      assert.equal(r.body, 'Welcome Again');
    });
    assert.deepEqual(
      log.map((l) => l.slice(0, 2)),
      ['A.', 'B.', 'C.', 'D.', 'E.'],
    );
    assert.equal(log[0], 'A. Entry Point, GET');
    assert.equal(log[2], 'C. First handler for /info');
    assert.equal(log[3], 'D. Second handler for /info');
    assert.match(log[4]!, /^E\. End at \d{13}, GET$/);
  });
});
