// res.location() and res.redirect(): encoding, 'back', status, negotiated bodies.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get, rawRequest, once } from './harness.js';
import type { TestServer } from './harness.js';

let server: TestServer;

before(async () => {
  // GET /location?to=...  sets Location only; GET /redirect?to=...&status=...  redirects.
  server = await serve((req, res) => {
    const to = String(req.query.to);
    if (req.path === '/location') {
      res.location(to).end();
    } else if (req.query.status !== undefined) {
      res.redirect(Number(req.query.status), to);
    } else {
      res.redirect(to);
    }
  });
});

after(() => server.close());

async function locationOf(to: string, headers: Record<string, string> = {}): Promise<string | null> {
  const res = await get(`${server.url}/location?to=${encodeURIComponent(to)}`, headers);
  await res.text();
  return res.headers.get('location');
}

test('location encodes what a URL may not contain and keeps existing escapes', { timeout: 5000 }, async () => {
  assert.equal(await locationOf('/foo bar'), '/foo%20bar');
  assert.equal(await locationOf('/a%20b?x=1&y=%2F'), '/a%20b?x=1&y=%2F');
  assert.equal(await locationOf('/100%'), '/100%25');
  assert.equal(await locationOf('/café'), '/caf%C3%A9');
  assert.equal(await locationOf('/"<x>`'), '/%22%3Cx%3E%60');
  assert.equal(await locationOf('https://example.com/ok?q=[1]'), 'https://example.com/ok?q=[1]');
});

test("'back' goes to a same-origin Referer, else '/'", { timeout: 5000 }, async () => {
  const host = new URL(server.url).host;
  assert.equal(await locationOf('back', { referer: `http://${host}/previous?page=2` }), `http://${host}/previous?page=2`);
  assert.equal(await locationOf('back', { referer: 'http://evil.test/phish' }), '/');
  assert.equal(await locationOf('back', { referer: `javascript://${host}/%0aalert(1)` }), '/');
  assert.equal(await locationOf('back'), '/');
});

test('redirect defaults to 302 and accepts a status', { timeout: 5000 }, async () => {
  let res = await get(`${server.url}/redirect?to=/next`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/next');
  await res.text();
  res = await get(`${server.url}/redirect?to=/moved&status=301`);
  assert.equal(res.status, 301);
  await res.text();
  res = await get(`${server.url}/redirect?to=/x&status=42`);
  assert.equal(res.status, 500);
  assert.match(await res.text(), /^TypeError/);
});

test('the body is negotiated: html (escaped), text, or empty', { timeout: 5000 }, async () => {
  let res = await get(`${server.url}/redirect?to=${encodeURIComponent('/a?b=1&c=<2>')}`, { accept: 'text/html' });
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('vary'), 'Accept');
  const html = await res.text();
  assert.equal(html, '<!DOCTYPE html><head><title>Found</title></head><body><p>Found. Redirecting to /a?b=1&amp;c=%3C2%3E</p></body>');
  assert.equal(res.headers.get('content-length'), String(Buffer.byteLength(html)));
  res = await get(`${server.url}/redirect?to=/t`, { accept: 'text/plain' });
  assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await res.text(), 'Found. Redirecting to /t');
  res = await get(`${server.url}/redirect?to=/t`, { accept: 'image/png' });
  assert.equal(res.headers.get('content-type'), null);
  assert.equal(await res.text(), '');
});

test('HEAD redirects send no body', { timeout: 5000 }, async () => {
  const raw = await rawRequest(server.port, 'HEAD /redirect?to=/x HTTP/1.1\r\nHost: h\r\nAccept: text/html\r\nConnection: close\r\n\r\n');
  assert.equal(raw.status, 302);
  assert.equal(raw.headers.location, '/x');
  assert.equal(raw.body, '');
});

test('a non-string URL is a TypeError', { timeout: 5000 }, async () => {
  const answer = await once((req, res) => { (res.redirect as (u: unknown) => void)(undefined); });
  assert.equal(answer.status, 500);
  assert.match(answer.text, /^TypeError/);
});
