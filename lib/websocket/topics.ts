// Topics for broadcast: sockets subscribe to names, `publish` encodes the frame once and writes
// the same bytes to every subscriber, skipping (or closing, by option) those that are backed up.

import { isUtf8 } from 'node:buffer';
import { encodeFrame, OPCODE_BINARY, OPCODE_TEXT } from './frame-encoder.js';
import { toPayload, type WebSocketData } from './payload.js';
import type { SendOptions, WebSocket } from './websocket.js';

export interface PublishOptions extends SendOptions {}

export class TopicRegistry {
  private readonly topics = new Map<string, Set<WebSocket>>();

  /**
   * Sends `data` to every open subscriber of `topic` (but `except`). Strings go as text, anything
   * else as binary, unless `options.binary` says otherwise. Returns how many sockets were written to.
   */
  publish(topic: string, data: WebSocketData, options?: PublishOptions, except?: WebSocket): number {
    const subscribers = this.topics.get(topic);
    const payload = toPayload(data, 'A published message'); // type-checked even with no subscriber
    if (subscribers === undefined) return 0;
    const binary = options !== undefined && options.binary !== undefined ? options.binary : typeof payload !== 'string';
    // §8.1: a text message carries UTF-8.
    if (!binary && typeof payload !== 'string' && !isUtf8(payload)) throw new TypeError('A text message must be valid UTF-8');
    // One frame for everyone: server frames are unmasked (§5.1), so the bytes are identical.
    const frame = encodeFrame(binary ? OPCODE_BINARY : OPCODE_TEXT, payload, false);
    let written = 0;
    for (const ws of subscribers) {
      if (ws !== except && ws.writeShared(frame)) written++;
    }
    return written;
  }

  /** How many sockets are subscribed to `topic`. */
  subscriberCount(topic: string): number {
    const subscribers = this.topics.get(topic);
    return subscribers === undefined ? 0 : subscribers.size;
  }

  /** @internal Called by ws.subscribe(). */
  add(topic: string, ws: WebSocket): void {
    let subscribers = this.topics.get(topic);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.topics.set(topic, subscribers);
    }
    subscribers.add(ws);
  }

  /** @internal Called by ws.unsubscribe() and when a socket closes. */
  remove(topic: string, ws: WebSocket): void {
    const subscribers = this.topics.get(topic);
    if (subscribers !== undefined && subscribers.delete(ws) && subscribers.size === 0) this.topics.delete(topic);
  }
}
