// Koa 3: async middleware; routes matched with path-to-regexp (what @koa/router uses; the router
// package is not installed), JSON bodies read by hand (what koa-bodyparser does), cookies parsed
// with the `cookie` package and set with ctx.cookies, static files with `send`.
// Usage: node http-koa.mjs <hello|mw|json-post|cookie|static>

import Koa from 'koa';
import { match } from 'path-to-regexp';
import { parse } from 'cookie';
import send from 'send';
import { MIDDLEWARE_COUNT, ROUTE_COUNT, SET_COOKIE, STATIC_DIR, ready, scenario } from './common.mjs';

const app = new Koa();
switch (scenario) {
  case 'hello':
    app.use((ctx) => { ctx.body = 'Hello World'; });
    break;
  case 'mw': {
    for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.use(async (ctx, next) => { await next(); });
    const routes = [];
    for (let i = 0; i < ROUTE_COUNT; i++) routes.push({ match: match(`/r${i}/:id`, { decode: decodeURIComponent }), handle: (ctx, params) => { ctx.body = { id: params.id }; } });
    app.use((ctx) => {
      if (ctx.method !== 'GET') return;
      for (const route of routes) {
        const m = route.match(ctx.path);
        if (m) return route.handle(ctx, m.params);
      }
    });
    break;
  }
  case 'json-post':
    app.use(async (ctx, next) => {
      if (!ctx.is('application/json')) return next();
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      ctx.request.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      return next();
    });
    app.use((ctx) => { if (ctx.method === 'POST') ctx.body = ctx.request.body; });
    break;
  case 'cookie':
    app.use((ctx) => {
      const cookies = parse(ctx.get('cookie'));
      ctx.cookies.set(SET_COOKIE.name, SET_COOKIE.value, { httpOnly: true });
      ctx.body = String(Object.keys(cookies).length);
    });
    break;
  case 'static':
    app.use((ctx) => {
      ctx.respond = false;
      ctx.status = 200; // Koa starts every response at 404; send leaves the status alone
      send(ctx.req, ctx.path, { root: STATIC_DIR }).pipe(ctx.res);
    });
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
const server = app.listen(0, '127.0.0.1', () => ready(server));
