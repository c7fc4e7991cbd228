// ws@8 echo server: WebSocketServer on a node:http server, default options (no compression);
// echoes every message as received (text as text, binary as binary).
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { ready } from './common.mjs';

const server = http.createServer((req, res) => { res.writeHead(426).end(); });
const wss = new WebSocketServer({ server });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => { ws.send(data, { binary: isBinary }); });
});
server.listen(0, '127.0.0.1', () => ready(server));
