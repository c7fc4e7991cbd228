// The demo's entry point (`npm start`): reads PORT, HOST and DATA_FILE from the environment, starts
// the chat, prints its URL, and shuts down gracefully on SIGINT/SIGTERM (WebSockets get 1001).

import { createDemoApp } from './app.js';

const port = Number(process.env['PORT'] ?? 3000);
const host = process.env['HOST'] || '127.0.0.1';
const dataFile = process.env['DATA_FILE'] || undefined;

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a number from 0 to 65535, got ${JSON.stringify(process.env['PORT'])}`);
  process.exit(1);
}

const demo = await createDemoApp({ dataFile, secret: process.env['SESSION_SECRET'] || undefined }).catch((err: unknown) => {
  console.error(`Cannot start the demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
const server = demo.app.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const where = dataFile === undefined ? 'Data is kept in memory (set DATA_FILE=chat.json to keep it).' : `Data is kept in ${demo.store.file}.`;
  console.log(`${where}\nKeel demo chat on http://${shownHost}:${actualPort}/`);
});
server.on('error', (err) => {
  console.error(`Cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      console.log('Stopping now.');
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: closing connections…`);
    demo.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
