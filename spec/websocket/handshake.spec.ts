// The server's opening handshake (RFC 6455 §4.2) through acceptUpgrade on a real node:http server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ACCEPT, KEY, RawClient, closeFrame, frame, handshakeRequest, startServer, waitFor, within } from './support.js';

function raw(lines: string[]): string {
  return lines.join('\r\n') + '\r\n\r\n';
}

test('answers 101 with the RFC example accept value and no extensions', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port, handshakeRequest('/', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n'));
    assert.match(c.response, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.ok(c.response.includes(`Sec-WebSocket-Accept: ${ACCEPT}\r\n`));
    assert.ok(c.response.includes('Upgrade: websocket\r\n'));
    assert.ok(!/Sec-WebSocket-Extensions/i.test(c.response));
    assert.ok(!/Sec-WebSocket-Protocol/i.test(c.response));
    c.send(frame(0x1, 'hi'));
    const f = await c.frame(0x1);
    assert.equal(f.payload.toString(), 'hi');
    assert.equal(f.masked, false);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('frames sent together with the handshake (head) are decoded', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port, Buffer.concat([Buffer.from(handshakeRequest()), frame(0x1, 'early')]));
    assert.equal((await c.frame(0x1)).payload.toString(), 'early');
    c.destroy();
  } finally {
    await srv.close();
  }
});

const base = ['GET / HTTP/1.1', 'Host: x', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${KEY}`, 'Sec-WebSocket-Version: 13'];
const without = (prefix: string, add?: string): string[] => {
  const lines = base.filter((l) => !l.startsWith(prefix));
  if (add !== undefined) lines.push(add);
  return lines;
};

const rejections: [string, string[], number, RegExp?][] = [
  ['missing key', without('Sec-WebSocket-Key'), 400, /Sec-WebSocket-Key/],
  ['key of 15 bytes', without('Sec-WebSocket-Key', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j'), 400],
  ['key with a bad character', without('Sec-WebSocket-Key', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j*Q=='), 400],
  ['two keys', [...base, 'Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA=='], 400],
  ['version 8', without('Sec-WebSocket-Version', 'Sec-WebSocket-Version: 8'), 426],
  ['missing version', without('Sec-WebSocket-Version'), 426],
  ['POST', ['POST / HTTP/1.1', ...base.slice(1)], 400],
  ['HTTP/1.0', ['GET / HTTP/1.0', ...base.slice(1)], 400],
  ['Upgrade not websocket', without('Upgrade', 'Upgrade: h2c, websocketx'), 400],
  ['bad protocol list', [...base, 'Sec-WebSocket-Protocol: a b'], 400],
  ['duplicate protocols', [...base, 'Sec-WebSocket-Protocol: chat, chat'], 400],
  ['malformed extensions', [...base, 'Sec-WebSocket-Extensions: foo; ="x"'], 400],
];

for (const [name, lines, status, body] of rejections) {
  test(`rejects ${name} with ${status}, and the server keeps serving`, async () => {
    const srv = await startServer();
    try {
      const c = await RawClient.open(srv.port, raw(lines));
      await c.waitEnd();
      assert.match(c.response, new RegExp(`^HTTP/1.1 ${status} `));
      if (status === 426) assert.ok(c.response.includes('Sec-WebSocket-Version: 13\r\n'));
      if (body !== undefined) assert.match(c.response, body);
      assert.ok(/Content-Length: \d+/.test(c.response));
      const ok = await RawClient.open(srv.port);
      assert.match(ok.response, /^HTTP\/1\.1 101/);
      ok.destroy();
    } finally {
      await srv.close();
    }
  });
}

test('a request whose Connection lacks the upgrade token is not an upgrade (plain HTTP answers)', async () => {
  const srv = await startServer();
  try {
    const c = await RawClient.open(srv.port, raw(without('Connection', 'Connection: keep-alive, Upgrade2')));
    assert.match(c.response, /^HTTP\/1\.1 200 /);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('tolerates extra tokens, case and whitespace in Upgrade and Connection', async () => {
  const srv = await startServer();
  try {
    const lines = without('Connection', 'Connection: keep-alive ,  UPGRADE').filter((l) => !l.startsWith('Upgrade'));
    lines.push('Upgrade: WebSocket');
    const c = await RawClient.open(srv.port, raw(lines));
    assert.match(c.response, /^HTTP\/1\.1 101/);
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('subprotocol: the server preference among those offered', async () => {
  const srv = await startServer({ protocols: ['v2', 'v1'] });
  try {
    const c = await RawClient.open(srv.port, handshakeRequest('/', 'Sec-WebSocket-Protocol: v1, v2, v3\r\n'));
    assert.ok(c.response.includes('Sec-WebSocket-Protocol: v2\r\n'));
    const ws = srv.sockets[0];
    assert.equal(ws.protocol, 'v2');
    c.destroy();
    const d = await RawClient.open(srv.port, handshakeRequest('/', 'Sec-WebSocket-Protocol: v9\r\n'));
    assert.match(d.response, /^HTTP\/1\.1 101/);
    assert.ok(!d.response.includes('Sec-WebSocket-Protocol'));
    d.destroy();
  } finally {
    await srv.close();
  }
});

test('subprotocol: handleProtocols decides, and cannot answer one not offered', async () => {
  let seen: string[] = [];
  const srv = await startServer({
    handleProtocols: (offered) => {
      seen = offered;
      return offered.includes('pick') ? 'pick' : 'not-offered';
    },
  });
  try {
    const c = await RawClient.open(srv.port, handshakeRequest('/', 'Sec-WebSocket-Protocol: a,pick\r\n'));
    assert.deepEqual(seen, ['a', 'pick']);
    assert.ok(c.response.includes('Sec-WebSocket-Protocol: pick\r\n'));
    c.destroy();
    const d = await RawClient.open(srv.port, handshakeRequest('/', 'Sec-WebSocket-Protocol: a\r\n'));
    assert.ok(!d.response.includes('Sec-WebSocket-Protocol'));
    d.destroy();
  } finally {
    await srv.close();
  }
});

test('origins: a list (case-insensitive) and a function; refused with 403', async () => {
  const srv = await startServer({ origins: ['https://Good.example'] });
  try {
    const ok = await RawClient.open(srv.port, handshakeRequest('/', 'Origin: https://good.example\r\n'));
    assert.match(ok.response, /^HTTP\/1\.1 101/);
    ok.destroy();
    const bad = await RawClient.open(srv.port, handshakeRequest('/', 'Origin: https://evil.example\r\n'));
    await bad.waitEnd();
    assert.match(bad.response, /^HTTP\/1\.1 403 /);
    const none = await RawClient.open(srv.port);
    assert.match(none.response, /^HTTP\/1\.1 403 /);
  } finally {
    await srv.close();
  }
  const fn = await startServer({ origins: (origin) => origin === undefined });
  try {
    const none = await RawClient.open(fn.port);
    assert.match(none.response, /^HTTP\/1\.1 101/);
    none.destroy();
    const some = await RawClient.open(fn.port, handshakeRequest('/', 'Origin: http://x\r\n'));
    assert.match(some.response, /^HTTP\/1\.1 403 /);
  } finally {
    await fn.close();
  }
});

test('an origin check that throws answers 500 without crashing', async () => {
  const srv = await startServer({
    origins: () => {
      throw new Error('boom');
    },
  });
  try {
    const c = await within(RawClient.open(srv.port), 3000, 'response');
    assert.match(c.response, /^HTTP\/1\.1 500 /);
    assert.ok(!c.response.includes('boom'));
  } finally {
    await srv.close();
  }
});

test('a late acceptUpgrade (after async middleware) still sees the frames sent meanwhile', async () => {
  const http = await import('node:http');
  const { acceptUpgrade } = await import('../../lib/websocket/handshake.js');
  const { resolveWebSocketOptions } = await import('../../lib/websocket/options.js');
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    setTimeout(() => {
      const ws = acceptUpgrade(req, socket, head, resolveWebSocketOptions({}));
      ws?.on('message', (data) => ws.send(`echo:${String(data)}`));
    }, 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const net = await import('node:net');
    const socket = net.connect(port, '127.0.0.1');
    const c = new RawClient(socket);
    socket.write(handshakeRequest());
    socket.write(frame(0x1, 'one'));
    await new Promise((r) => setTimeout(r, 30));
    socket.write(frame(0x1, 'two'));
    assert.equal((await c.frame(0x1)).payload.toString(), 'echo:one');
    assert.equal((await c.frame(0x1)).payload.toString(), 'echo:two');
    c.destroy();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a handler that attaches its listeners after a few awaits still gets the first frames', async () => {
  const srv = await startServer({}, (ws) => {
    void (async () => {
      await Promise.resolve();
      await null;
      ws.on('message', (d) => ws.send(`late:${String(d)}`));
    })();
  });
  try {
    const c = await RawClient.open(srv.port, Buffer.concat([Buffer.from(handshakeRequest()), frame(0x1, 'first')]));
    assert.equal((await c.frame(0x1)).payload.toString(), 'late:first');
    c.destroy();
  } finally {
    await srv.close();
  }
});

test('acceptUpgrade keeps the socket in a registry until its connection closes, refused ones never', async () => {
  const http = await import('node:http');
  const { acceptUpgrade } = await import('../../lib/websocket/handshake.js');
  const { resolveWebSocketOptions } = await import('../../lib/websocket/options.js');
  type WS = import('../../lib/websocket/websocket.js').WebSocket;
  const registry = new Set<WS>();
  const accepted: WS[] = [];
  let inRegistryAtClose: boolean | undefined;
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    const ws = acceptUpgrade(req, socket, head, resolveWebSocketOptions({}), undefined, registry);
    if (ws === undefined) return;
    accepted.push(ws);
    // The socket has left the registry by the time 'close' listeners run.
    ws.on('close', () => (inRegistryAtClose = registry.has(ws)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const refused = await RawClient.open(port, handshakeRequest('/', '').replace(KEY, 'short'));
    assert.match(refused.response, /^HTTP\/1.1 400/);
    assert.equal(registry.size, 0);

    const c = await RawClient.open(port);
    await waitFor(() => accepted.length === 1, 'the server-side WebSocket');
    assert.deepEqual([...registry], accepted);
    c.send(closeFrame(1000));
    assert.equal((await c.closeFrame()).code, 1000);
    if (accepted[0].readyState !== 3) await within(once(accepted[0], 'close'), 3000, 'server close');
    assert.equal(registry.size, 0);
    assert.equal(inRegistryAtClose, false);
    c.destroy();
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
