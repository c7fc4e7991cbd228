// Opens N idle WebSocket connections (ws@8 client) and holds them until killed.
import WebSocket from 'ws';
const [url, n] = process.argv.slice(2);
const sockets = [];
for (let i = 0; i < Number(n); i += 100) {
  const batch = [];
  for (let j = i; j < Math.min(Number(n), i + 100); j++) {
    batch.push(new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(ws)); ws.once('error', reject);
    }));
  }
  sockets.push(...(await Promise.all(batch)));
}
for (const ws of sockets) ws.on('error', () => {});
process.send({ type: 'opened' });
process.on('disconnect', () => process.exit(0));
