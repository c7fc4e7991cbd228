// The ceiling: each scenario hand-written on bare node:http, minimal but correct
// (headers a real server would send, bodies parsed, errors answered).
// Usage: node http-raw.mjs <hello|mw|json-post|cookie|static>. spec/bench/inprocess.mjs imports
// the handlers.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { MIDDLEWARE_COUNT, ROUTE_COUNT, SET_COOKIE, STATIC_DIR, isMain, ready, scenario } from './common.mjs';

function hello(req, res) {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 11 });
  res.end('Hello World');
}

// mw: ten pass-through functions, then a first-segment lookup among 100 routes /r{i}/:id.
const passes = [];
for (let i = 0; i < MIDDLEWARE_COUNT; i++) passes.push((req) => req);
const routes = new Map();
for (let i = 0; i < ROUTE_COUNT; i++) routes.set(`r${i}`, (req, res, id) => sendJson(res, 200, { id }));
function mw(req, res) {
  for (let i = 0; i < passes.length; i++) passes[i](req);
  const url = req.url;
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const slash = pathname.indexOf('/', 1);
  const route = slash === -1 ? undefined : routes.get(pathname.slice(1, slash));
  const id = slash === -1 ? '' : pathname.slice(slash + 1);
  if (req.method !== 'GET' || route === undefined || id === '' || id.includes('/')) return notFound(res);
  route(req, res, decodeURIComponent(id));
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 9 });
  res.end('Not Found');
}

function jsonPost(req, res) {
  if (req.method !== 'POST' || !(req.headers['content-type'] ?? '').startsWith('application/json')) return notFound(res);
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 102400) { res.writeHead(413).end(); req.destroy(); } else chunks.push(c);
  });
  req.on('end', () => {
    let value;
    try { value = JSON.parse(Buffer.concat(chunks, size).toString('utf8')); } catch {
      res.writeHead(400).end();
      return;
    }
    sendJson(res, 200, value);
  });
}

function cookie(req, res) {
  // Minimal cookie parser: split on ';', trim, first '=' splits name and value, %-decode values.
  const cookies = Object.create(null);
  const header = req.headers.cookie ?? '';
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end) {
      const name = header.slice(start, eq).trim();
      const value = header.slice(eq + 1, end).trim();
      if (!(name in cookies)) cookies[name] = value.includes('%') ? decodeURIComponent(value) : value;
    }
    start = end + 1;
  }
  const body = String(Object.keys(cookies).length);
  res.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
    'set-cookie': `${SET_COOKIE.name}=${SET_COOKIE.value}; Path=/; HttpOnly`,
  });
  res.end(body);
}

// static: stat, then stream the file with type, length and Last-Modified (no cache, like the others).
function serveStatic(req, res) {
  const name = path.join(STATIC_DIR, req.url.split('?')[0]);
  if (!name.startsWith(STATIC_DIR)) return notFound(res);
  fs.stat(name, (err, st) => {
    if (err || !st.isFile()) return notFound(res);
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': st.size,
      'last-modified': st.mtime.toUTCString(),
    });
    fs.createReadStream(name).pipe(res);
  });
}

export const handlers = { hello, mw, 'json-post': jsonPost, cookie, static: serveStatic };
if (isMain(import.meta.url)) {
  const handler = handlers[scenario];
  if (handler === undefined) throw new Error(`unknown scenario ${scenario}`);
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1', () => ready(server));
}
