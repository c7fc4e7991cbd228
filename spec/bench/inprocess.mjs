// The JavaScript cost of one request, without sockets: node's own IncomingMessage/ServerResponse
// (Keel's Request/Response for Keel) are built and handed to the listener, and the response is
// buffered in memory. CPU time per request, median of 7 batches; steady to a few percent even on a
// busy machine, so it shows changes that wrk's rates are too noisy to see. It leaves out the
// kernel, the parser and the socket writes, so it is a lens on Keel's own code, not a benchmark of
// the whole server (spec/bench/run.mjs is that).
// Usage (after `npm run build`): node spec/bench/inprocess.mjs [hello|mw|cookie ...] [--iterations=N]

import http from 'node:http';
import net from 'node:net';
import { createApp, cookieParser, Request, Response } from '../../dist/lib/index.js';
import { MIDDLEWARE_COUNT, ROUTE_COUNT, SET_COOKIE } from './servers/common.mjs';

const args = process.argv.slice(2);
const iterations = Number(args.find((a) => a.startsWith('--iterations='))?.slice(13) ?? 200_000);
const scenarios = args.filter((a) => !a.startsWith('--'));
const COOKIE_HEADER = Array.from({ length: 10 }, (_, i) => `c${i}=value${i}%20x`).join('; ');

/** The same scenarios as servers/http-raw.mjs and servers/http-keel.mjs, as listeners. */
function listeners(scenario) {
  const app = createApp();
  let raw;
  if (scenario === 'hello') {
    app.get('/', (req, res) => { res.send('Hello World'); });
    raw = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 11 });
      res.end('Hello World');
    };
  } else if (scenario === 'mw') {
    for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.use((req, res, next) => next());
    for (let i = 0; i < ROUTE_COUNT; i++) app.get(`/r${i}/:id`, (req, res) => { res.json({ id: req.params.id }); });
    const passes = Array.from({ length: MIDDLEWARE_COUNT }, () => (req) => req);
    const routes = new Map();
    for (let i = 0; i < ROUTE_COUNT; i++) routes.set(`r${i}`, true);
    raw = (req, res) => {
      for (let i = 0; i < passes.length; i++) passes[i](req);
      const url = req.url;
      const slash = url.indexOf('/', 1);
      if (!routes.has(url.slice(1, slash))) throw new Error('no route');
      const body = JSON.stringify({ id: decodeURIComponent(url.slice(slash + 1)) });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
  } else if (scenario === 'cookie') {
    app.use(cookieParser());
    app.get('/', (req, res) => {
      res.cookie(SET_COOKIE.name, SET_COOKIE.value, { httpOnly: true });
      res.send(String(Object.keys(req.cookies).length));
    });
    raw = (req, res) => {
      const cookies = Object.create(null);
      for (const part of (req.headers.cookie ?? '').split(';')) {
        const eq = part.indexOf('=');
        if (eq !== -1) cookies[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
      }
      const body = String(Object.keys(cookies).length);
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': body.length,
        'set-cookie': `${SET_COOKIE.name}=${SET_COOKIE.value}; Path=/; HttpOnly`,
      });
      res.end(body);
    };
  } else {
    throw new Error(`unknown scenario ${scenario} (hello, mw, cookie)`);
  }
  return { raw, keel: (req, res) => app(req, res) };
}

const socket = new net.Socket();

/** CPU ns per request through `listener`, median of 7 batches after one warm-up batch. */
function measure(listener, Req, Res, url, rawHeaders) {
  let written = 0;
  const one = () => {
    const req = new Req(socket);
    req.method = 'GET';
    req.url = url;
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    req._addHeaderLines(rawHeaders, rawHeaders.length);
    req.complete = true;
    const res = new Res(req);
    res.shouldKeepAlive = true;
    listener(req, res);
    written += res.outputSize;
  };
  const batches = [];
  for (let b = 0; b < 8; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < iterations; i++) one();
    const used = process.cpuUsage(start);
    if (b > 0) batches.push(((used.user + used.system) * 1000) / iterations);
  }
  if (written === 0) throw new Error('no response was written');
  batches.sort((x, y) => x - y);
  return batches[3];
}

for (const scenario of scenarios.length > 0 ? scenarios : ['hello', 'mw', 'cookie']) {
  const { raw, keel } = listeners(scenario);
  const url = scenario === 'mw' ? `/r${ROUTE_COUNT - 1}/42` : '/';
  const headers = scenario === 'cookie' ? ['Host', 'localhost', 'Cookie', COOKIE_HEADER] : ['Host', 'localhost'];
  const rawNs = measure(raw, http.IncomingMessage, http.ServerResponse, url, headers);
  const keelNs = measure(keel, Request, Response, url, headers);
  console.log(`${scenario.padEnd(7)} raw ${rawNs.toFixed(0).padStart(5)} ns  keel ${keelNs.toFixed(0).padStart(5)} ns  keel/raw ${(keelNs / rawNs).toFixed(2)}`);
}
