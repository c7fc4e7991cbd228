// Chat messages: validation (a size limit with a clear error), the log of recent messages, and the
// last-N history a newcomer sees.

import type { DataStore, StoredMessage } from './store.js';

/** Most characters in one message (UTF-16 code units, as the browser's maxlength counts). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 500;
/** How many messages a newcomer sees. */
export const HISTORY_SIZE = 50;
/** How many messages are kept at all (memory and file stay bounded). */
const KEPT = 500;

export type MessageCheck = { text: string } | { code: 'empty_message' | 'message_too_long' | 'bad_message'; message: string };

export class Messages {
  readonly #store: DataStore;
  readonly maxLength: number;

  constructor(store: DataStore, maxLength = DEFAULT_MAX_MESSAGE_LENGTH) {
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new TypeError('maxMessageLength must be a positive integer');
    this.#store = store;
    this.maxLength = maxLength;
  }

  /** The text to post, or why it cannot be posted. */
  check(input: unknown): MessageCheck {
    if (typeof input !== 'string') return { code: 'bad_message', message: 'A message is text.' };
    const text = input.trim();
    if (text.length === 0) return { code: 'empty_message', message: 'Write something first.' };
    if (text.length > this.maxLength) {
      return {
        code: 'message_too_long',
        message: `Messages can be at most ${this.maxLength} characters; this one has ${text.length}.`,
      };
    }
    return { text };
  }

  add(user: string, text: string): StoredMessage {
    const data = this.#store.data;
    const message: StoredMessage = { id: data.nextMessageId++, user, text, at: Date.now() };
    data.messages.push(message);
    if (data.messages.length > KEPT) data.messages.splice(0, data.messages.length - KEPT);
    this.#store.changed();
    return message;
  }

  /** The last `count` messages, oldest first. */
  recent(count = HISTORY_SIZE): StoredMessage[] {
    const all = this.#store.data.messages;
    return all.slice(Math.max(0, all.length - count));
  }
}
