// entityTag(): weak tags of small and medium bodies come from fast 64-bit hashes; they must be
// stable, tell bodies apart, and treat a string and its UTF-8 bytes alike only where Express's tags
// would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { entityTag } from '../../lib/http/etag.js';
import { createApp } from '../../lib/index.js';
import { withApp } from '../helpers/listen.js';

test('small-body weak tags are stable and tell 200,000 near-identical bodies apart', () => {
  assert.equal(entityTag('{"id":"42"}', true), entityTag('{"id":"42"}', true));
  const seen = new Set<string>();
  for (let i = 0; i < 200_000; i++) {
    const tag = entityTag(`{"id":"${i}","n":${i % 7}}`, true);
    assert.match(tag, /^W\/"[0-9a-f]+-[A-Za-z0-9+/]{11}"$/);
    seen.add(tag);
  }
  assert.equal(seen.size, 200_000);
  // One changed character anywhere changes the tag.
  const base = 'x'.repeat(90);
  const tags = new Set([entityTag(base, true)]);
  for (let i = 0; i < base.length; i++) tags.add(entityTag(base.slice(0, i) + 'y' + base.slice(i + 1), true));
  assert.equal(tags.size, base.length + 1);
});

test('small-body weak tags keep their values whatever the number of hex digits in the length', () => {
  // Values of the first implementation (tags built by concatenation), so a cache that holds a tag
  // sees the same one after an upgrade: lengths of one, two and three hex digits.
  assert.equal(entityTag('Hello World', true), 'W/"b-qwVwB4uhUuL"');
  assert.equal(entityTag('{"id":"42"}', true), 'W/"b-6sQnX8kIOJG"');
  assert.equal(entityTag('x'.repeat(16), true), 'W/"10-RAEl+zavx8O"');
  assert.equal(entityTag(Buffer.from('x'.repeat(96)), true), 'W/"60-R+Afj+KNEhP"');
  assert.equal(entityTag('é'.repeat(96), true), 'W/"c0-RsInA/UOe+L"');
  assert.equal(entityTag('😀'.repeat(48), true), 'W/"c0-vJik/MqqENF"');
  assert.equal(entityTag('€'.repeat(96), true), 'W/"120-GgSXaj9VyEF"');
  for (const body of ['a', 'é'.repeat(8), '€'.repeat(90), '😀'.repeat(3)]) {
    const hex = /^W\/"([0-9a-f]+)-/.exec(entityTag(body, true))![1];
    assert.equal(hex, Buffer.byteLength(body).toString(16), body);
  }
});

const sha1Tag = (body: string | Buffer): string => createHash('sha1').update(body).digest('base64').slice(0, 27);

test('bytes hash like the latin-1 string of the same bytes; strong and large bodies use SHA-1', () => {
  assert.equal(entityTag(Buffer.from('hello'), true), entityTag('hello', true));
  assert.equal(entityTag('hello', false), '"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"');
  assert.equal(entityTag('a'.repeat(5000), false), '"1388-' + sha1Tag('a'.repeat(5000)) + '"');
  const large = 'é'.repeat(40_000); // 80,000 bytes: past the 64 KiB of the medium hash
  assert.equal(entityTag(large, true), 'W/"13880-' + sha1Tag(large) + '"');
  assert.equal(entityTag(Buffer.from(large), true), entityTag(large, true));
  assert.equal(entityTag('', true), 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"');
});

/** The 64 bits a weak tag's 11 base64 digits carry, as 16 hex digits. */
function tagBits(tag: string): string {
  const digits = /^W\/"[0-9a-f]+-([A-Za-z0-9+/]{11})"$/.exec(tag)![1]!;
  const value = (d: string): bigint => BigInt('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(d));
  // Ten digits of six bits, then one holding the last four.
  let bits = 0n;
  for (const d of digits.slice(0, 10)) bits = (bits << 6n) | value(d);
  bits = (bits << 4n) | value(digits[10]!);
  return bits.toString(16).padStart(16, '0');
}

test('weak tags of bodies from 97 characters to 64 KiB carry the first 64 bits of MurmurHash3_x86_128 of the UTF-8 bytes', () => {
  // Reference digests (h1 h2 h3 h4) from murmurhash3js 3.0.1 (see murmur3.spec.ts).
  const ascii = 'The quick brown fox jumps over the lazy dog. '.repeat(3); // 135 bytes
  assert.equal(tagBits(entityTag(ascii, true)), 'efcafbf840e4085c');
  assert.match(entityTag(ascii, true), /^W\/"87-/);
  const text = 'Grüße, 世界 😀 '.repeat(8); // 168 bytes of UTF-8, non-ASCII: hashed as UTF-8
  assert.equal(tagBits(entityTag(text, true)), '6e322577b519f295');
  assert.equal(entityTag(Buffer.from(text), true), entityTag(text, true));
  // A lone surrogate is counted and written as U+FFFD's three bytes, as Buffer.from() encodes it.
  const lone = 'x'.repeat(100) + '\ud800' + 'y'.repeat(100);
  assert.equal(entityTag(lone, true), entityTag(Buffer.from(lone), true));
  assert.match(entityTag(lone, true), /^W\/"cb-/);
  // The largest body of the medium hash, as a string and as bytes.
  const edge = 'x'.repeat(64 * 1024);
  assert.equal(entityTag(edge, true), entityTag(Buffer.from(edge), true));
  assert.match(entityTag(edge, true), /^W\/"10000-[A-Za-z0-9+/]{11}"$/);
  // A Buffer that is a view into a larger ArrayBuffer hashes only its own bytes.
  const inner = Buffer.from('##' + ascii + '##').subarray(2, 2 + ascii.length);
  assert.equal(entityTag(inner, true), entityTag(ascii, true));
});

test('medium-body weak tags tell 100,000 near-identical bodies apart, and any one changed byte', () => {
  const seen = new Set<string>();
  const filler = 'a'.repeat(120);
  for (let i = 0; i < 100_000; i++) seen.add(entityTag(`{"id":${i},"text":"${filler}"}`, true));
  assert.equal(seen.size, 100_000);
  const base = 'x'.repeat(1000);
  const tags = new Set([entityTag(base, true)]);
  for (let i = 0; i < base.length; i++) tags.add(entityTag(base.slice(0, i) + 'y' + base.slice(i + 1), true));
  assert.equal(tags.size, base.length + 1);
});

test('res.send() of long text: a weak tag over its UTF-8 bytes, the same for HEAD, 304 when it matches', { timeout: 5000 }, async () => {
  const text = 'é'.repeat(300) + 'end';
  const app = createApp();
  app.get('/', (req, res) => { res.send(text); });
  await withApp(app, async (url) => {
    const r = await fetch(url);
    const tag = r.headers.get('etag');
    assert.equal(await r.text(), text);
    assert.equal(r.headers.get('content-length'), String(Buffer.byteLength(text)));
    assert.equal(tag, entityTag(text, true));
    assert.equal(tag, entityTag(Buffer.from(text), true));
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.headers.get('etag'), tag);
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request.
    const status = await new Promise<number>((resolve, reject) => {
      http.get(url, { headers: { 'If-None-Match': tag! } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', reject);
    });
    assert.equal(status, 304);
  });
});

test('the automatic ETag is for GET and HEAD only (RFC 9110 §8.8.3, §9.3.4); one set by the app is kept', { timeout: 5000 }, async () => {
  const app = createApp();
  app.all('/auto', (req, res) => { res.json({ method: req.method }); });
  app.all('/own', (req, res) => { res.set('ETag', '"v7"').send('saved'); });
  app.set('etag', 'strong');
  await withApp(app, async (url) => {
    for (const method of ['GET', 'HEAD']) {
      const r = await fetch(url + '/auto', { method });
      assert.equal(r.headers.get('etag'), entityTag(JSON.stringify({ method }), false), method);
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      const r = await fetch(url + '/auto', { method });
      assert.deepEqual(await r.json(), { method }, method);
      assert.equal(r.status, 200, method);
      assert.equal(r.headers.get('etag'), null, `${method}: no automatic ETag`);
      assert.equal(r.headers.get('content-length'), String(JSON.stringify({ method }).length), method);
      const own = await fetch(url + '/own', { method });
      assert.equal(own.headers.get('etag'), '"v7"', `${method}: the app's own ETag`);
    }
  });
});

test('a repeated body reuses its tag only when body and strength both match', () => {
  // entityTag() remembers the last string body it tagged. Whatever the order of calls, every tag
  // must be the one a first call would give: compare against bodies tagged from fresh copies.
  const fresh = (s: string, weak: boolean): string => {
    entityTag('something else entirely', true); // forget `s`
    return entityTag((' ' + s).slice(1), weak); // an equal string, not the same one
  };
  const bodies = ['Hello World', '{"id":"42"}', '{"id":"43"}', 'x'.repeat(500), 'y'.repeat(500), 'é'.repeat(20)];
  const expected = new Map<string, string>();
  for (const b of bodies) for (const weak of [true, false]) expected.set(weak + b, fresh(b, weak));
  for (let round = 0; round < 3; round++) {
    for (const b of bodies) {
      for (const weak of [true, false, true]) {
        assert.equal(entityTag(b, weak), expected.get(weak + b), `${weak ? 'weak' : 'strong'} ${b.slice(0, 12)}`);
        assert.equal(entityTag(b, weak), expected.get(weak + b), 'the same call again');
      }
    }
  }
  // Strong and weak tags of one body differ (so a memo that ignored the strength would be caught).
  assert.notEqual(entityTag('Hello World', true).slice(2), entityTag('Hello World', false));
  assert.ok(!entityTag('Hello World', false).startsWith('W/'));
  // Bytes are never remembered: a buffer changed in place gets the tag of its new content.
  const bytes = Buffer.from('abcdefgh');
  const before = entityTag(bytes, true);
  bytes[0] = 0x7a;
  assert.notEqual(entityTag(bytes, true), before);
  assert.equal(entityTag(bytes, true), entityTag('zbcdefgh', true));
});
