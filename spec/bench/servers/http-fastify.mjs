// Fastify 5: hooks for middleware, its built-in JSON parser; cookies with the `cookie` package
// (what @fastify/cookie uses); static files with `send` (@fastify/static is not installed; it wraps
// a fork of send).
// Usage: node http-fastify.mjs <hello|mw|json-post|cookie|static>

import Fastify from 'fastify';
import { parse, serialize } from 'cookie';
import send from 'send';
import { MIDDLEWARE_COUNT, ROUTE_COUNT, SET_COOKIE, STATIC_DIR, ready, scenario } from './common.mjs';

const app = Fastify({ logger: false });
switch (scenario) {
  case 'hello':
    app.get('/', (request, reply) => { reply.type('text/plain; charset=utf-8').send('Hello World'); });
    break;
  case 'mw':
    for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.addHook('onRequest', (request, reply, done) => done());
    for (let i = 0; i < ROUTE_COUNT; i++) app.get(`/r${i}/:id`, (request, reply) => { reply.send({ id: request.params.id }); });
    break;
  case 'json-post':
    app.post('/', (request, reply) => { reply.send(request.body); });
    break;
  case 'cookie':
    app.addHook('onRequest', (request, reply, done) => { request.cookies = parse(request.headers.cookie ?? ''); done(); });
    app.get('/', (request, reply) => {
      reply.header('set-cookie', serialize(SET_COOKIE.name, SET_COOKIE.value, { httpOnly: true, path: '/' }));
      reply.type('text/plain; charset=utf-8').send(String(Object.keys(request.cookies).length));
    });
    break;
  case 'static':
    app.get('/*', (request, reply) => {
      reply.hijack();
      send(request.raw, request.raw.url.split('?')[0], { root: STATIC_DIR }).pipe(reply.raw);
    });
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
await app.listen({ port: 0, host: '127.0.0.1' });
ready(app.server);
