// entityTag(): weak tags of small bodies come from a fast 64-bit hash; they must be stable, tell
// bodies apart, and treat a string and its UTF-8 bytes alike only where Express's tags would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entityTag } from '../../lib/http/etag.js';

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

test('bytes hash like the latin-1 string of the same bytes; strong and large bodies use SHA-1', () => {
  assert.equal(entityTag(Buffer.from('hello'), true), entityTag('hello', true));
  assert.equal(entityTag('hello', false), '"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"');
  const big = 'a'.repeat(5000);
  assert.match(entityTag(big, true), /^W\/"1388-[A-Za-z0-9+/]{27}"$/);
  assert.equal(entityTag('', true), 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"');
});
