// WebSocket options: their defaults, and their validation (a TypeError naming the option, when
// the options are given, never a silently disabled limit).

import type { IncomingMessage } from 'node:http';
import { constants as bufferConstants } from 'node:buffer';
import { isToken } from './header-tokens.js';

/** Decides whether an upgrade from `origin` (the Origin header, if any) is accepted. */
export type OriginCheck = (origin: string | undefined, req: IncomingMessage) => boolean;

/** Chooses a subprotocol among the client's offers; a falsy result selects none. */
export type ProtocolHandler = (offered: string[], req: IncomingMessage) => string | false | undefined;

/** What `publish` does with a subscriber whose buffered output is over `maxBufferedAmount`. */
export type PublishOverflowPolicy = 'skip' | 'close';

export interface WebSocketOptions {
  /** Largest message accepted, in bytes; larger ones close the connection with 1009. Default 16 MiB. */
  maxPayload?: number;
  /** Most frames in one message (empty ones count); more close with 1009. Default 1024. */
  maxFragments?: number;
  /**
   * Most memory held for one unfinished message, in bytes; more closes with 1009.
   * Default: twice `maxPayload`, at least 64 KiB.
   */
  maxBufferedMessageBytes?: number;
  /** Subprotocols this endpoint speaks, in order of preference. */
  protocols?: readonly string[];
  /** Chooses the subprotocol instead of `protocols`. */
  handleProtocols?: ProtocolHandler;
  /** Accepted origins (exact, case-insensitive, e.g. 'https://example.com') or a check. Default: any. */
  origins?: readonly string[] | OriginCheck;
  /** Ping every `heartbeat` ms and terminate a peer that did not answer the previous ping. 0: off. Default 30000. */
  heartbeat?: number;
  /** How long to wait for the close handshake before destroying the socket, in ms. Default 5000. */
  closeTimeout?: number;
  /**
   * Most bytes queued for sending. `send()` while more is queued terminates the connection;
   * `publish` skips (or closes, see `publishOverflow`) such subscribers. Default 16 MiB.
   */
  maxBufferedAmount?: number;
  /** What `publish` does with subscribers over `maxBufferedAmount`. Default 'skip'. */
  publishOverflow?: PublishOverflowPolicy;
}

export interface ResolvedWebSocketOptions {
  readonly maxPayload: number;
  readonly maxFragments: number;
  readonly maxBufferedMessageBytes: number;
  readonly protocols: readonly string[];
  readonly handleProtocols: ProtocolHandler | undefined;
  /** Lowercased origins, or a check; undefined accepts any origin. */
  readonly origins: readonly string[] | OriginCheck | undefined;
  readonly heartbeat: number;
  readonly closeTimeout: number;
  readonly maxBufferedAmount: number;
  readonly publishOverflow: PublishOverflowPolicy;
}

const MAX_TIMER = 0x7fffffff; // setTimeout's largest delay

function derivedBufferedMessageBytes(maxPayload: number): number {
  return Math.min(Math.max(maxPayload * 2, 65536), Number.MAX_SAFE_INTEGER);
}

export const DEFAULT_WEBSOCKET_OPTIONS: ResolvedWebSocketOptions = Object.freeze({
  maxPayload: 16 * 1024 * 1024,
  maxFragments: 1024,
  maxBufferedMessageBytes: derivedBufferedMessageBytes(16 * 1024 * 1024),
  protocols: Object.freeze([]) as readonly string[],
  handleProtocols: undefined,
  origins: undefined,
  heartbeat: 30000,
  closeTimeout: 5000,
  maxBufferedAmount: 16 * 1024 * 1024,
  publishOverflow: 'skip',
});

const KNOWN = new Set([
  'maxPayload',
  'maxFragments',
  'maxBufferedMessageBytes',
  'protocols',
  'handleProtocols',
  'origins',
  'heartbeat',
  'closeTimeout',
  'maxBufferedAmount',
  'publishOverflow',
]);

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`WebSocket option ${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/**
 * Validates `options` and fills what is missing from `base` (app-wide settings) or the defaults.
 * Throws a TypeError naming the first invalid option.
 */
export function resolveWebSocketOptions(
  options: WebSocketOptions | undefined,
  base: ResolvedWebSocketOptions = DEFAULT_WEBSOCKET_OPTIONS,
): ResolvedWebSocketOptions {
  if (options === undefined) return base;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`WebSocket options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new TypeError(`Unknown WebSocket option ${JSON.stringify(key)}`);
  }
  const o = options as Record<string, unknown>;

  const maxPayload =
    o.maxPayload === undefined ? base.maxPayload : integer('maxPayload', o.maxPayload, 1, bufferConstants.MAX_LENGTH);
  const maxBufferedMessageBytes =
    o.maxBufferedMessageBytes !== undefined
      ? integer('maxBufferedMessageBytes', o.maxBufferedMessageBytes, 1, Number.MAX_SAFE_INTEGER)
      : o.maxPayload !== undefined
        ? derivedBufferedMessageBytes(maxPayload)
        : base.maxBufferedMessageBytes;

  let protocols = base.protocols;
  if (o.protocols !== undefined) {
    if (!Array.isArray(o.protocols)) throw new TypeError('WebSocket option protocols must be an array of tokens');
    const seen = new Set<string>();
    for (const p of o.protocols as unknown[]) {
      if (typeof p !== 'string' || !isToken(p) || seen.has(p)) {
        throw new TypeError(`WebSocket option protocols must hold distinct tokens, got ${describe(p)}`);
      }
      seen.add(p);
    }
    protocols = Object.freeze([...(o.protocols as string[])]);
  }

  let handleProtocols = base.handleProtocols;
  if (o.handleProtocols !== undefined) {
    if (typeof o.handleProtocols !== 'function') {
      throw new TypeError(`WebSocket option handleProtocols must be a function, got ${describe(o.handleProtocols)}`);
    }
    handleProtocols = o.handleProtocols as ProtocolHandler;
  }

  let origins = base.origins;
  if (o.origins !== undefined) {
    if (typeof o.origins === 'function') origins = o.origins as OriginCheck;
    else if (Array.isArray(o.origins) && o.origins.every((x: unknown) => typeof x === 'string' && x.length > 0)) {
      origins = Object.freeze((o.origins as string[]).map((x) => x.toLowerCase()));
    } else {
      throw new TypeError(`WebSocket option origins must be an array of origins or a function, got ${describe(o.origins)}`);
    }
  }

  let publishOverflow = base.publishOverflow;
  if (o.publishOverflow !== undefined) {
    if (o.publishOverflow !== 'skip' && o.publishOverflow !== 'close') {
      throw new TypeError(`WebSocket option publishOverflow must be 'skip' or 'close', got ${describe(o.publishOverflow)}`);
    }
    publishOverflow = o.publishOverflow;
  }

  return Object.freeze({
    maxPayload,
    maxFragments: o.maxFragments === undefined ? base.maxFragments : integer('maxFragments', o.maxFragments, 1, 0x7fffffff),
    maxBufferedMessageBytes,
    protocols,
    handleProtocols,
    origins,
    heartbeat: o.heartbeat === undefined ? base.heartbeat : integer('heartbeat', o.heartbeat, 0, MAX_TIMER),
    closeTimeout: o.closeTimeout === undefined ? base.closeTimeout : integer('closeTimeout', o.closeTimeout, 1, MAX_TIMER),
    maxBufferedAmount:
      o.maxBufferedAmount === undefined
        ? base.maxBufferedAmount
        : integer('maxBufferedAmount', o.maxBufferedAmount, 0, Number.MAX_SAFE_INTEGER),
    publishOverflow,
  });
}
