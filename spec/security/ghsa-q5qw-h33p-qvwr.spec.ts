// GHSA-q5qw-h33p-qvwr (hono): static serving reached files outside the root through encoded
// separators and dot segments. Keel decodes once, refuses '..', backslashes and NUL, checks
// containment on the resolved and on the real path (symlinks).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveStatic } from '../../lib/index.js';
import { resolveUnderRoot } from '../../lib/http/static-path.js';
import { rawRequest } from '../middleware/harness.js';
import { makeSite, type Site } from '../middleware/static-fixture.js';
import { start, type Running } from '../middleware/app-server.js';

const ATTEMPTS = [
  '/../outside.txt',
  '/%2e%2e/outside.txt',
  '/%2E%2E%2Foutside.txt',
  '/..%2foutside.txt',
  '/..%5coutside.txt',
  '/%2e%2e%5coutside.txt',
  '/..\\outside.txt',
  '/dir/%2e%2e/%2e%2e/outside.txt',
  '/dir/..%2F..%2Foutside.txt',
  '/%252e%252e%252foutside.txt',
  '/.%2e/outside.txt',
  '/outside.txt%00',
  '/a.txt%00../../outside.txt',
  '/link-out.txt',
  '/linkdir/secret.txt',
  '/static/..%2f..%2foutside.txt',
  '/static/link-out.txt',
];

describe('GHSA-q5qw-h33p-qvwr: static files stay inside the root', { timeout: 15000 }, () => {
  let site: Site;
  let s: Running;
  before(async () => {
    site = await makeSite();
    s = await start((app) => {
      app.use('/static', serveStatic(site.root, { fallthrough: false }));
      app.use(serveStatic(site.root, { fallthrough: false }));
    });
  });
  after(async () => {
    await s.close();
    await site.cleanup();
  });

  it('resolveUnderRoot refuses encoded dot segments, backslashes and NUL', () => {
    for (const p of ['/%2e%2e/x', '/..%2fx', '/a%5cb', '/a%00b', '/%E0%A4%A']) assert.equal(resolveUnderRoot(site.root, p).ok, false, p);
    assert.equal(resolveUnderRoot(site.root, '/a/./b/').ok, true);
  });

  for (const p of ATTEMPTS) {
    it(`GET ${p}`, async () => {
      const r = await rawRequest(s.port, [`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`], 2000);
      assert.ok(r.status >= 400 && r.status < 500, `${p}: ${r.status}`);
      assert.ok(!r.text.includes('SECRET'), p);
    });
  }
});
