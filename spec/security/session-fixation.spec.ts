// Design risk (no CVE): session fixation. A client-chosen or pre-login session id must never
// become the authenticated session: unknown ids are replaced, regenerate() at login changes the id.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { MemoryStore, session, type Request, type Response } from '../../lib/index.js';
import { Client, idOf, start } from '../session/client.js';

const SECRET = 'fixation secret';
const signed = (id: string): string => encodeURIComponent('s:' + id + '.' + createHmac('sha256', SECRET).update(id).digest('base64').replace(/=+$/, ''));

test('an attacker-planted pre-login id is not the id after login', { timeout: 10_000 }, async () => {
  const store = new MemoryStore();
  const running = await start((app) => {
    app.use(session({ secret: SECRET, store, saveUninitialized: true }));
    app.get('/login', async (req: Request, res: Response) => {
      await req.session.regenerate();
      req.session.user = 'victim';
      res.end(req.sessionID);
    });
    app.get('/whoami', (req: Request, res: Response) => res.end(String(req.session.user ?? 'anonymous')));
  });
  try {
    const attacker = new Client(running.base);
    await attacker.get('/whoami'); // the attacker obtains a valid, stored session id
    const planted = attacker.jar.get('keel.sid') ?? '';
    const plantedId = idOf(planted);
    assert.ok(plantedId !== undefined);

    const victim = new Client(running.base);
    victim.jar.set('keel.sid', planted); // ... and plants it in the victim's browser
    const login = await victim.get('/login');
    assert.notEqual(login.body, plantedId);
    assert.notEqual(idOf(victim.jar.get('keel.sid')), plantedId);
    assert.equal(await store.get(plantedId ?? ''), null, 'the planted session is gone');
    assert.equal((await victim.get('/whoami')).body, 'victim');
    assert.equal((await attacker.get('/whoami')).body, 'anonymous', 'the planted id does not carry the login');
  } finally {
    await running.close();
  }
});

test('a validly signed id that the store does not know is replaced by a new id', { timeout: 10_000 }, async () => {
  const running = await start((app) => {
    app.use(session({ secret: SECRET }));
    app.get('/', (req: Request, res: Response) => {
      req.session.x = 1;
      res.end(req.sessionID);
    });
  });
  try {
    const client = new Client(running.base);
    client.jar.set('keel.sid', signed('attacker-chosen-id'));
    const reply = await client.get('/');
    assert.notEqual(reply.body, 'attacker-chosen-id');
    assert.equal(idOf(client.jar.get('keel.sid')), reply.body);
  } finally {
    await running.close();
  }
});
