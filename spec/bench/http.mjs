// HTTP benchmarks: every scenario served by raw node:http, Keel, Express 5, Fastify 5 and Koa 3
// (servers/http-*.mjs), each checked for the right answer, then loaded with wrk.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { cpuMicros, startServer, stopProcess } from './procs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HTTP_TARGETS = ['raw', 'keel', 'express', 'fastify', 'koa'];
export const SCENARIOS = ['hello', 'mw', 'json-post', 'cookie', 'static'];

// 1 KiB JSON document (the json-post body): an array of small objects, trimmed to fit.
const items = [];
for (let i = 0; i < 40; i++) items.push({ id: i, name: `item-${i}`, tags: ['a', 'b'], ok: i % 2 === 0 });
export const jsonBody = (() => {
  // Trim the array until the document (still valid JSON) is at most 1 KiB.
  const doc = { user: 'bench', items: [...items] };
  while (JSON.stringify(doc).length > 1024) doc.items.pop();
  return JSON.stringify(doc);
})();
export const COOKIE_HEADER = Array.from({ length: 10 }, (_, i) => `c${i}=value${i}%20x`).join('; ');

function postLua() {
  const file = path.join(os.tmpdir(), `keel-bench-post-${process.pid}.lua`);
  const body = jsonBody.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  fs.writeFileSync(file, `wrk.method = "POST"\nwrk.body = "${body}"\nwrk.headers["Content-Type"] = "application/json"\n`);
  process.once('exit', () => { try { fs.unlinkSync(file); } catch { /* gone */ } });
  return file;
}

/** Path and wrk options of each scenario. */
function scenarioSetup(name) {
  switch (name) {
    case 'hello': return { path: '/', wrkArgs: [] };
    case 'mw': return { path: '/r99/42', wrkArgs: [] };
    case 'json-post': return { path: '/', wrkArgs: ['-s', postLua()] };
    case 'cookie': return { path: '/', wrkArgs: ['-H', `Cookie: ${COOKIE_HEADER}`] };
    case 'static': return { path: '/file-4k.txt', wrkArgs: [] };
    default: throw new Error(`unknown scenario ${name}`);
  }
}

/** Fails (throws) unless the server gives the scenario's right answer. */
export async function checkAnswer(name, base, target) {
  const where = `${target}/${name}`;
  const get = (p, init) => fetch(base + p, { ...init, signal: AbortSignal.timeout(5000) });
  switch (name) {
    case 'hello': {
      const r = await get('/');
      assert.equal(r.status, 200, where);
      assert.equal(await r.text(), 'Hello World', where);
      break;
    }
    case 'mw': {
      const r = await get('/r99/42');
      assert.equal(r.status, 200, where);
      assert.match(r.headers.get('content-type') ?? '', /^application\/json/, where);
      assert.deepEqual(await r.json(), { id: '42' }, where);
      const other = await get('/r7/x%20y');
      assert.deepEqual(await other.json(), { id: 'x y' }, where);
      assert.equal((await get('/r100/1')).status, 404, where);
      break;
    }
    case 'json-post': {
      const r = await get('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: jsonBody });
      assert.equal(r.status, 200, where);
      assert.deepEqual(await r.json(), JSON.parse(jsonBody), where);
      break;
    }
    case 'cookie': {
      const r = await get('/', { headers: { cookie: COOKIE_HEADER } });
      assert.equal(r.status, 200, where);
      assert.equal(await r.text(), '10', where);
      const set = r.headers.get('set-cookie') ?? '';
      assert.match(set, /^sid=abc123; /, where);
      assert.match(set, /path=\//i, where);
      assert.match(set, /httponly/i, where);
      break;
    }
    case 'static': {
      const r = await get('/file-4k.txt');
      assert.equal(r.status, 200, where);
      const body = Buffer.from(await r.arrayBuffer());
      assert.ok(body.equals(fs.readFileSync(path.join(here, 'fixtures/file-4k.txt'))), where);
      break;
    }
  }
}

export function wrkAvailable() {
  return fs.existsSync('/usr/bin/wrk') || (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, 'wrk')));
}

/** Runs wrk (pinned to core 1) and returns requests, seconds and errors. */
function wrk(url, seconds, connections, extra) {
  // wrk takes whole seconds only.
  const args = ['-c', '1', 'wrk', '-t1', `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, '--timeout', '5s', ...extra, url];
  return new Promise((resolve, reject) => {
    execFile('taskset', args, { timeout: (seconds + 20) * 1000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}\n${stderr}`));
      const m = /(\d+) requests in ([\d.]+)(ms|s|m)/.exec(stdout);
      if (!m) return reject(new Error(`cannot read wrk output:\n${stdout}`));
      const unit = { ms: 1e-3, s: 1, m: 60 }[m[3]];
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const errors = sock ? Number(sock[1]) + Number(sock[3]) + Number(sock[4]) : 0;
      resolve({ requests: Number(m[1]), seconds: Number(m[2]) * unit, non2xx, errors });
    });
  });
}

/** One wrk run with the server's CPU time measured around it. */
export async function measureHttp(server, setup, seconds, connections) {
  const cpu0 = cpuMicros(server.pid);
  const r = await wrk(server.url + setup.path, seconds, connections, setup.wrkArgs);
  const cpu = cpuMicros(server.pid) - cpu0;
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${r.non2xx} non-2xx answers, ${r.errors} socket errors`);
  return { rate: r.requests / r.seconds, cpuPerOp: cpu / r.requests, requests: r.requests };
}

export async function startHttpServers(name, targets) {
  const servers = {};
  for (const target of targets) {
    const file = path.join(here, 'servers', `http-${target === 'raw-copy' ? 'raw' : target}.mjs`);
    servers[target] = await startServer(file, [name]);
    await checkAnswer(name, servers[target].url, target);
  }
  return servers;
}

export async function stopServers(servers) {
  await Promise.all(Object.values(servers).map((s) => stopProcess(s.child)));
}

export { scenarioSetup };
