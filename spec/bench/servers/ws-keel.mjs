// Keel WebSocket echo server: app.ws() with default options; echoes every message as received
// (text as text, binary as binary).
import { createApp } from '../../../dist/lib/index.js';
import { ready } from './common.mjs';

const app = createApp();
app.ws('/', (ws) => {
  ws.on('message', (data, isBinary) => { ws.send(data, { binary: isBinary }); });
});
const server = app.listen(0, '127.0.0.1', () => ready(server));
