// The JavaScript cost of one request, without sockets: node's own IncomingMessage/ServerResponse
// (Keel's Request/Response for Keel) are built as node's parser builds them and handed to the
// listener, and the response is buffered in memory. CPU time per request, median of 7 batches;
// steady to a few percent even on a busy machine, so it shows changes that wrk's rates are too
// noisy to see. It leaves out the kernel, the parser and the socket writes, so it is a lens on
// Keel's own code, not a benchmark of the whole server (spec/bench/run.mjs is that). The listeners
// are the benchmark servers' own (servers/http-raw.mjs, servers/http-keel.mjs).
// Usage (after `npm run build`): node spec/bench/inprocess.mjs [hello|mw|json-post|cookie ...] [--iterations=N]

import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { Request, Response } from '../../dist/lib/index.js';
import { ROUTE_COUNT } from './servers/common.mjs';
import { handlers } from './servers/http-raw.mjs';
import { keelApp } from './servers/http-keel.mjs';
import { COOKIE_HEADER, jsonBody } from './http.mjs';

const args = process.argv.slice(2);
const iterations = Number(args.find((a) => a.startsWith('--iterations='))?.slice(13) ?? 200_000);
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
  return req;
}

/**
 * CPU ns per request through `listener`, median of 7 batches after one warm-up batch. Any answer
 * but 200 stops the run.
 */
async function measure(listener, Req, Res, r) {
  let written = 0;
  const batches = [];
  for (let b = 0; b < 8; b++) {
    const start = process.cpuUsage();
    if (r.body === undefined) {
      for (let i = 0; i < iterations; i++) {
        const req = makeRequest(Req, r);
        req.complete = true;
        const res = new Res(req);
        res.shouldKeepAlive = true;
        listener(req, res);
        if (res.statusCode !== 200) throw new Error(`${r.method} ${r.url} answered ${res.statusCode}`);
        written += res.outputSize;
      }
    } else {
      // A body arrives after the listener ran, as from a socket; the batch waits for every
      // response, 100 requests at a time.
      for (let i = 0; i < iterations; i += 100) {
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
    }
    const used = process.cpuUsage(start);
    if (b > 0) batches.push(((used.user + used.system) * 1000) / iterations);
  }
  if (written === 0) throw new Error('no response was written');
  batches.sort((x, y) => x - y);
  return batches[3];
}

// Each measurement runs in a process of its own, as each server does: node's own functions
// (writeHead, _storeHeader, end ...) that have seen two classes of response (node's and Keel's)
// become polymorphic and slower, which would charge one target for having run after another.
const one = args.find((a) => a.startsWith('--one='))?.slice(6);
if (one !== undefined) {
  const [target, scenario] = one.split(':');
  const r = requestOf(scenario);
  const ns = target === 'raw'
    ? await measure(handlers[scenario], http.IncomingMessage, http.ServerResponse, r)
    : await measure(((app) => (req, res) => app(req, res))(keelApp(scenario)), Request, Response, r);
  process.stdout.write(String(ns));
} else {
  for (const scenario of scenarios.length > 0 ? scenarios : ['hello', 'mw', 'json-post', 'cookie']) {
    requestOf(scenario); // an unknown scenario stops here
    const run = (target) =>
      Number(execFileSync(process.execPath, [fileURLToPath(import.meta.url), `--one=${target}:${scenario}`, `--iterations=${iterations}`], { encoding: 'utf8' }));
    const rawNs = run('raw');
    const keelNs = run('keel');
    console.log(`${scenario.padEnd(9)} raw ${rawNs.toFixed(0).padStart(5)} ns  keel ${keelNs.toFixed(0).padStart(5)} ns  keel/raw ${(keelNs / rawNs).toFixed(2)}`);
  }
}
