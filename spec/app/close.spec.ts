// app.close(): stop accepting, finish in-flight requests, close idle keep-alive connections,
// force-close after the timeout.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createApp } from '../../lib/index.js';
import { delay, listen } from '../helpers/listen.js';

function get(port: number, path: string, agent?: http.Agent): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

describe('app.close()', () => {
  it('lets in-flight requests finish, refuses new connections, closes idle keep-alive sockets', { timeout: 45_000 }, async () => {
    // A closeTimeout far longer than the work: close() must end when the work does, not wait for it.
    const app = createApp({ server: { closeTimeout: 60_000 } });
    app.get('/slow', async (req, res) => {
      await delay(150);
      res.end('slow done');
    });
    app.get('/fast', (req, res) => res.end('fast'));
    const { port } = await listen(app);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    // An idle keep-alive connection: used once, then parked in the agent.
    assert.equal((await get(port, '/fast', agent)).body, 'fast');
    let idleClosed = false;
    for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) s.once('close', () => (idleClosed = true));

    const inFlight = get(port, '/slow');
    await delay(30);
    const started = Date.now();
    const closing = app.close();
    await delay(20);
    assert.equal(idleClosed, true, 'idle keep-alive connection closed at once');

    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      }),
      /ECONNREFUSED/,
    );

    const r = await inFlight;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'slow done');
    assert.equal(r.headers.connection, 'close', 'the last response on a closing server says Connection: close');
    await closing;
    // 150 ms of work against a 60 s closeTimeout: a margin no loaded machine comes near.
    assert.ok(Date.now() - started < 30_000, 'close() waited for closeTimeout');
    assert.equal(app.servers.size, 0);
    agent.destroy();
  });

  // The test's timeout stops it if close() never forces the connection closed.
  it('forces connections closed after closeTimeout', { timeout: 10_000 }, async () => {
    const app = createApp({ server: { closeTimeout: 200 } });
    app.get('/never', () => {
      /* never answers */
    });
    const { port } = await listen(app);
    const pending = get(port, '/never').then(
      () => 'answered',
      () => 'failed',
    );
    await delay(30);
    const t = Date.now();
    await app.close();
    const took = Date.now() - t;
    // A lower bound only: timers never fire early, while a loaded machine may fire them late.
    assert.ok(took >= 150, `took ${took} ms`);
    assert.equal(await pending, 'failed');
  });

  it('close() called twice returns the same promise', async () => {
    const app = createApp();
    await listen(app);
    const a = app.close();
    const b = app.close();
    assert.equal(a, b);
    await a;
  });

  it('responseTimeout answers 503 when a handler never starts its response', async () => {
    const app = createApp({ server: { responseTimeout: 300 } });
    app.get('/hang', () => {
      /* never answers */
    });
    app.get('/stream', (req, res) => {
      res.writeHead(200);
      res.write('started');
      setTimeout(() => res.end(' and finished'), 1600);
    });
    const { port, close } = await listen(app);
    const original = console.error;
    const logged: unknown[] = [];
    console.error = (...a: unknown[]) => void logged.push(a);
    try {
      const [hang, stream] = await Promise.all([get(port, '/hang'), get(port, '/stream')]);
      assert.equal(hang.status, 503);
      assert.equal(stream.body, 'started and finished', 'a response that started is not cut');
    } finally {
      console.error = original;
      await close();
    }
    assert.equal(logged.length, 1);
  });

  it('server options are validated', () => {
    assert.throws(() => createApp({ server: { headersTimeout: -1 } }), TypeError);
    assert.throws(() => createApp({ server: { closeTimeout: 1.5 } }), TypeError);
    assert.throws(() => createApp({ server: { bogus: 1 } as never }), TypeError);
  });
});
