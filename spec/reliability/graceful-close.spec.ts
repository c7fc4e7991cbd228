// Graceful shutdown under load: while a pool of keep-alive clients hammers the server and
// WebSockets are open, app.close() is called. Every request the server accepted gets its full
// response (counted on both sides: none lost), new connections are refused, keep-alive responses
// in flight say `Connection: close`, every WebSocket gets 1001, and close() resolves in time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { RawClient, closeFrame, handshakeRequest } from '../websocket/support.js';
import { delay, expire, pingApp, report, start } from './support.js';

const WORKERS = 40;
const BODY = 8 * 1024;

interface Outcome {
  ok: number;
  /** Requests that failed before any response byte: never accepted by the server. */
  refused: number;
  /** Responses cut short (status seen, body incomplete): these would be lost requests. */
  truncated: number;
}

function request(agent: http.Agent, port: number, id: number, out: Outcome): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: `/work?id=${id}`, agent }, (res) => {
      let length = 0;
      res.on('data', (c: Buffer) => (length += c.length));
      res.on('end', () => {
        if (res.statusCode === 200 && length === BODY) {
          out.ok++;
          resolve(true);
        } else {
          out.truncated++;
          resolve(false);
        }
      });
      res.on('error', () => {
        out.truncated++;
        resolve(false);
      });
    });
    req.on('error', () => {
      out.refused++;
      resolve(false);
    });
    req.setTimeout(5000, () => req.destroy(new Error('client timeout')));
    req.end();
  });
}

test('app.close() under load: no accepted request lost, 1001 for WebSockets, resolves in time', { timeout: 30_000 }, async () => {
  const closeTimeout = 3000;
  const app = pingApp({ server: { closeTimeout, keepAliveTimeout: 5000 } });
  let accepted = 0;
  let finished = 0;
  let keptAlive = 0;
  let endedConnection = 0;
  let closeCalled = false;
  app.get('/work', (req, res) => {
    accepted++;
    res.on('finish', () => finished++);
    // 0-60 ms of "work", so that many requests are in flight when close() is called.
    setTimeout(() => {
      res.setHeader('Content-Type', 'application/octet-stream');
      const afterClose = closeCalled;
      res.end(Buffer.alloc(BODY, 0x6b));
      // Headers written after close() must end the keep-alive connection.
      if (afterClose) {
        if (res.shouldKeepAlive) keptAlive++;
        else endedConnection++;
      }
    }, Math.floor(Math.random() * 60));
  });
  app.ws('/ws', () => {});
  const running = await start(app);
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const out: Outcome = { ok: 0, refused: 0, truncated: 0 };
  try {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => RawClient.open(running.port, handshakeRequest('/ws'))));
    let id = 0;
    const workers = Array.from({ length: WORKERS }, async () => {
      // Each worker sends requests back to back until one fails (the server is gone).
      for (let n = 0; n < 2000; n++) {
        if (!(await request(agent, running.port, id++, out))) return;
      }
    });
    await delay(700);
    const inFlight = accepted - finished;
    closeCalled = true;
    const t0 = Date.now();
    const closing = app.close();
    // The WebSocket peers answer the server's Close (RFC 6455 §5.5.1), as a browser would.
    const codesP = Promise.all(
      sockets.map(async (c) => {
        const { code } = await c.closeFrame(2000);
        c.send(closeFrame(code));
        return code;
      }),
    );
    // New connections are refused at once.
    const refusedNew = await new Promise<boolean>((resolve) => {
      const s = net.connect(running.port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    const closedIn = await Promise.race([closing.then(() => Date.now() - t0), expire(closeTimeout + 2000, -1)]);
    await Promise.race([Promise.all(workers), expire(10_000, undefined)]);
    const codes = await codesP;
    for (const c of sockets) c.destroy();

    report(
      `graceful close under load: ${accepted} accepted, ${out.ok} full responses, ${out.truncated} truncated, ` +
        `${out.refused} refused (never accepted), ${inFlight} in flight at close(), ${endedConnection} answered with ` +
        `Connection: close after close() (${keptAlive} kept alive), close() resolved in ${closedIn} ms (timeout ${closeTimeout}), WebSockets: ${codes.join(',')}`,
    );
    assert.ok(inFlight > 0, 'no request was in flight when close() was called: the test proves nothing');
    assert.equal(out.truncated, 0, 'responses were cut short');
    assert.equal(finished, accepted, 'an accepted request never finished its response');
    assert.equal(out.ok, accepted, `${accepted - out.ok} accepted requests lost`);
    assert.ok(refusedNew, 'a new connection was accepted after close()');
    assert.equal(keptAlive, 0, 'a response written after close() kept the connection alive');
    assert.ok(endedConnection > 0, 'no response was written after close(): the keep-alive check proves nothing');
    assert.notEqual(closedIn, -1, 'close() did not resolve');
    assert.ok(closedIn < closeTimeout, `close() took ${closedIn} ms; in-flight work needs at most 60 ms`);
    assert.deepEqual(codes, [1001, 1001, 1001, 1001, 1001]);
  } finally {
    agent.destroy();
    await app.close();
  }
});

test('close() with a handler that never finishes: forced after closeTimeout, resolves', { timeout: 10_000 }, async () => {
  const closeTimeout = 500;
  const app = pingApp({ server: { closeTimeout, responseTimeout: 0 } });
  let entered = 0;
  app.get('/stuck', () => void entered++);
  const running = await start(app);
  const socket = net.connect(running.port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((r) => socket.once('connect', r));
  socket.write('GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n');
  while (entered === 0) await delay(5);
  const t0 = Date.now();
  const closedIn = await Promise.race([app.close().then(() => Date.now() - t0), expire(3000, -1)]);
  assert.notEqual(closedIn, -1, 'close() never resolved');
  // Never early; late is bounded by expire(3000) above, not by a margin a loaded machine could miss.
  assert.ok(closedIn >= closeTimeout - 20, `close() resolved after ${closedIn} ms with closeTimeout ${closeTimeout}`);
  await new Promise((r) => (socket.destroyed ? r(undefined) : socket.once('close', r)));
  report(`close() with a stuck handler: forced after ${closedIn} ms (closeTimeout ${closeTimeout})`);
});
