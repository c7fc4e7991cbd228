// Clients that reset the TCP connection at the worst moments: mid-body, mid-response, mid-frame
// and mid-handshake (including while async upgrade middleware is still running). Each is repeated;
// afterwards no connection or WebSocket is left behind, the server answers a normal request, and
// its memory is back where it started. An uncaught error would fail this file outright.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import type { WebSocket } from '../../lib/index.js';
import { frame, handshakeRequest } from '../websocket/support.js';
import { assertAnswers, assertReturned, connect, delay, pingApp, report, settledMemory, start } from './support.js';

const ROUNDS = 40;

/** Resolves when `server.getConnections` reaches 0 (or fails after `ms`). */
async function noConnectionsLeft(count: () => Promise<number>, ms = 3000): Promise<number> {
  const deadline = Date.now() + ms;
  let n = await count();
  while (n > 0 && Date.now() < deadline) {
    await delay(20);
    n = await count();
  }
  return n;
}

function resetSoon(socket: net.Socket, afterBytes: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    socket.on('data', (d: Buffer) => {
      seen += d.length;
      if (seen >= afterBytes) socket.resetAndDestroy();
    });
    socket.once('close', () => resolve());
  });
}

test('reset mid-body and mid-response: handlers see close, nothing is left open', async () => {
  const app = pingApp();
  let bodyClosed = 0;
  let responseClosed = 0;
  app.post('/upload', (req, res) => {
    req.on('data', () => {});
    req.on('close', () => bodyClosed++);
    req.on('end', () => res.end('ok'));
  });
  app.get('/big', (req, res) => {
    // Streams 64 KiB chunks on every drain: a reset must stop this, not crash it.
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < 4096 && res.write(chunk)) sent++;
      if (sent >= 4096) res.end();
    };
    res.on('drain', pump);
    res.on('close', () => responseClosed++);
    pump();
  });
  const running = await start(app);
  try {
    await assertAnswers(running);
    const before = await settledMemory();
    for (let i = 0; i < ROUNDS; i++) {
      const a = await connect(running.port);
      a.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(5000));
      await delay(2);
      a.resetAndDestroy();
      const b = await connect(running.port);
      const closed = resetSoon(b, 100 * 1024);
      b.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n');
      await closed;
    }
    assert.equal(await noConnectionsLeft(running.connections), 0, 'connections still open');
    assert.equal(bodyClosed, ROUNDS, 'every reset upload was seen to close');
    const deadline = Date.now() + 3000;
    while (responseClosed < ROUNDS && Date.now() < deadline) await delay(20);
    assert.equal(responseClosed, ROUNDS, 'every reset response was seen to close');
    await assertAnswers(running);
    const after = await settledMemory();
    report(assertReturned(`reset mid-body/mid-response ×${ROUNDS}`, before, after));
  } finally {
    await running.close();
  }
});

test('reset mid-frame and mid-handshake: every WebSocket closes, nothing is left open', async () => {
  const app = pingApp();
  const open = new Set<WebSocket>();
  let messages = 0;
  app.ws('/echo', (ws) => {
    open.add(ws);
    ws.on('close', () => open.delete(ws));
    ws.on('message', (data) => {
      messages++;
      ws.send(data);
    });
  });
  // Async middleware: the client goes away while the upgrade is still being decided.
  app.ws(
    '/slow',
    async (req, res, next) => {
      await delay(30);
      await next();
    },
    (ws) => {
      open.add(ws);
      ws.on('close', () => open.delete(ws));
    },
  );
  const running = await start(app);
  let connections = 0;
  running.server.on('connection', () => connections++);
  try {
    await assertAnswers(running);
    const before = await settledMemory();
    const big = frame(0x2, Buffer.alloc(50_000, 7));
    for (let i = 0; i < ROUNDS; i++) {
      // Mid-frame: half of a 50 KB frame, then a reset.
      const a = await connect(running.port);
      a.write(handshakeRequest('/echo'));
      await new Promise((r) => a.once('data', r));
      a.write(big.subarray(0, 20_000));
      await delay(1);
      a.resetAndDestroy();
      // Mid-handshake: half the request line and headers.
      const b = await connect(running.port);
      b.write(handshakeRequest('/echo').slice(0, 60));
      await delay(1);
      b.resetAndDestroy();
      // Whole handshake, reset before the 101 is read; and during async upgrade middleware.
      const c = await connect(running.port);
      c.write(handshakeRequest('/echo') + frame(0x1, 'hi').toString('latin1'));
      c.resetAndDestroy();
      const d = await connect(running.port);
      d.write(handshakeRequest('/slow'));
      await delay(5);
      d.resetAndDestroy();
    }
    const deadline = Date.now() + 3000;
    while (open.size > 0 && Date.now() < deadline) await delay(20);
    assert.equal(open.size, 0, `${open.size} WebSockets still open after their peers reset`);
    const left = await noConnectionsLeft(running.connections);
    assert.equal(left, 0, `${left} connections still open`);
    assert.ok(connections >= ROUNDS * 4, `${connections} connections`);
    await assertAnswers(running);
    const after = await settledMemory();
    report(assertReturned(`reset mid-frame/mid-handshake ×${ROUNDS}`, before, after) + `, ${messages} messages echoed`);
  } finally {
    await running.close();
  }
});
