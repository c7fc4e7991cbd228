// Express 5: each scenario as its documentation writes it (express.json, express.static,
// res.cookie; cookies parsed with the `cookie` package, as cookie-parser does).
// Usage: node http-express.mjs <hello|mw|json-post|cookie|static>

import express from 'express';
import { parse } from 'cookie';
import { MIDDLEWARE_COUNT, ROUTE_COUNT, SET_COOKIE, STATIC_DIR, ready, scenario } from './common.mjs';

const app = express();
switch (scenario) {
  case 'hello':
    app.get('/', (req, res) => { res.send('Hello World'); });
    break;
  case 'mw':
    for (let i = 0; i < MIDDLEWARE_COUNT; i++) app.use((req, res, next) => next());
    for (let i = 0; i < ROUTE_COUNT; i++) app.get(`/r${i}/:id`, (req, res) => { res.json({ id: req.params.id }); });
    break;
  case 'json-post':
    app.post('/', express.json(), (req, res) => { res.json(req.body); });
    break;
  case 'cookie':
    app.use((req, res, next) => { req.cookies = parse(req.headers.cookie ?? ''); next(); });
    app.get('/', (req, res) => {
      res.cookie(SET_COOKIE.name, SET_COOKIE.value, { httpOnly: true });
      res.send(String(Object.keys(req.cookies).length));
    });
    break;
  case 'static':
    app.use(express.static(STATIC_DIR));
    break;
  default:
    throw new Error(`unknown scenario ${scenario}`);
}
const server = app.listen(0, '127.0.0.1', () => ready(server));
