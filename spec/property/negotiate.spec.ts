// Accept, Accept-Encoding, Accept-Charset and Accept-Language parsing (RFC 9110 §12.5) under random
// and hostile headers: never throws, returns only offered values when offers are given, linear time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { preferredCharsets, preferredEncodings, preferredLanguages, preferredMediaTypes } from '../../lib/http/negotiate.js';
import { parserSuite } from './parser-suite.js';
import { check, hostileString } from './support.js';

const units = [',', ' ', 'text/html;level=1;q=0.1,', '"', 'a/b;c="\\"",'];
parserSuite('Accept (preferredMediaTypes)', { parse: (s) => preferredMediaTypes(s), units });
// The four share one list scanner: the other three get the full random run and a shorter set of units.
const few = [';q=', 'a;q=0.5,'];
parserSuite('Accept with offers', { parse: (s) => preferredMediaTypes(s, ['text/html', 'application/json', '__proto__/x']), units: few, runs: 800 });
parserSuite('Accept-Encoding (preferredEncodings)', { parse: (s) => preferredEncodings(s, ['gzip', 'br', 'identity']), units: few, runs: 800 });
parserSuite('Accept-Charset (preferredCharsets)', { parse: (s) => preferredCharsets(s), units: few, runs: 800 });
parserSuite('Accept-Language (preferredLanguages)', { parse: (s) => preferredLanguages(s, ['en', 'en-US', 'fr']), units: few, runs: 800 });

test('negotiation returns only what was offered', () => {
  const offers = ['text/html', 'application/json', 'image/png'];
  check(
    fc.property(hostileString(30), (header) => {
      for (const t of preferredMediaTypes(header, offers)) assert.ok(offers.includes(t), t);
      for (const e of preferredEncodings(header, ['gzip', 'identity'])) assert.ok(['gzip', 'identity'].includes(e), e);
      for (const l of preferredLanguages(header, ['en', 'fr'])) assert.ok(['en', 'fr'].includes(l), l);
    }),
    1000,
  );
});
