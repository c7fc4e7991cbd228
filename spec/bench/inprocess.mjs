// The JavaScript cost of one request, without sockets: node's own IncomingMessage/ServerResponse
// (Keel's Request/Response for Keel) are built as node's parser builds them and handed to the
// listener, and the response is buffered in memory. CPU time per request, median of 7 batches;
// steady to a few percent even on a busy machine, so it shows changes that wrk's rates are too
// noisy to see. It leaves out the kernel, the parser and the socket writes, so it is a lens on
// Keel's own code, not a benchmark of the whole server (spec/bench/run.mjs is that). The listeners
// are the benchmark servers' own (servers/http-raw.mjs, servers/http-keel.mjs).
// With --bytes it gives the bytes allocated per request instead (garbage included).
// Usage (after `npm run build`): node spec/bench/inprocess.mjs [hello|mw|json-post|cookie ...] [--iterations=N] [--bytes]

import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { Session } from 'node:inspector/promises';
import { Request, Response } from '../../dist/lib/index.js';
import { ROUTE_COUNT } from './servers/common.mjs';
import { handlers } from './servers/http-raw.mjs';
import { keelApp } from './servers/http-keel.mjs';
import { COOKIE_HEADER, jsonBody } from './http.mjs';

const args = process.argv.slice(2);
const iterations = Number(args.find((a) => a.startsWith('--iterations='))?.slice(13) ?? 200_000);
const bytes = args.includes('--bytes');
const scenarios = args.filter((a) => !a.startsWith('--'));
const BODY = Buffer.from(jsonBody);

/** Method, URL, header lines and body of each scenario's request (as wrk sends them). */
function requestOf(scenario) {
  switch (scenario) {
    case 'hello': return { method: 'GET', url: '/', headers: ['Host', 'localhost'] };
    case 'mw': return { method: 'GET', url: `/r${ROUTE_COUNT - 1}/42`, headers: ['Host', 'localhost'] };
    case 'cookie': return { method: 'GET', url: '/', headers: ['Host', 'localhost', 'Cookie', COOKIE_HEADER] };
    case 'json-post':
      return {
        method: 'POST',
        url: '/',
        headers: ['Host', 'localhost', 'Content-Type', 'application/json', 'Content-Length', String(BODY.length)],
        body: BODY,
      };
    default: throw new Error(`unknown scenario ${scenario} (hello, mw, json-post, cookie)`);
  }
}

const socket = new net.Socket();

/** Builds a request as node's HTTP parser does (the fields, then the header lines). */
function makeRequest(Req, r) {
  const req = new Req(socket);
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  req.url = r.url;
  req.method = r.method;
  req._addHeaderLines(r.headers, r.headers.length);
  // node's server reads req.headers (Host, Expect) before it calls the listener, which builds the
  // header object for every HTTP/1.1 request (parserOnIncoming in node's _http_server.js).
  if (req.headers.host === undefined) throw new Error('no Host');
  return req;
}

/** Runs `count` requests through `listener`; gives the bytes written. Any answer but 200 stops the run. */
async function runBatch(listener, Req, Res, r, count) {
  let written = 0;
  if (r.body === undefined) {
    for (let i = 0; i < count; i++) {
      const req = makeRequest(Req, r);
      req.complete = true;
      const res = new Res(req);
      res.shouldKeepAlive = true;
      listener(req, res);
      if (res.statusCode !== 200) throw new Error(`${r.method} ${r.url} answered ${res.statusCode}`);
      written += res.outputSize;
    }
    return written;
  }
  // A body arrives after the listener ran, as from a socket; the batch waits for every response,
  // 100 requests at a time.
  for (let i = 0; i < count; i += 100) {
    const done = [];
    for (let j = 0; j < 100; j++) {
      const req = makeRequest(Req, r);
      const res = new Res(req);
      res.shouldKeepAlive = true;
      done.push(new Promise((resolve) => {
        const end = res.end;
        res.end = function (...a) {
          end.apply(this, a);
          if (this.statusCode !== 200) throw new Error(`${r.method} ${r.url} answered ${this.statusCode}`);
          resolve(this.outputSize);
          return this;
        };
      }));
      listener(req, res);
      req.push(r.body);
      req.push(null);
      req.complete = true;
    }
    for (const size of await Promise.all(done)) written += size;
  }
  return written;
}

/** CPU ns per request through `listener`, median of 7 batches after one warm-up batch. */
async function measure(listener, Req, Res, r) {
  let written = 0;
  const batches = [];
  for (let b = 0; b < 8; b++) {
    const start = process.cpuUsage();
    written += await runBatch(listener, Req, Res, r, iterations);
    const used = process.cpuUsage(start);
    if (b > 0) batches.push(((used.user + used.system) * 1000) / iterations);
  }
  if (written === 0) throw new Error('no response was written');
  batches.sort((x, y) => x - y);
  return batches[3];
}

/**
 * Bytes allocated per request, garbage included: V8's sampling heap profiler (through the
 * inspector) keeping the samples of objects that minor and major GCs freed, over 20,000 requests
 * after 20,000 of warm-up. Allocation is work that the CPU figure hides in GC time.
 */
async function bytesPerRequest(listener, Req, Res, r) {
  const count = 20_000;
  await runBatch(listener, Req, Res, r, count);
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 64,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await runBatch(listener, Req, Res, r, count);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  let total = 0;
  (function add(node) {
    total += node.selfSize;
    for (const child of node.children) add(child);
  })(profile.head);
  return total / count;
}

// Each measurement runs in a process of its own, as each server does: node's own functions
// (writeHead, _storeHeader, end ...) that have seen two classes of response (node's and Keel's)
// become polymorphic and slower, which would charge one target for having run after another.
const one = args.find((a) => a.startsWith('--one='))?.slice(6);
if (one !== undefined) {
  const [target, scenario] = one.split(':');
  const r = requestOf(scenario);
  const how = bytes ? bytesPerRequest : measure;
  const value = target === 'raw'
    ? await how(handlers[scenario], http.IncomingMessage, http.ServerResponse, r)
    : await how(((app) => (req, res) => app(req, res))(keelApp(scenario)), Request, Response, r);
  process.stdout.write(String(value));
} else {
  for (const scenario of scenarios.length > 0 ? scenarios : ['hello', 'mw', 'json-post', 'cookie']) {
    requestOf(scenario); // an unknown scenario stops here
    const run = (target) =>
      Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), `--one=${target}:${scenario}`, `--iterations=${iterations}`, ...(bytes ? ['--bytes'] : [])], { encoding: 'utf8' }));
    const rawValue = run('raw');
    const keelValue = run('keel');
    const unit = bytes ? 'B ' : 'ns';
    console.log(`${scenario.padEnd(9)} raw ${rawValue.toFixed(0).padStart(5)} ${unit}  keel ${keelValue.toFixed(0).padStart(5)} ${unit}  keel/raw ${(keelValue / rawValue).toFixed(2)}`);
  }
}
