// connect(): the client side of the opening handshake (RFC 6455 §4.1) and its failures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { once } from 'node:events';
import { connect } from '../../lib/websocket/client.js';
import { acceptValue } from '../../lib/websocket/handshake.js';
import { within } from './support.js';

/** A server answering upgrades with whatever `respond` writes. */
async function fakeServer(respond: (key: string, socket: net.Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end('no');
  });
  const sockets = new Set<net.Socket>();
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    respond(String(req.headers['sec-websocket-key']), socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: async () => {
      // Upgraded sockets are no longer the http server's: destroy them here.
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close();
    },
  };
}

const ok = (key: string, extra = ''): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptValue(key)}\r\n${extra}\r\n`;

const failures: [string, (key: string, s: net.Socket) => void, RegExp][] = [
  ['a wrong Sec-WebSocket-Accept', (_k, s) => s.write(ok('AAAAAAAAAAAAAAAAAAAAAA==')), /Sec-WebSocket-Accept/],
  ['an Upgrade header other than websocket', (k, s) => s.write(ok(k).replace('Upgrade: websocket', 'Upgrade: h2c')), /Upgrade/],
  ['a 101 without an Upgrade header', (k, s) => s.write(ok(k).replace('Upgrade: websocket\r\n', '')), /101/],
  ['an extension that was not offered', (k, s) => s.write(ok(k, 'Sec-WebSocket-Extensions: permessage-deflate\r\n')), /extension/],
  ['a subprotocol that was not offered', (k, s) => s.write(ok(k, 'Sec-WebSocket-Protocol: nope\r\n')), /subprotocol/],
];

for (const [name, respond, message] of failures) {
  test(`rejects ${name}`, async () => {
    const srv = await fakeServer(respond);
    try {
      await assert.rejects(within(connect(srv.url, { protocols: 'mine' }), 3000, 'connect'), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'KEEL_WS_HANDSHAKE_FAILED');
        assert.match(e.message, message);
        return true;
      });
    } finally {
      await srv.close();
    }
  });
}

test('rejects a non-101 response with its status', async () => {
  const server = http.createServer((_req, res) => {
    res.statusCode = 403;
    res.end('no');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as net.AddressInfo;
    await assert.rejects(connect(`ws://127.0.0.1:${port}/`), /Unexpected server response: 403/);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('handshakeTimeout rejects a server that never answers', async () => {
  const srv = await fakeServer(() => {});
  try {
    await assert.rejects(within(connect(srv.url, { handshakeTimeout: 150 }), 3000, 'connect'), { code: 'KEEL_WS_HANDSHAKE_TIMEOUT' });
  } finally {
    await srv.close();
  }
});

test('a masked frame from the server fails the connection with 1002', async () => {
  const srv = await fakeServer((k, s) => {
    s.write(ok(k));
    s.write(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61 ^ 1]));
    s.on('data', (d: Buffer) => {
      if ((d[0] & 0x0f) === 0x8) s.end();
    });
  });
  try {
    const ws = await connect(srv.url);
    const errors: { closeCode?: number }[] = [];
    ws.on('error', (e) => errors.push(e as { closeCode?: number }));
    const code = await within(new Promise<number>((r) => ws.once('close', r)), 3000, 'close');
    assert.equal(errors[0]?.closeCode, 1002);
    assert.equal(code, 1006);
  } finally {
    await srv.close();
  }
});

test('messages sent right after the 101 reach listeners attached after await connect()', async () => {
  const srv = await fakeServer((k, s) => {
    s.write(Buffer.concat([Buffer.from(ok(k)), Buffer.from([0x81, 0x02, 0x68, 0x69])]));
  });
  try {
    const ws = await connect(srv.url);
    const got = await within(new Promise<string>((r) => ws.once('message', (d) => r(String(d)))), 3000, 'message');
    assert.equal(got, 'hi');
    ws.terminate();
  } finally {
    await srv.close();
  }
});

test('invalid arguments throw TypeError at once', () => {
  assert.throws(() => connect('http://x:1/#frag'), TypeError);
  assert.throws(() => connect('ftp://x/'), TypeError);
  assert.throws(() => connect('ws://x/', { protocols: ['a b'] }), TypeError);
  assert.throws(() => connect('ws://x/', { protocols: ['a', 'a'] }), TypeError);
  assert.throws(() => connect('ws://x/', { maxPayload: -1 }), TypeError);
  assert.throws(() => connect('ws://x/', { handshakeTimeout: 0 }), TypeError);
});

test('the client masks every frame with a fresh key', async () => {
  const keys = new Set<string>();
  const srv = await fakeServer((k, s) => {
    s.write(ok(k));
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        assert.ok(buf[1] & 0x80, 'masked');
        const len = buf[1] & 0x7f;
        if (buf.length < 6 + len) break;
        keys.add(buf.subarray(2, 6).toString('hex'));
        const payload = Buffer.from(buf.subarray(6, 6 + len));
        for (let i = 0; i < len; i++) payload[i] ^= buf[2 + (i & 3)];
        assert.equal(payload.toString(), 'same');
        buf = buf.subarray(6 + len);
      }
    });
  });
  try {
    const ws = await connect(srv.url);
    for (let i = 0; i < 50; i++) ws.send('same');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(keys.size, 50);
    ws.terminate();
  } finally {
    await srv.close();
  }
});
