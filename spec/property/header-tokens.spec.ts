// Sec-WebSocket-Protocol and Sec-WebSocket-Extensions parsing (RFC 6455 §4.3, §9.1) under random
// and hostile headers: never throws, null-prototype offers and parameters, linear time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseExtensions, parseTokenList } from '../../lib/websocket/header-tokens.js';
import { parserSuite } from './parser-suite.js';
import { check } from './support.js';

parserSuite('Sec-WebSocket-Protocol (parseTokenList)', {
  parse: (s) => parseTokenList(s),
  units: [' ', ',', ' , ', 'a,', '\t', 'a b', '"'],
});

parserSuite('Sec-WebSocket-Extensions (parseExtensions)', {
  parse: (s) => parseExtensions(s),
  keyed: true,
  units: [' ', ',', ';', 'a;', 'a; b=1, ', 'x;y="z", ', { unit: '\\a', prefix: 'e; p="', suffix: '"' }, '__proto__; constructor=1, '],
});

test('parseExtensions: offers built from tokens round-trip, prototype names are plain keys', () => {
  const token = fc.oneof(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'));
  const offer = fc.tuple(token, fc.uniqueArray(fc.tuple(token, fc.option(token, { nil: undefined })), { maxLength: 4, selector: ([k]) => k }));
  check(
    fc.property(fc.array(offer, { minLength: 1, maxLength: 6 }), (offers) => {
      const header = offers.map(([name, ps]) => [name, ...ps.map(([k, v]) => (v === undefined ? k : `${k}=${v}`))].join('; ')).join(', ');
      const parsed = parseExtensions(header);
      assert.ok(parsed !== null, header);
      assert.equal(Object.getPrototypeOf(parsed), null);
      for (const [name, ps] of offers) {
        const list: Record<string, string | true>[] | undefined = Object.hasOwn(parsed, name) ? parsed[name] : undefined;
        assert.ok(Array.isArray(list), `${name} missing from ${header}`);
        for (const params of list as Record<string, string | true>[]) assert.equal(Object.getPrototypeOf(params), null);
        assert.ok((list as Record<string, string | true>[]).some((p) => ps.every(([k, v]) => Object.hasOwn(p, k) && p[k] === (v ?? true))));
      }
    }),
    800,
  );
});
