// Starts a Keel app on 127.0.0.1:0 for the advisory regression specs in spec/security/.

import type { AddressInfo } from 'node:net';
import { createApp, type App, type Request, type Response } from '../../lib/index.js';

export interface Running {
  app: App;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Echoes req.body as JSON (undefined as the string '(undefined)'). */
export function echo(req: Request, res: Response): void {
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ body: req.body === undefined ? '(undefined)' : req.body }));
}

export async function start(setup: (app: App) => void): Promise<Running> {
  const app = createApp();
  setup(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  return { app, port, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
