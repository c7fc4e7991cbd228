// Demo: pages behind sign-in redirect to it; the JSON API answers 401; pages carry a CSP; static
// assets are cached and compressed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { signIn, withDemo } from './harness.js';

test('pages redirect to /signin without a session, and show the chat with one', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    for (const path of ['/', '/chat']) {
      const r = await fetch(url + path, { redirect: 'manual' });
      assert.equal(r.status, 303, path);
      assert.equal(r.headers.get('location'), '/signin');
    }
    const signinPage = await fetch(`${url}/signin`);
    assert.equal(signinPage.status, 200);
    assert.match(await signinPage.text(), /<form id="signin-form" method="post" action="\/signin">/);

    const cookie = await signIn(url, 'Pat');
    const root = await fetch(`${url}/`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(root.headers.get('location'), '/chat');
    const again = await fetch(`${url}/signin`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(again.headers.get('location'), '/chat');
    const chat = await fetch(`${url}/chat`, { headers: { cookie } });
    assert.equal(chat.status, 200);
    assert.match(chat.headers.get('content-type') ?? '', /^text\/html/);
    const html = await chat.text();
    assert.match(html, /<ol id="messages"/);
    assert.doesNotMatch(html, /<script>/); // no inline script: the CSP allows none
  });
});

test('every page carries a Content-Security-Policy without inline scripts', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    for (const path of ['/signin', '/info']) {
      const r = await fetch(url + path);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'/, path);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      await r.body?.cancel();
    }
  });
});

test('the JSON API answers 401 without a session', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    for (const [method, path] of [['GET', '/api/me'], ['GET', '/api/messages'], ['POST', '/api/messages']]) {
      const r = await fetch(url + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"text":"hi"}' : undefined });
      assert.equal(r.status, 401, `${method} ${path}`);
      assert.deepEqual(await r.json(), { error: { code: 'DEMO_SIGNED_OUT', message: 'Sign in first' } });
    }
    const forged = await fetch(`${url}/api/me`, { headers: { cookie: 'keel.demo.sid=s%3Aabc.forged' } });
    assert.equal(forged.status, 401);
  });
});

test('static assets: cache headers, revalidation, compression', { timeout: 10_000 }, async () => {
  await withDemo(async ({ url }) => {
    const css = await fetch(`${url}/assets/style.css`, { headers: { 'accept-encoding': 'identity' } });
    assert.equal(css.status, 200);
    assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
    assert.equal(css.headers.get('cache-control'), 'public, max-age=3600');
    const etag = css.headers.get('etag');
    assert.ok(etag);
    const body = await css.text();
    const again = await fetch(`${url}/assets/style.css`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);

    const js = await fetch(`${url}/assets/chat.js`);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    await js.body?.cancel();

    // Raw bytes through node:http so the gzip encoding is visible (fetch decodes it).
    const http = await import('node:http');
    const gz = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      http.get(`${url}/assets/style.css`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    assert.equal(gz.encoding, 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), body);

    const missing = await fetch(`${url}/assets/nope.css`);
    assert.equal(missing.status, 404);
    const traversal = await fetch(`${url}/assets/..%2Fchat.html`);
    assert.notEqual(traversal.status, 200);
  });
});
