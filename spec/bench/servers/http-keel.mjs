// Keel: each scenario written as a user would, with the public API and default settings.
// Usage: node http-keel.mjs <hello|mw|json-post|cookie|static>  (after `npm run build`).
// spec/bench/inprocess.mjs imports keelApp().

import { createApp, json, cookieParser, serveStatic } from '../../../dist/lib/index.js';
import { MIDDLEWARE_COUNT, ROUTE_COUNT, SET_COOKIE, STATIC_DIR, isMain, ready, scenario } from './common.mjs';

/** The app of one scenario. */
export function keelApp(name) {
  const app = createApp();
  switch (name) {
    case 'hello':
      app.get('/', (req, res) => { res.send('Hello World'); });
      break;
    case 'mw':
      for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.use((req, res, next) => next());
      for (let i = 0; i < ROUTE_COUNT; i++) app.get(`/r${i}/:id`, (req, res) => { res.json({ id: req.params.id }); });
      break;
    case 'json-post':
      app.post('/', json(), (req, res) => { res.json(req.body); });
      break;
    case 'cookie':
      app.use(cookieParser());
      app.get('/', (req, res) => {
        res.cookie(SET_COOKIE.name, SET_COOKIE.value, { httpOnly: true });
        res.send(String(Object.keys(req.cookies).length));
      });
      break;
    case 'static':
      app.use(serveStatic(STATIC_DIR));
      break;
    default:
      throw new Error(`unknown scenario ${name}`);
  }
  return app;
}

if (isMain(import.meta.url)) {
  const server = keelApp(scenario).listen(0, '127.0.0.1', () => ready(server));
}
