// Keel's Response keeps its header fields itself (lib/http/header-fields.ts). These tests run the
// same script of header calls on a plain node:http response and on a Keel Response (and on an
// adopted one), over real sockets, and require the same results: return values, errors (by
// code), and the head that goes out on the wire, byte for byte apart from the Date line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../lib/index.js';
import { Request } from '../../lib/http/request.js';
import { Response } from '../../lib/http/response.js';
import { kOutHeaders } from '../../lib/http/header-fields.js';

type Script = (res: http.ServerResponse, log: unknown[]) => void;

/** Runs `step`, logging what it returned or the code of what it threw. */
function attempt(log: unknown[], step: () => unknown): void {
  try {
    const value = step();
    log.push(value instanceof http.ServerResponse ? 'this' : value === undefined ? 'undefined' : JSON.parse(JSON.stringify(value)));
  } catch (err) {
    log.push(`throws ${(err as { code?: string }).code ?? String(err)}`);
  }
}

/** Sends one request over a raw socket; gives the head without its Date line, and the body. */
function rawGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    socket.on('end', () => resolve(data.replace(/\r\nDate: [^\r]*/, '')));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  });
}

type Kind = 'node' | 'keel' | 'adopted';

async function run(kind: Kind, script: Script): Promise<{ log: unknown[]; wire: string }> {
  const log: unknown[] = [];
  let server: http.Server;
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    script(res, log);
    if (!res.writableEnded) res.end('body');
  };
  if (kind === 'node') server = http.createServer(handler);
  else if (kind === 'keel') server = http.createServer({ IncomingMessage: Request, ServerResponse: Response }, handler as never) as unknown as http.Server;
  else {
    // A plain node response with a field set before Keel adopts it (an app used as middleware).
    const app = createApp();
    app.use((req, res) => handler(req, res));
    server = http.createServer((req, res) => {
      res.setHeader('X-Before', 'set by node');
      app(req, res);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const wire = await rawGet((server.address() as AddressInfo).port);
    return { log, wire };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The script's results on Keel's Response, and on an adopted one, equal node's own. */
async function sameAsNode(script: Script): Promise<{ log: unknown[]; wire: string }> {
  const node = await run('node', script);
  const keel = await run('keel', script);
  assert.deepEqual(keel.log, node.log, 'return values and errors');
  assert.equal(keel.wire, node.wire, 'head and body on the wire');
  const adopted = await run('adopted', (res, log) => {
    res.removeHeader('X-Before');
    script(res, log);
  });
  assert.deepEqual(adopted.log, node.log, 'adopted: return values and errors');
  assert.equal(adopted.wire, node.wire, 'adopted: head and body on the wire');
  return node;
}

test('set, get, has, names and copies: case-insensitive names, the last spelling is sent', { timeout: 10_000 }, async () => {
  const { log, wire } = await sameAsNode((res, log) => {
    attempt(log, () => res.setHeader('X-Custom', 'one'));
    attempt(log, () => res.setHeader('x-CUSTOM', 'two'));
    attempt(log, () => res.setHeader('Content-Type', 'text/plain'));
    attempt(log, () => res.setHeader('X-Number', 42));
    attempt(log, () => res.setHeader('Set-Cookie', ['a=1', 'b=2']));
    // A name that is an array index: node's store enumerates it first, and so must Keel's.
    attempt(log, () => res.setHeader('123', 'digits'));
    attempt(log, () => res.setHeader('X-After', 'last'));
    attempt(log, () => res.removeHeader('x-custom'));
    attempt(log, () => res.setHeader('x-CUSTOM', 'two'));
    attempt(log, () => res.getHeader('x-custom'));
    attempt(log, () => res.getHeader('X-NUMBER'));
    attempt(log, () => res.getHeader('missing'));
    attempt(log, () => res.hasHeader('CONTENT-TYPE'));
    attempt(log, () => res.hasHeader('missing'));
    attempt(log, () => res.getHeaderNames());
    attempt(log, () => (res as unknown as { getRawHeaderNames(): string[] }).getRawHeaderNames());
    attempt(log, () => res.getHeaders());
    attempt(log, () => Object.getPrototypeOf(res.getHeaders()) === null);
  });
  assert.match(wire, /^HTTP\/1.1 200 OK\r\n123: digits\r\n/);
  assert.match(wire, /\r\nX-After: last\r\nx-CUSTOM: two\r\n/, 'removed and set again: last');
  assert.match(wire, /\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n/);
  assert.equal(log[9], 'two');
});

test('append and remove; removing Content-Length or Date changes the head as in node', { timeout: 10_000 }, async () => {
  await sameAsNode((res, log) => {
    attempt(log, () => res.appendHeader('X-List', 'a'));
    attempt(log, () => res.appendHeader('x-list', ['b', 'c']));
    attempt(log, () => res.getHeader('X-List'));
    attempt(log, () => res.setHeader('Content-Length', 4));
    attempt(log, () => res.removeHeader('content-length'));
    attempt(log, () => res.removeHeader('Date'));
    attempt(log, () => res.removeHeader('never-set'));
    attempt(log, () => res.hasHeader('content-length'));
  });
  const { wire } = await run('keel', (res) => {
    res.setHeader('Content-Length', 4);
    res.removeHeader('Content-Length');
  });
  assert.match(wire, /Transfer-Encoding: chunked/, 'no Content-Length left: the body is chunked, as node does');
});

test('writeHead merges its fields over those set before, in every form node takes', { timeout: 10_000 }, async () => {
  const forms: [string, Script][] = [
    ['object', (res) => { res.setHeader('X-A', 'set'); res.setHeader('X-B', 'set'); res.writeHead(201, { 'x-a': 'given', 'X-C': 'given' }); }],
    ['reason + object', (res) => { res.setHeader('X-A', 'set'); res.writeHead(202, 'Fine', { 'X-A': 'given' }); }],
    ['flat array', (res) => { res.setHeader('X-A', 'set'); res.writeHead(200, ['X-A', 'given', 'X-D', 'd']); }],
    ['no fields given', (res) => { res.setHeader('X-A', 'set'); res.writeHead(204); }],
    ['nothing set before', (res) => { res.writeHead(200, { 'X-Only': 'given' }); }],
  ];
  for (const [name, script] of forms) {
    const node = await run('node', script);
    const keel = await run('keel', script);
    assert.equal(keel.wire, node.wire, name);
  }
  // After the head is written, the fields can still be read (node keeps them too once set).
  const after = await sameAsNode((res, log) => {
    res.setHeader('X-A', 'set');
    res.writeHead(200, { 'X-B': 'given' });
    attempt(log, () => res.getHeader('x-a'));
    attempt(log, () => res.getHeader('x-b'));
    attempt(log, () => res.headersSent);
  });
  assert.deepEqual(after.log, ['set', 'given', true]);
  // With nothing set before, node does not keep writeHead()'s fields for getHeader(); neither do we.
  // (Not for the adopted response: the field node set and removed before left node's store in place.)
  const only: Script = (res, log) => {
    res.writeHead(200, { 'X-Only': 'given' });
    attempt(log, () => res.getHeader('x-only'));
    attempt(log, () => res.getHeaderNames());
  };
  assert.deepEqual((await run('node', only)).log, ['undefined', []]);
  assert.deepEqual((await run('keel', only)).log, ['undefined', []]);
  // A field set and removed again leaves node's store in place: writeHead()'s fields are then kept.
  const removed = await sameAsNode((res, log) => {
    res.setHeader('X-Gone', 'soon');
    res.removeHeader('x-gone');
    res.writeHead(200, { 'X-Late': 'given' });
    attempt(log, () => res.getHeader('x-late'));
    attempt(log, () => res.getHeaderNames());
  });
  assert.deepEqual(removed.log, ['given', ['x-late']]);
});

test('bad input gets node\'s own errors, and nothing is stored', { timeout: 10_000 }, async () => {
  const { log } = await sameAsNode((res, log) => {
    attempt(log, () => res.setHeader('Bad Name', 'x'));
    attempt(log, () => res.setHeader('', 'x'));
    attempt(log, () => res.setHeader('X-Crlf', 'a\r\nInjected: yes'));
    attempt(log, () => res.setHeader('X-Nul', 'a\u0000b'));
    attempt(log, () => res.setHeader('X-Wide', 'snow\u2603man'));
    attempt(log, () => res.setHeader('X-Undefined', undefined as never));
    attempt(log, () => res.setHeader('X-Array', ['ok', 'bad\n']));
    attempt(log, () => res.appendHeader('X-Crlf', 'a\rb'));
    attempt(log, () => res.getHeader(42 as never));
    attempt(log, () => res.hasHeader(undefined as never));
    attempt(log, () => res.removeHeader({} as never));
    attempt(log, () => res.writeHead(200, ['odd'] as never));
    attempt(log, () => res.writeHead(99));
    attempt(log, () => res.setHeader('X-Latin1', 'caf\u00e9'));
    attempt(log, () => res.setHeader('X-Tab', 'a\tb'));
    attempt(log, () => res.getHeaderNames());
  });
  assert.equal(log[0], 'throws ERR_INVALID_HTTP_TOKEN');
  assert.equal(log[2], 'throws ERR_INVALID_CHAR');
  assert.equal(log[5], 'throws ERR_HTTP_INVALID_HEADER_VALUE');
  assert.deepEqual(log[15], ['x-latin1', 'x-tab']);
});

test('after the head is written, every change is ERR_HTTP_HEADERS_SENT', { timeout: 10_000 }, async () => {
  const { log } = await sameAsNode((res, log) => {
    res.setHeader('X-A', 'a');
    res.write('first');
    attempt(log, () => res.setHeader('X-B', 'b'));
    attempt(log, () => res.appendHeader('X-A', 'b'));
    attempt(log, () => res.removeHeader('X-A'));
    attempt(log, () => res.writeHead(200));
    attempt(log, () => res.getHeader('x-a'));
  });
  assert.deepEqual(log, ['throws ERR_HTTP_HEADERS_SENT', 'throws ERR_HTTP_HEADERS_SENT', 'throws ERR_HTTP_HEADERS_SENT', 'throws ERR_HTTP_HEADERS_SENT', 'a']);
});

test('a header named like an Object.prototype property is only a header', { timeout: 10_000 }, async () => {
  const { log } = await sameAsNode((res, log) => {
    attempt(log, () => res.getHeader('__proto__'));
    attempt(log, () => res.getHeader('constructor'));
    attempt(log, () => res.setHeader('__proto__', 'x'));
    attempt(log, () => res.getHeader('__proto__'));
    attempt(log, () => res.getHeaders()['__proto__']);
  });
  assert.deepEqual(log, ['undefined', 'undefined', 'this', 'x', 'x']);
});

test('the head goes to node in its own header store, written as node writes its own', { timeout: 10_000 }, async () => {
  // On the node versions Keel supports the store is found, so the test below covers that path.
  assert.ok(kOutHeaders !== undefined, "node's header store symbol was found and its shape proved");
  const { wire } = await sameAsNode((res, log) => {
    // node treats Content-Disposition apart when a Content-Length is set (it re-encodes the value),
    // lists become one line per value (Set-Cookie), and Connection: close ends keep-alive.
    attempt(log, () => res.setHeader('Content-Length', 4));
    attempt(log, () => res.setHeader('Content-Disposition', 'attachment; filename="caf\u00e9.txt"'));
    attempt(log, () => res.setHeader('Set-Cookie', ['a=1', 'b=2', 'c=3']));
    attempt(log, () => res.appendHeader('X-Many', ['1', '2']));
    attempt(log, () => res.setHeader('Connection', 'close'));
    attempt(log, () => res.writeHead(203, { 'X-Late': 'given' }));
    attempt(log, () => res.getHeader('x-late'));
  });
  assert.match(wire, /^HTTP\/1\.1 203 Non-Authoritative Information\r\n/);
  assert.match(wire, /\r\nContent-Disposition: attachment; filename="caf/);
  assert.match(wire, /\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nSet-Cookie: c=3\r\n/);
  assert.match(wire, /\r\nConnection: close\r\n/);
  assert.doesNotMatch(wire, /keep-alive/i);
});
