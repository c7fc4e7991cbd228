// req.protocol and req.secure on a real TLS socket. TLS 1.2 with a pre-shared key (RFC 4279) needs
// no certificate, so the spec carries no key material beyond 16 random-looking bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Request } from '../../lib/http/request.js';
import { Response } from '../../lib/http/response.js';
import { fakeApp } from './harness.js';

const PSK = Buffer.from('6b65656c2d737065632d70736b2d3031', 'hex');
const TLS_OPTIONS = { ciphers: 'PSK-AES128-GCM-SHA256', maxVersion: 'TLSv1.2' as const };

async function overTls(settings: Record<string, unknown>, headers: string): Promise<string> {
  const server = https.createServer({
    ...TLS_OPTIONS,
    IncomingMessage: Request,
    ServerResponse: Response,
    pskCallback: () => PSK,
  }, (rawReq, rawRes) => {
    const req = rawReq as Request;
    const res = rawRes as Response;
    req.app = res.app = fakeApp(settings);
    req.res = res;
    res.send(`${req.protocol} ${req.secure}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({
        ...TLS_OPTIONS,
        port: (server.address() as AddressInfo).port,
        host: '127.0.0.1',
        pskCallback: () => ({ psk: PSK, identity: 'spec' }),
        checkServerIdentity: () => undefined,
      }, () => socket.write(`GET / HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`));
      let text = '';
      const timer = setTimeout(() => { socket.destroy(); reject(new Error('timed out')); }, 5000);
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => { text += d; });
      socket.on('error', (err) => { clearTimeout(timer); reject(err); });
      socket.on('close', () => { clearTimeout(timer); resolve(text.slice(text.indexOf('\r\n\r\n') + 4)); });
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test('a TLS socket is https and secure', { timeout: 10000 }, async () => {
  assert.equal(await overTls({}, ''), 'https true');
});

test('a trusted proxy saying http over TLS is believed; an untrusted one is not', { timeout: 10000 }, async () => {
  assert.equal(await overTls({ 'trust proxy': true }, 'X-Forwarded-Proto: http\r\n'), 'http false');
  assert.equal(await overTls({}, 'X-Forwarded-Proto: http\r\n'), 'https true');
});
