// res.sendFile() and res.download() over real sockets: the file and its HTTP (type, validators,
// 304, ranges), the path rules (absolute or under `root`, '..', dotfiles, symlinks leading out),
// the callback's outcomes (sent, not found, client gone), errors to next(err) without one, and
// argument checks that throw a TypeError.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { adoptResponse, createApp, type App, type NextFunction, type Request, type Response } from '../../lib/index.js';
import { listen, type Running } from '../helpers/listen.js';
import { captureErrors } from '../helpers/listen.js';

interface Outcome {
  err: (Error & { status?: number; code?: string }) | undefined;
}

describe('res.sendFile() and res.download()', () => {
  let base: string;
  let pub: string;
  let app: App;
  let running: Running;
  let url: string;
  /** Outcomes reported to sendFile callbacks, in order. */
  const outcomes: Outcome[] = [];
  const waiters: (() => void)[] = [];
  /** Messages of the errors that reached the app's error middleware. */
  const seenByErrorMiddleware: string[] = [];
  const record = (err?: Error): void => {
    outcomes.push({ err });
    for (const w of waiters.splice(0)) w();
  };
  const nextOutcome = async (count: number): Promise<Outcome> => {
    const deadline = Date.now() + 3000;
    while (outcomes.length < count) {
      if (Date.now() > deadline) throw new Error('no sendFile outcome');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return outcomes[count - 1]!;
  };

  before(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'keel-sendfile-'));
    // The public directory sits under a dot directory: only segments below `root` count.
    pub = path.join(base, '.site', 'pub');
    await fs.mkdir(path.join(pub, 'docs'), { recursive: true });
    await fs.writeFile(path.join(pub, 'hello.txt'), 'hello, file');
    await fs.writeFile(path.join(pub, 'page.html'), '<h1>page</h1>');
    await fs.writeFile(path.join(pub, 'docs', 'report.pdf'), '%PDF-1.7 not really');
    await fs.writeFile(path.join(pub, '.env'), 'SECRET=1');
    await fs.writeFile(path.join(pub, 'big.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
    await fs.writeFile(path.join(pub, '100% ?#ü.txt'), 'odd name');
    await fs.writeFile(path.join(base, 'outside.txt'), 'SECRET-OUTSIDE');
    await fs.symlink(path.join(base, 'outside.txt'), path.join(pub, 'leak.txt'));

    app = createApp();
    app.get('/abs/:name', (req, res) => {
      res.sendFile(path.join(pub, req.params.name));
    });
    app.get('/strict/:name', (req, res) => {
      // An explicit dotfiles rule judges every segment of an absolute path ('.site' among them).
      res.sendFile(path.join(pub, req.params.name), { dotfiles: 'ignore' });
    });
    app.all('/rooted/*file', (req, res) => {
      res.sendFile(req.params.file.join('/'), { root: pub, headers: { 'X-Served': 'yes' } });
    });
    app.get('/allow/*file', (req, res) => {
      res.sendFile(req.params.file.join('/'), { root: pub, dotfiles: 'allow' });
    });
    app.get('/follow/*file', (req, res) => {
      res.sendFile(req.params.file.join('/'), { root: pub, followSymlinks: true });
    });
    app.get('/cb/*file', (req, res) => {
      res.sendFile(path.join(pub, ...req.params.file), (err) => {
        record(err);
        if (err !== undefined && !res.headersSent) res.status(err.status === 404 ? 410 : 500).send(`callback: ${err.code}`);
      });
    });
    app.get('/after-start', (req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.write('started;');
      res.sendFile(path.join(pub, 'hello.txt'), (err) => {
        record(err);
        res.end(`callback: ${err?.code}`);
      });
    });
    app.get('/cb-throws', (req, res) => {
      res.sendFile(path.join(pub, 'hello.txt'), () => {
        throw new Error('thrown in the callback');
      });
    });
    app.get('/args', (req, res) => {
      const thrown: string[] = [];
      const attempt = (fn: () => void): void => {
        try {
          fn();
          thrown.push('none');
        } catch (err) {
          thrown.push(err instanceof TypeError ? 'TypeError' : String(err));
        }
      };
      const r = res as unknown as Record<string, (...a: unknown[]) => void>;
      attempt(() => r['sendFile']!.call(res, 'relative.txt'));
      attempt(() => r['sendFile']!.call(res, ''));
      attempt(() => r['sendFile']!.call(res, 42));
      attempt(() => r['sendFile']!.call(res, '/x', { rooot: '/tmp' }));
      attempt(() => r['sendFile']!.call(res, '/x', {}, 'not a function'));
      attempt(() => r['download']!.call(res, '/x', 42));
      attempt(() => r['download']!.call(res, '/x', 'x.txt', { headers: 'X-A: 1' }));
      res.json(thrown);
    });
    app.get('/download', (req, res) => res.download(path.join(pub, 'docs', 'report.pdf')));
    app.get('/download-named', (req, res) => res.download(path.join(pub, 'docs', 'report.pdf'), 'Q3 résumé.pdf'));
    app.get('/download-relative', (req, res) => {
      res.download(path.relative(process.cwd(), path.join(pub, 'hello.txt')), {
        headers: { 'Content-Disposition': 'inline', 'X-Extra': '1' },
      });
    });
    app.get('/download-cb', (req, res) => res.download(path.join(pub, 'missing.txt'), 'x.txt', (err) => {
      record(err);
      res.status(404).send('gone');
    }));
    app.use((req: Request, res: Response, next: NextFunction) => {
      // req.next is the running handler's own next.
      res.status(404).send(req.next === next ? 'no route' : 'req.next is wrong');
    });
    app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
      seenByErrorMiddleware.push(err instanceof Error ? err.message : String(err));
      if (res.headersSent) return next(err); // Express's idiom: the final handler closes it
      const status = (err as { status?: number }).status ?? 500;
      res.status(status).send(`error middleware: ${status}`);
      return undefined;
    });
    running = await listen(app);
    url = running.url;
  });

  after(async () => {
    await running.close();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('sends an absolute path with its type, length, ETag and Last-Modified; HEAD has no body', async () => {
    const r = await fetch(url + '/abs/hello.txt');
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'hello, file');
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(r.headers.get('content-length'), '11');
    assert.match(r.headers.get('etag') ?? '', /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(r.headers.get('last-modified'));
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    const html = await fetch(url + '/abs/page.html');
    assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
    const head = await fetch(url + '/abs/hello.txt', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '11');
    assert.equal(await head.text(), '');
  });

  it('sends a file whose name has %, ?, #, a space and non-ASCII characters (the path is a path, not a URL)', async () => {
    const r = await fetch(url + '/abs/' + encodeURIComponent('100% ?#ü.txt'));
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'odd name');
    // A NUL byte can name no file: 400, through next(err).
    const nul = await fetch(url + '/abs/a%00b.txt');
    assert.equal(nul.status, 400);
    assert.equal(await nul.text(), 'error middleware: 400');
  });

  it('answers 304 to a matching If-None-Match and 206 to a range, on GET', async () => {
    const first = await fetch(url + '/abs/hello.txt');
    await first.text();
    const etag = first.headers.get('etag')!;
    const cached = await fetch(url + '/abs/hello.txt', { headers: { 'if-none-match': etag } });
    assert.equal(cached.status, 304);
    assert.equal(await cached.text(), '');
    const part = await fetch(url + '/abs/hello.txt', { headers: { range: 'bytes=7-10' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 7-10/11');
    assert.equal(await part.text(), 'file');
  });

  it('answers another method with the file as plain content: no validators, no 304, no range', async () => {
    const r = await fetch(url + '/rooted/hello.txt', { method: 'POST', headers: { 'if-none-match': '*', range: 'bytes=0-1' } });
    assert.equal(r.status, 200);
    assert.equal(await r.text(), 'hello, file');
    assert.equal(r.headers.get('etag'), null);
    assert.equal(r.headers.get('last-modified'), null);
    assert.equal(r.headers.get('accept-ranges'), null);
    assert.equal(r.headers.get('x-served'), 'yes');
  });

  it('keeps a relative path under root: ".." 403, dotfiles 404 unless allowed, symlinks out 403 unless followed', async () => {
    const ok = await fetch(url + '/rooted/docs/report.pdf');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/pdf');
    assert.equal(ok.headers.get('x-served'), 'yes');
    await ok.text();
    const cases: [string, number, string][] = [
      ['/rooted/docs/..%2F..%2F..%2Foutside.txt', 403, 'error middleware: 403'],
      ['/rooted/.env', 404, 'error middleware: 404'],
      ['/rooted/leak.txt', 403, 'error middleware: 403'],
      ['/rooted/nothing-here.txt', 404, 'error middleware: 404'],
      ['/rooted/docs', 404, 'error middleware: 404'], // a directory is not a file
    ];
    for (const [p, status, text] of cases) {
      const r = await fetch(url + p);
      assert.equal(r.status, status, p);
      const body = await r.text();
      assert.equal(body, text, p);
      assert.equal(r.headers.get('x-served'), null, `${p}: headers only go with a file`);
    }
    assert.equal(await (await fetch(url + '/allow/.env')).text(), 'SECRET=1');
    // By default only a dot file name is hidden ('.site' above the file is fine, as in Express);
    // dotfiles: 'ignore' judges every segment.
    assert.equal((await fetch(url + '/abs/hello.txt')).status, 200);
    assert.equal((await fetch(url + '/abs/.env')).status, 404);
    assert.equal((await fetch(url + '/strict/hello.txt')).status, 404);
    assert.equal(await (await fetch(url + '/follow/leak.txt')).text(), 'SECRET-OUTSIDE');
  });

  it('gives the callback nothing once the file is sent, and the error when it cannot be', async () => {
    const before = outcomes.length;
    const r = await fetch(url + '/cb/hello.txt');
    assert.equal(await r.text(), 'hello, file');
    assert.equal((await nextOutcome(before + 1)).err, undefined);
    const missing = await fetch(url + '/cb/missing.txt');
    assert.equal(missing.status, 410);
    assert.equal(await missing.text(), 'callback: KEEL_STATIC_NOT_FOUND');
    const outcome = await nextOutcome(before + 2);
    assert.equal(outcome.err?.status, 404);
  });

  it('tells the callback when the response had already started', async () => {
    const before = outcomes.length;
    const r = await fetch(url + '/after-start');
    assert.equal(await r.text(), 'started;callback: ERR_HTTP_HEADERS_SENT');
    assert.equal((await nextOutcome(before + 1)).err?.code, 'ERR_HTTP_HEADERS_SENT');
  });

  it('tells the callback ECONNABORTED when the client goes away mid-file', async () => {
    const before = outcomes.length;
    const socket = net.connect(running.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /cb/big.bin HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.destroy();
    const outcome = await nextOutcome(before + 1);
    assert.equal(outcome.err?.code, 'ECONNABORTED');
    // The server is unharmed.
    assert.equal((await fetch(url + '/abs/hello.txt')).status, 200);
  });

  it('a callback that throws does not take the process down: the error goes to next(err)', async () => {
    await captureErrors(async () => {
      const r = await fetch(url + '/cb-throws');
      await r.text().catch(() => '');
      const deadline = Date.now() + 3000;
      while (!seenByErrorMiddleware.includes('thrown in the callback') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    assert.ok(seenByErrorMiddleware.includes('thrown in the callback'), 'the error middleware saw the throw');
    assert.equal((await fetch(url + '/abs/hello.txt')).status, 200);
  });

  it('outside Keel\'s router (no next), an error is answered with its status and logged', async () => {
    const server = http.createServer((req, res) => adoptResponse(res).sendFile(path.join(pub, req.url === '/ok' ? 'hello.txt' : 'missing.txt')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      assert.equal(await (await fetch(base + '/ok')).text(), 'hello, file');
      const { result, logged } = await captureErrors(async () => {
        const r = await fetch(base + '/missing');
        return { status: r.status, text: await r.text() };
      });
      assert.deepEqual(result, { status: 404, text: 'Not Found' });
      assert.equal(logged.length, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('throws a TypeError for bad arguments', async () => {
    const r = await fetch(url + '/args');
    assert.deepEqual(await r.json(), ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError']);
  });

  it('download(): Content-Disposition attachment with the file name, or the name given', async () => {
    const plain = await fetch(url + '/download');
    assert.equal(plain.headers.get('content-disposition'), 'attachment; filename="report.pdf"');
    assert.equal(plain.headers.get('content-type'), 'application/pdf');
    assert.equal(await plain.text(), '%PDF-1.7 not really');
    const named = await fetch(url + '/download-named');
    assert.equal(named.headers.get('content-disposition'), `attachment; filename="Q3 r?sum?.pdf"; filename*=UTF-8''Q3%20r%C3%A9sum%C3%A9.pdf`);
    await named.text();
    // A relative path is resolved against the working directory; a Content-Disposition in
    // options.headers does not replace the attachment's.
    const relative = await fetch(url + '/download-relative');
    assert.equal(relative.status, 200);
    assert.equal(relative.headers.get('content-disposition'), 'attachment; filename="hello.txt"');
    assert.equal(relative.headers.get('x-extra'), '1');
    assert.equal(await relative.text(), 'hello, file');
    const before = outcomes.length;
    const missing = await fetch(url + '/download-cb');
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), 'gone');
    assert.equal((await nextOutcome(before + 1)).err?.status, 404);
  });

  it('without a callback, errors reach error middleware through next(err); req.next is the handler\'s next', async () => {
    const r = await fetch(url + '/abs/missing.txt');
    assert.equal(r.status, 404);
    assert.equal(await r.text(), 'error middleware: 404');
    const none = await fetch(url + '/no/such/route');
    assert.equal(await none.text(), 'no route');
  });
});
