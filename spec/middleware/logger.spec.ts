import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { logger, type LogFormat, type LogTokens } from '../../lib/middleware/logger.js';
import { serve, rawRequest, type Middleware } from './harness.js';

function sink() {
  const lines: string[] = [];
  let wake: () => void = () => {};
  return {
    lines,
    stream: { write: (l: string) => { lines.push(l); wake(); } },
    next: (count = 1) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no log line')), 3000);
        const check = () => {
          if (lines.length >= count) {
            clearTimeout(t);
            resolve();
          }
        };
        wake = check;
        check();
      }),
  };
}

const final: Middleware = (req, res) => {
  if (req.url === '/slow') return; // never answers: the client gives up
  res.statusCode = req.url === '/missing' ? 404 : 200;
  res.setHeader('Content-Length', '5');
  res.end('hello');
};

async function run(format: LogFormat, fn: (port: number, url: string, out: ReturnType<typeof sink>) => Promise<void>): Promise<void> {
  const out = sink();
  const s = await serve([logger(format, { stream: out.stream })], final);
  try {
    await fn(s.port, s.url, out);
  } finally {
    await s.close();
  }
}

describe('logger()', { timeout: 10000 }, () => {
  it("'combined' writes an Apache combined line when the response finishes", () =>
    run('combined', async (_port, url, out) => {
      await (await fetch(url + '/a?b=1', { headers: { 'user-agent': 'spec "agent"', referer: 'http://r.example/' } })).text();
      await out.next();
      assert.match(out.lines[0]!, /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/a\?b=1 HTTP\/1\.1" 200 5 "http:\/\/r\.example\/" "spec \\"agent\\""\n$/);
    }));

  it("'common' and 'tiny'", async () => {
    await run('common', async (_port, url, out) => {
      await (await fetch(url + '/missing')).text();
      await out.next();
      assert.match(out.lines[0]!, /"GET \/missing HTTP\/1\.1" 404 5\n$/);
    });
    await run('tiny', async (_port, url, out) => {
      await (await fetch(url + '/t')).text();
      await out.next();
      assert.match(out.lines[0]!, /^GET \/t 200 5 - \d+\.\d{3} ms\n$/);
    });
  });

  it("'dev' colors the status", () =>
    run('dev', async (_port, url, out) => {
      await (await fetch(url + '/missing')).text();
      await out.next();
      assert.match(out.lines[0]!, /^GET \/missing \x1b\[33m404\x1b\[0m \d+\.\d{3} ms - 5\n$/);
    }));

  it('logs an aborted request when the client goes away', () =>
    run('dev', async (port, _url, out) => {
      await rawRequest(port, ['GET /slow HTTP/1.1\r\nHost: x\r\n\r\n'], 100);
      await out.next();
      assert.match(out.lines[0]!, /^GET \/slow - [\d.]+ ms - - \(aborted\)\n$/);
    }));

  it('a function format receives the tokens; null skips the line', async () => {
    const seen: LogTokens[] = [];
    await run(
      (t) => {
        seen.push(t);
        return t.url === '/quiet' ? null : `${t.method} ${t.status} ${t.aborted}`;
      },
      async (_port, url, out) => {
        await (await fetch(url + '/quiet')).text();
        await (await fetch(url + '/loud', { method: 'POST', body: 'x' })).text();
        await out.next();
        assert.deepEqual(out.lines, ['POST 200 false\n']);
        assert.equal(seen.length, 2);
        assert.ok(seen[1]!.res instanceof http.ServerResponse);
      },
    );
  });

  it('escapes control characters from the client', () =>
    run('combined', async (port, _url, out) => {
      await rawRequest(port, ['GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\tb\r\nConnection: close\r\n\r\n'], 2000);
      await out.next();
      assert.ok(out.lines[0]!.includes('"a\\x09b"'));
    }));

  it('invalid options throw TypeError', () => {
    assert.throws(() => logger('fancy' as never), TypeError);
    assert.throws(() => logger('dev', { stream: {} as never }), TypeError);
  });
});
