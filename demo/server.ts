// Keel's demo server (minimal for now): the middleware sequence of the seed documents, and a
// WebSocket echo. Uses only Keel's public surface.

import { createApp } from '../lib/index.js';

const app = createApp();
const port = Number(process.env['PORT'] ?? 3000);
const host = process.env['HOST'] ?? '127.0.0.1';

app.use((req, res, next) => {
  console.log(`A. Entry Point, ${req.method}`);
  void next();
  console.log(`E. End at ${Date.now()}, ${req.method}`);
});
app.use((req, res, next) => {
  console.log(`B. Request time: ${Date.now()}, ${req.method}`);
  void next();
});
app.get('/info', (req, res, next) => {
  console.log('C. First handler for /info');
  res.statusCode = 201;
  void next();
});
app.get('/info', (req, res) => {
  console.log('D. Second handler for /info');
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end('Welcome Again');
});
app.get('/', (req, res) => {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end('<!DOCTYPE html><title>Keel</title><h1>Keel demo</h1><p><a href="/info">/info</a> runs the seed middleware sequence.</p>');
});
app.ws('/echo', (ws) => ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary as boolean })));

const server = app.listen(port, host, () => {
  console.log(`Keel demo listening on http://${host}:${port}/`);
});
server.on('error', (err) => {
  console.error(err.message);
  process.exitCode = 1;
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
