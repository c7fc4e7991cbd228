// Slow and lying clients against a real server: slowloris headers, a body that trickles, and a
// declared Content-Length of 1 GiB with a tiny body. The server's timeouts (headersTimeout,
// requestTimeout) and the body limit cut each off; afterwards the server answers a normal request
// and its memory is back where it started.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json } from '../../lib/index.js';
import { assertAnswers, assertReturned, collect, connect, delay, listen, pingApp, report, settledMemory } from './support.js';

test('slowloris: 20 clients sending headers one byte every 50 ms are cut off by headersTimeout', async () => {
  const app = pingApp({ server: { headersTimeout: 1000 } });
  const running = await listen(app);
  try {
    await assertAnswers(running);
    const before = await settledMemory();
    const request = 'GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(1000);
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const socket = await connect(running.port);
        const done = collect(socket, 6000);
        let stopped = false;
        socket.once('close', () => (stopped = true));
        void (async () => {
          for (let i = 0; i < request.length && !stopped; i++) {
            socket.write(request[i]!);
            await delay(50);
          }
        })();
        return done;
      }),
    );
    for (const c of clients) {
      assert.equal(c.closedBy, 'server', 'a slowloris connection was still open after 6 s');
      // headersTimeout 1000 ms, checked every second: cut off within ~2 s. closedBy 'server' above
      // says it came before the client's own 6 s timer; no tighter wall-clock bound to flake.
      assert.ok(c.data === '' || c.data.startsWith('HTTP/1.1 408'), `answer: ${c.data.slice(0, 40)}`);
    }
    await assertAnswers(running);
    const after = await settledMemory();
    report(assertReturned('slowloris ×20', before, after) + `, longest ${Math.max(...clients.map((c) => c.after))} ms`);
  } finally {
    await running.close();
  }
});

test('slow body: a body trickling one byte every 100 ms is cut off by the server timeouts', async () => {
  const app = pingApp({ server: { requestTimeout: 1500, headersTimeout: 1000 } });
  let handled = 0;
  app.post('/upload', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handled++;
      res.end('got ' + Buffer.concat(chunks).length);
    });
  });
  const running = await listen(app);
  try {
    const before = await settledMemory();
    const clients = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const socket = await connect(running.port);
        const done = collect(socket, 6000);
        let stopped = false;
        socket.once('close', () => (stopped = true));
        socket.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n');
        void (async () => {
          for (let i = 0; i < 200 && !stopped; i++) {
            socket.write('x');
            await delay(100);
          }
        })();
        return done;
      }),
    );
    for (const c of clients) {
      assert.equal(c.closedBy, 'server');
      // closedBy 'server': before the client's 6 s timer (no tighter wall-clock bound to flake).
      // Whichever fires first: requestTimeout (Node's 408) or Keel's responseTimeout (503).
      assert.ok(c.data === '' || /^HTTP\/1\.1 (408|503) /.test(c.data), `answer: ${c.data.slice(0, 40)}`);
    }
    assert.equal(handled, 0, 'a trickled body was handled as complete');
    await assertAnswers(running);
    const after = await settledMemory();
    report(assertReturned('slow body ×10', before, after) + `, longest ${Math.max(...clients.map((c) => c.after))} ms`);
  } finally {
    await running.close();
  }
});

test('Content-Length: 1 GiB with a tiny body: 413 from the body parser at once, or cut off by requestTimeout', async () => {
  const app = pingApp({ server: { requestTimeout: 1500 } });
  app.post('/json', json(), (req, res) => res.end('parsed'));
  app.post('/stream', (req, res) => {
    req.on('data', () => {});
    req.on('end', () => res.end('ended'));
  });
  const running = await listen(app);
  try {
    const before = await settledMemory();
    const head = (path: string) => `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 ** 30}\r\n\r\n{"a":`;
    const a = await connect(running.port);
    const parsed = collect(a, 5000);
    a.write(head('/json'));
    const r1 = await parsed;
    assert.match(r1.data, /^HTTP\/1\.1 413 /);
    // A 413 (not a 408 or 503 from a timer) says it was refused on the header alone.

    const b = await connect(running.port);
    const streamed = collect(b, 6000);
    b.write(head('/stream'));
    const r2 = await streamed;
    assert.equal(r2.closedBy, 'server');
    assert.ok(!r2.data.includes('ended'), 'the handler saw the end of a body that never came');
    await assertAnswers(running);
    const after = await settledMemory();
    report(assertReturned('Content-Length 1 GiB', before, after) + `, 413 in ${r1.after} ms, stream cut in ${r2.after} ms`);
  } finally {
    await running.close();
  }
});
