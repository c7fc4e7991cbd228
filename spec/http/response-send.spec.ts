// res.send() and res.json(): types, Content-Length, ETag, HEAD/204/205/304, settings.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, get, rawRequest } from './harness.js';
import type { TestServer } from './harness.js';
import type { Response } from '../../lib/http/response.js';

let server: TestServer;
const bodies: Record<string, (res: Response) => unknown> = {
  '/string': (res) => res.send('héllo'),
  '/hello': (res) => res.send('hello'),
  '/typed': (res) => res.type('text/plain; charset=iso-8859-1').send('plain'),
  '/buffer': (res) => res.send(Buffer.from([1, 2, 3])),
  '/uint8': (res) => res.send(new Uint8Array([4, 5])),
  '/buffer-typed': (res) => res.type('png').send(Buffer.from([1])),
  '/object': (res) => res.send({ a: 1, b: [true, null] }),
  '/array': (res) => res.send([1, 'two']),
  '/number': (res) => res.send(42),
  '/boolean': (res) => res.send(false),
  '/null': (res) => res.send(null),
  '/nothing': (res) => res.send(),
  '/204': (res) => res.status(204).set('Content-Type', 'text/plain').send('gone'),
  '/205': (res) => res.status(205).send('reset'),
  '/etag-preset': (res) => res.set('ETag', '"mine"').send('x'),
  '/json-string': (res) => res.json('str'),
  '/json-typed': (res) => res.type('application/vnd.api+json').json({ x: 1 }),
  '/json-undefined': (res) => res.json(undefined),
};

before(async () => {
  server = await serve((req, res) => bodies[req.path]!(res));
});

after(() => server.close());

test('a string is text/html with its byte length and a weak ETag', { timeout: 5000 }, async () => {
  const res = await get(server.url + '/string');
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('content-length'), '6');
  assert.equal(await res.text(), 'héllo');
  // Small bodies: a weak tag of the byte length (hex) and a 64-bit hash (11 base64 characters),
  // the same for the same body, different for another.
  const hello = await get(server.url + '/hello');
  const tag = hello.headers.get('etag')!;
  assert.match(tag, /^W\/"5-[A-Za-z0-9+/]{11}"$/);
  await hello.text();
  const again = await get(server.url + '/hello');
  assert.equal(again.headers.get('etag'), tag);
  await again.text();
  assert.notEqual(res.headers.get('etag'), tag);
});

test('a set type keeps its type and gets charset=utf-8 for strings', { timeout: 5000 }, async () => {
  const res = await get(server.url + '/typed');
  assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await res.text(), 'plain');
});

test('bytes are application/octet-stream unless typed', { timeout: 5000 }, async () => {
  let res = await get(server.url + '/buffer');
  assert.equal(res.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], [1, 2, 3]);
  res = await get(server.url + '/uint8');
  assert.equal(res.headers.get('content-length'), '2');
  assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], [4, 5]);
  res = await get(server.url + '/buffer-typed');
  assert.equal(res.headers.get('content-type'), 'image/png');
  await res.arrayBuffer();
});

test('objects, arrays, numbers and booleans go to json(); null sends an empty body (as Express)', { timeout: 5000 }, async () => {
  for (const [path, text] of [['/object', '{"a":1,"b":[true,null]}'], ['/array', '[1,"two"]'], ['/number', '42'], ['/boolean', 'false'], ['/json-string', '"str"']]) {
    const res = await get(server.url + path!);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', path);
    assert.equal(await res.text(), text, path);
  }
  const nul = await get(server.url + '/null');
  assert.equal(nul.headers.get('content-length'), '0');
  assert.equal(await nul.text(), '');
  const typed = await get(server.url + '/json-typed');
  assert.equal(typed.headers.get('content-type'), 'application/vnd.api+json; charset=utf-8');
  await typed.text();
  const undef = await get(server.url + '/json-undefined');
  assert.equal(await undef.text(), '');
  const nothing = await get(server.url + '/nothing');
  assert.equal(nothing.status, 200);
  assert.equal(await nothing.text(), '');
});

test('HEAD gets the headers and no body', { timeout: 5000 }, async () => {
  const raw = await rawRequest(server.port, 'HEAD /string HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(raw.status, 200);
  assert.equal(raw.headers['content-length'], '6');
  assert.equal(raw.body, '');
});

test("send()'s own fields go out with lowercase names; a field the app set keeps its spelling", { timeout: 5000 }, async () => {
  // Field names are case-insensitive (RFC 9110 §5.1); Keel writes its own in lowercase, which
  // saves node a lowercased copy of each name (header-fields.ts).
  let raw = await rawRequest(server.port, 'GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(raw.status, 200);
  const names = raw.head.split('\r\n').slice(1).map((line) => line.slice(0, line.indexOf(':')));
  for (const name of ['content-type', 'content-length', 'etag']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
  assert.equal(raw.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(raw.headers['etag'] ?? '', /^W\/"5-[A-Za-z0-9+/]{11}"$/);
  assert.equal(raw.body, 'hello');
  raw = await rawRequest(server.port, 'GET /etag-preset HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(raw.head, /\r\nETag: "mine"\r\n/);
  assert.doesNotMatch(raw.head, /\r\netag:/);
  raw = await rawRequest(server.port, 'GET /204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(raw.status, 204);
  assert.doesNotMatch(raw.head, /content-(type|length)/i);
});

test('204 strips the content headers; 205 sends Content-Length: 0', { timeout: 5000 }, async () => {
  let raw = await rawRequest(server.port, 'GET /204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(raw.status, 204);
  assert.equal(raw.headers['content-type'], undefined);
  assert.equal(raw.headers['content-length'], undefined);
  assert.equal(raw.body, '');
  raw = await rawRequest(server.port, 'GET /205 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.equal(raw.status, 205);
  assert.equal(raw.headers['content-length'], '0');
  assert.equal(raw.body, '');
});

test("the 'etag' setting as a function (Express's form): its tag, checked; none when it gives none", { timeout: 5000 }, async () => {
  const seen: unknown[] = [];
  const fn = (body: string | Uint8Array, encoding: BufferEncoding | undefined): string | undefined => {
    seen.push([typeof body, encoding]);
    const text = typeof body === 'string' ? body : Buffer.from(body).toString();
    return text === 'no tag' ? undefined : text === 'bad tag' ? 'a\nb' : `"len-${text.length}"`;
  };
  const s = await serve((req, res) => {
    const what = req.url?.slice(1) ?? '';
    if (what === 'bytes') res.send(Buffer.from('four'));
    else res.send(decodeURIComponent(what));
  }, { etag: fn });
  try {
    const tagged = await get(s.url + '/hello');
    assert.equal(tagged.headers.get('etag'), '"len-5"');
    await tagged.text();
    const bytes = await get(s.url + '/bytes');
    assert.equal(bytes.headers.get('etag'), '"len-4"');
    await bytes.text();
    const none = await get(s.url + '/no%20tag');
    assert.equal(none.headers.get('etag'), null);
    await none.text();
    // A tag that is not a valid field value is the app's bug: node's check refuses it (500).
    const bad = await get(s.url + '/bad%20tag');
    assert.equal(bad.status, 500);
    await bad.text();
    assert.deepEqual(seen.slice(0, 2), [['string', 'utf8'], ['object', undefined]]);
  } finally {
    await s.close();
  }
});

test("the 'etag' setting: false, 'strong', a preset ETag", { timeout: 5000 }, async () => {
  const preset = await get(server.url + '/etag-preset');
  assert.equal(preset.headers.get('etag'), '"mine"');
  await preset.text();
  for (const [setting, expected] of [[false, null], ['strong', '"5-qvTGHdzF6KLavt4PO0gs2a6pQ00"']] as const) {
    const s = await serve((req, res) => { res.send('hello'); }, { etag: setting });
    try {
      const res = await get(s.url);
      assert.equal(res.headers.get('etag'), expected);
      await res.text();
    } finally {
      await s.close();
    }
  }
});

test("json settings: 'json spaces', 'json replacer', 'json escape'", { timeout: 5000 }, async () => {
  const s = await serve((req, res) => { res.json({ a: 1, secret: 'x', html: '<script>&' }); }, {
    'json spaces': 2,
    'json replacer': (key: string, value: unknown) => (key === 'secret' ? undefined : value),
    'json escape': true,
  });
  try {
    const res = await get(s.url);
    assert.equal(await res.text(), '{\n  "a": 1,\n  "html": "\\u003cscript\\u003e\\u0026"\n}');
  } finally {
    await s.close();
  }
});

test('a second send throws ERR_HTTP_HEADERS_SENT and the first response stands', { timeout: 5000 }, async () => {
  const codes: (string | undefined)[] = [];
  const s = await serve((req, res) => {
    res.send('Welcome');
    for (const again of [() => res.send('Again'), () => res.send(), () => res.json({}), () => res.sendStatus(500), () => res.redirect('/x')]) {
      try {
        again();
        codes.push('no error');
      } catch (err) {
        codes.push((err as { code?: string }).code);
      }
    }
  });
  try {
    const res = await get(s.url);
    assert.equal(await res.text(), 'Welcome');
    assert.deepEqual(codes, Array(5).fill('ERR_HTTP_HEADERS_SENT'));
  } finally {
    await s.close();
  }
});
