// The chat room over WebSocket: who is online (live), the last 50 messages on arrival, typing
// notices, and messages broadcast to everyone with app.publish(). Messages are JSON text frames:
//   client → server  {type:'message', text}  {type:'typing'}
//   server → client  {type:'hello', you, history, online}  {type:'message', message}
//                    {type:'presence', online}  {type:'typing', name}  {type:'error', code, message}

import type { App, Request, WebSocket } from '../lib/index.js';
import type { Messages } from './messages.js';
import type { StoredMessage } from './store.js';

export const ROOM = 'room';
/** Close code for "your session ended" (4000-4999: private use, RFC 6455 §7.4.2). */
export const CLOSE_SIGNED_OUT = 4001;
/** A connection may post this many messages in a burst, then one per `REFILL_MS`. */
const BURST = 10;
const REFILL_MS = 500;
/** Typing notices from one connection are relayed at most this often. */
const TYPING_INTERVAL_MS = 1000;

export class Room {
  readonly #app: App;
  readonly #messages: Messages;
  /** Display name → open connections (a person may have several tabs). */
  readonly #online = new Map<string, number>();
  /** Session id → its sockets, to close them at sign-out. */
  readonly #bySession = new Map<string, Set<WebSocket>>();

  constructor(app: App, messages: Messages) {
    this.#app = app;
    this.#messages = messages;
  }

  online(): string[] {
    return [...this.#online.keys()].sort((a, b) => a.localeCompare(b));
  }

  /** Posts a message (from the WebSocket or the JSON API) and sends it to everyone in the room. */
  post(user: string, text: string): StoredMessage {
    const message = this.#messages.add(user, text);
    this.#app.publish(ROOM, JSON.stringify({ type: 'message', message }));
    return message;
  }

  /** The WebSocket route's handler: runs after the handshake, with the session already checked. */
  join(ws: WebSocket, req: Request, user: string): void {
    const sessionId = req.sessionID;
    let sockets = this.#bySession.get(sessionId);
    if (sockets === undefined) this.#bySession.set(sessionId, (sockets = new Set()));
    sockets.add(ws);
    this.#online.set(user, (this.#online.get(user) ?? 0) + 1);

    // Hello first, then subscribe: nothing published can arrive before the history.
    ws.send(JSON.stringify({ type: 'hello', you: user, history: this.#messages.recent(), online: this.online(), maxLength: this.#messages.maxLength }));
    ws.subscribe(ROOM);
    this.#presence();

    let tokens = BURST;
    let refilled = Date.now();
    let lastTyping = 0;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only'); // RFC 6455 §7.4.1: 1003, unacceptable data type
      let event: { type?: unknown; text?: unknown };
      try {
        event = JSON.parse(data as string) as { type?: unknown; text?: unknown };
      } catch {
        return this.#error(ws, 'bad_json', 'That was not JSON.');
      }
      if (event === null || typeof event !== 'object') return this.#error(ws, 'bad_json', 'Expected a JSON object.');
      if (event.type === 'typing') {
        const now = Date.now();
        if (now - lastTyping < TYPING_INTERVAL_MS) return;
        lastTyping = now;
        ws.publish(ROOM, JSON.stringify({ type: 'typing', name: user })); // everyone but the typist
        return;
      }
      if (event.type !== 'message') return this.#error(ws, 'bad_type', 'Unknown message type.');
      const now = Date.now();
      tokens = Math.min(BURST, tokens + (now - refilled) / REFILL_MS);
      refilled = now;
      if (tokens < 1) return this.#error(ws, 'slow_down', 'Slow down a little: too many messages at once.');
      const checked = this.#messages.check(event.text);
      if (!('text' in checked)) return this.#error(ws, checked.code, checked.message);
      tokens -= 1;
      this.post(user, checked.text);
    });
    ws.on('close', () => {
      sockets.delete(ws);
      if (sockets.size === 0) this.#bySession.delete(sessionId);
      const left = (this.#online.get(user) ?? 1) - 1;
      if (left > 0) this.#online.set(user, left);
      else this.#online.delete(user);
      this.#presence();
    });
  }

  /** Closes the sockets of a session that just ended. */
  endSession(sessionId: string): void {
    const sockets = this.#bySession.get(sessionId);
    if (sockets === undefined) return;
    for (const ws of sockets) ws.close(CLOSE_SIGNED_OUT, 'signed out');
  }

  #presence(): void {
    this.#app.publish(ROOM, JSON.stringify({ type: 'presence', online: this.online() }));
  }

  #error(ws: WebSocket, code: string, message: string): void {
    ws.send(JSON.stringify({ type: 'error', code, message }));
  }
}
