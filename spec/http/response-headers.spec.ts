// res.set/header/get/append/type/vary/links/attachment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, rawRequest } from './harness.js';
import type { Response } from '../../lib/http/response.js';

/** Runs `fn` on a real response and returns the raw head that went out. */
async function headersFrom(fn: (res: Response) => void): Promise<Record<string, string>> {
  const s = await serve((req, res) => {
    fn(res);
    res.end();
  });
  try {
    const raw = await rawRequest(s.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(raw.status, 200, raw.body);
    return raw.headers;
  } finally {
    await s.close();
  }
}

test('set: name/value, objects, arrays as several lines, numbers as text', { timeout: 5000 }, async () => {
  const h = await headersFrom((res) => {
    res.set('X-One', 'a').header('X-Num', 5).set({ 'X-Two': 'b', 'X-List': ['p', 'q'] });
  });
  assert.equal(h['x-one'], 'a');
  assert.equal(h['x-num'], '5');
  assert.equal(h['x-two'], 'b');
  assert.equal(h['x-list'], 'p, q'); // two header lines, joined by the raw reader
});

test('set Content-Type adds charset to text and expands short names', { timeout: 5000 }, async () => {
  assert.equal((await headersFrom((res) => res.set('Content-Type', 'text/plain')))['content-type'], 'text/plain; charset=utf-8');
  assert.equal((await headersFrom((res) => res.set('Content-Type', 'text/plain; charset=latin1')))['content-type'], 'text/plain; charset=latin1');
  assert.equal((await headersFrom((res) => res.set('Content-Type', 'image/png')))['content-type'], 'image/png');
  assert.equal((await headersFrom((res) => res.set('Content-Type', 'json')))['content-type'], 'application/json; charset=utf-8');
});

test('set Content-Type to an array is a TypeError', { timeout: 5000 }, async () => {
  let error: unknown;
  await headersFrom((res) => {
    try {
      res.set('Content-Type', ['text/html']);
    } catch (err) {
      error = err;
    }
  });
  assert.ok(error instanceof TypeError);
});

test('get and append', { timeout: 5000 }, async () => {
  let seen: unknown[] = [];
  const h = await headersFrom((res) => {
    res.append('Link', '<a>').append('Link', ['<b>', '<c>']).set('X-A', 'x');
    seen = [res.get('link'), res.get('x-a'), res.get('x-none')];
  });
  assert.deepEqual(seen, [['<a>', '<b>', '<c>'], 'x', undefined]);
  assert.equal(h.link, '<a>, <b>, <c>');
});

test('type: full types, short names, extensions, unknown', { timeout: 5000 }, async () => {
  assert.equal((await headersFrom((res) => res.type('html')))['content-type'], 'text/html; charset=utf-8');
  assert.equal((await headersFrom((res) => res.type('.png')))['content-type'], 'image/png');
  assert.equal((await headersFrom((res) => res.type('application/xml')))['content-type'], 'application/xml');
  assert.equal((await headersFrom((res) => res.type('nonsense')))['content-type'], 'application/octet-stream');
});

test('vary adds names once, case-insensitively, and * wins', { timeout: 5000 }, async () => {
  assert.equal((await headersFrom((res) => res.vary('Accept').vary('accept, Origin').vary(['Cookie'])))['vary'], 'Accept, Origin, Cookie');
  assert.equal((await headersFrom((res) => res.vary('Accept').vary('*')))['vary'], '*');
  let error: unknown;
  await headersFrom((res) => {
    try {
      res.vary('bad name');
    } catch (err) {
      error = err;
    }
  });
  assert.ok(error instanceof TypeError);
});

test('links', { timeout: 5000 }, async () => {
  const h = await headersFrom((res) => {
    res.links({ next: '/p/2', last: '/p/9' }).links({ alternate: ['/a', '/b'] });
  });
  assert.equal(h.link, '</p/2>; rel="next", </p/9>; rel="last", </a>; rel="alternate", </b>; rel="alternate"');
});

test('attachment: RFC 6266, filename* for non-ASCII names, type from the extension', { timeout: 5000 }, async () => {
  let h = await headersFrom((res) => res.attachment());
  assert.equal(h['content-disposition'], 'attachment');
  h = await headersFrom((res) => res.attachment('/srv/files/report.pdf'));
  assert.equal(h['content-disposition'], 'attachment; filename="report.pdf"');
  assert.equal(h['content-type'], 'application/pdf');
  h = await headersFrom((res) => res.attachment('résumé "final".txt'));
  assert.equal(h['content-disposition'], 'attachment; filename="r?sum? \\"final\\".txt"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9%20%22final%22.txt');
  assert.equal(h['content-type'], 'text/plain; charset=utf-8');
  h = await headersFrom((res) => res.attachment('evil\r\nX-Injected: 1.txt'));
  assert.equal(h['x-injected'], undefined);
  assert.match(h['content-disposition']!, /^attachment; filename="evil\?\?X-Injected: 1\.txt"; filename\*=UTF-8''evil%0D%0AX-Injected%3A%201\.txt$/);
  h = await headersFrom((res) => res.attachment('noext'));
  assert.equal(h['content-type'], 'application/octet-stream');
});
