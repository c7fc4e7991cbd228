// The WebSocket: one open connection, either side (RFC 6455 §5-§7). It feeds socket bytes to the
// FrameDecoder, answers pings, runs the close handshake (§5.5.1, §7.1) with a timeout, reports
// backpressure like a stream, and keeps user errors from crashing the process.

import { EventEmitter } from 'node:events';
import { isUtf8 } from 'node:buffer';
import type { Duplex } from 'node:stream';
import { CLOSE_ABNORMAL, CLOSE_INTERNAL_ERROR, CLOSE_NO_STATUS, CLOSE_NORMAL, isValidCloseCode } from './close-codes.js';
import { WebSocketError } from './errors.js';
import { FrameDecoder, type FrameSink } from './frame-decoder.js';
import { encodeFrame, writeFrame, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG, OPCODE_TEXT } from './frame-encoder.js';
import { joinHeartbeat, leaveHeartbeat, type HeartbeatMember } from './heartbeat.js';
import type { ResolvedWebSocketOptions } from './options.js';
import { toBuffer, toPayload, type WebSocketData } from './payload.js';
import type { TopicRegistry } from './topics.js';

export type { WebSocketData } from './payload.js';

export interface SendOptions {
  /** Send as a binary message (default: strings are text, everything else binary). */
  binary?: boolean;
}

export type WebSocketReadyState = 0 | 1 | 2 | 3;

/** How a WebSocket was created; passed by acceptUpgrade and connect. */
export interface WebSocketInit {
  /** Client side: frames we send are masked and frames we receive must not be (§5.1). */
  client: boolean;
  /** The subprotocol agreed in the handshake, '' for none. */
  protocol: string;
  /** Where subscribe/unsubscribe register this socket (server side). */
  topics?: TopicRegistry | undefined;
  /** A set of open sockets (the app's): joined now, left when the TCP connection closes. */
  registry?: Set<WebSocket> | undefined;
}

// Socket listeners are shared functions that find their WebSocket through this property, instead
// of closures created per connection: less memory per idle socket.
const OWNER = Symbol('keel.websocket');
type OwnedSocket = Duplex & { [OWNER]?: WebSocket };

function socketOnData(this: OwnedSocket, chunk: Buffer): void {
  const ws = this[OWNER];
  if (ws === undefined) return;
  ws.alive = true;
  // Corked while the chunk is decoded: every frame sent by the listeners of the messages in this
  // chunk (echoes, pongs) leaves in one writev instead of one system call each.
  this.cork();
  ws.decoder.push(chunk);
  this.uncork();
}
function socketOnEnd(this: OwnedSocket): void {
  // The peer will send nothing more; finish our side too (http servers allow half-open sockets).
  const ws = this[OWNER];
  if (ws !== undefined && ws.state === WebSocket.OPEN) ws.state = WebSocket.CLOSING;
  // Only while our side is open: after our Close frame the server has ended already (§7.1.1), and
  // end() on an ended stream builds an ERR_STREAM_ALREADY_FINISHED (stack trace included) that
  // nobody sees, a tenth of the server's CPU per open+close under load.
  if (!this.writableEnded) this.end();
}
function socketOnClose(this: OwnedSocket): void {
  this[OWNER]?.socketClosed();
}
function socketOnError(this: OwnedSocket): void {
  // Resets and the like: the socket closes next; 'close' reports 1006.
  this.destroy();
}
function socketOnDrain(this: OwnedSocket): void {
  this[OWNER]?.dispatch('drain');
}
function resumeSocket(socket: Duplex): void {
  if (!socket.destroyed) socket.resume();
}
function closeTimedOut(ws: WebSocket): void {
  ws.closeTimer = undefined;
  ws.socket.destroy();
}

const EMPTY = Buffer.alloc(0);

export interface WebSocket {
  on(event: 'message', listener: (data: string | Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: string) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'ping' | 'pong', listener: (payload: Buffer) => void): this;
  on(event: 'drain', listener: () => void): this;
  once(event: 'message', listener: (data: string | Buffer, isBinary: boolean) => void): this;
  once(event: 'close', listener: (code: number, reason: string) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: 'ping' | 'pong', listener: (payload: Buffer) => void): this;
  once(event: 'drain', listener: () => void): this;
}

/**
 * An open WebSocket connection. Created by `acceptUpgrade` (server) or `connect` (client), not by
 * users. Events: 'message' (data, isBinary), 'close' (code, reason), 'error', 'ping', 'pong',
 * 'drain'.
 */
export class WebSocket extends EventEmitter implements FrameSink, HeartbeatMember {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  // On the prototype (getters), not per instance.
  get CONNECTING(): 0 {
    return 0;
  }
  get OPEN(): 1 {
    return 1;
  }
  get CLOSING(): 2 {
    return 2;
  }
  get CLOSED(): 3 {
    return 3;
  }

  /** The subprotocol agreed in the handshake, '' for none. */
  readonly protocol: string;
  /** @internal Read `readyState`. */ state: WebSocketReadyState = WebSocket.OPEN;

  /** @internal */ readonly socket: Duplex;
  /** @internal */ readonly decoder: FrameDecoder;
  /** @internal */ readonly options: ResolvedWebSocketOptions;
  /** @internal */ readonly isClient: boolean;
  /** @internal Something arrived since the last heartbeat tick. */ alive = true;
  /** @internal */ closeTimer: NodeJS.Timeout | undefined = undefined;
  private readonly topics: TopicRegistry | undefined;
  // One field instead of a 'close' listener per socket (closure + once wrapper: ~200 bytes each).
  private readonly registry: Set<WebSocket> | undefined;
  /** Topics this socket is subscribed to; created on first subscribe. */
  private subscriptions: Set<string> | null = null;
  private closeSent = false;
  private closeReceived = false;
  private receivedCode: number = CLOSE_ABNORMAL;
  private receivedReason = '';
  private errorReported = false;

  /** @internal Use acceptUpgrade() or connect(). */
  constructor(socket: Duplex, options: ResolvedWebSocketOptions, init: WebSocketInit) {
    super({ captureRejections: true }); // async listeners that reject are caught too (see below)
    this.socket = socket;
    this.options = options;
    this.isClient = init.client;
    this.protocol = init.protocol;
    this.topics = init.topics;
    this.registry = init.registry;
    init.registry?.add(this);
    this.decoder = new FrameDecoder(this, !init.client, options);

    const s = socket as OwnedSocket;
    s[OWNER] = this;
    const net = socket as Duplex & { setNoDelay?: (v: boolean) => void; setTimeout?: (ms: number) => void };
    net.setNoDelay?.(true); // frames are whole messages: send them now
    net.setTimeout?.(0);
    // Reading starts on setImmediate, not at once: whoever created this socket (a route handler,
    // the code after `await connect()`) attaches its listeners first, even across microtasks.
    socket.pause();
    setImmediate(resumeSocket, socket);
    socket.on('data', socketOnData);
    socket.on('end', socketOnEnd);
    socket.on('close', socketOnClose);
    socket.on('error', socketOnError);
    socket.on('drain', socketOnDrain);
    if (options.heartbeat > 0) joinHeartbeat(options.heartbeat, this);
  }

  /** CONNECTING (0), OPEN (1), CLOSING (2) or CLOSED (3). */
  get readyState(): WebSocketReadyState {
    return this.state;
  }

  /** Bytes queued for sending and not yet handed to the operating system. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /**
   * Sends a message: strings as text, anything else as binary, unless `options.binary` says
   * otherwise. Returns false when the socket is backed up (wait for 'drain') or not open.
   */
  send(data: WebSocketData, options?: SendOptions): boolean {
    let opcode: number;
    let payload: string | Buffer;
    if (typeof data === 'string') {
      opcode = options !== undefined && options.binary === true ? OPCODE_BINARY : OPCODE_TEXT;
      payload = data;
    } else {
      payload = toBuffer(data, 'WebSocket message');
      opcode = options !== undefined && options.binary === false ? OPCODE_TEXT : OPCODE_BINARY;
      // §8.1: a text message carries UTF-8; refuse to put anything else on the wire.
      if (opcode === OPCODE_TEXT && !isUtf8(payload)) throw new TypeError('A text message must be valid UTF-8');
    }
    if (this.state !== WebSocket.OPEN || this.closeSent) return false;
    if (this.socket.writableLength > this.options.maxBufferedAmount) return this.overflow();
    return writeFrame(this.socket, opcode, payload, this.isClient);
  }

  /** Sends a ping (payload ≤ 125 bytes, §5.5). Returns false when not open or backed up. */
  ping(data?: WebSocketData): boolean {
    return this.sendControl(OPCODE_PING, data, 'ping');
  }

  /** Sends an unsolicited pong (§5.5.3: "A Pong frame MAY be sent unsolicited"). */
  pong(data?: WebSocketData): boolean {
    return this.sendControl(OPCODE_PONG, data, 'pong');
  }

  /**
   * Starts the closing handshake (§7.1.2). `code` must be a valid close code (1000, 1001,
   * 1002-1003, 1007-1014, 3000-4999) and `reason` a string of at most 123 UTF-8 bytes.
   */
  close(code?: number, reason?: string): void {
    if (code !== undefined && (typeof code !== 'number' || !Number.isInteger(code) || !isValidCloseCode(code))) {
      throw new TypeError(`Invalid WebSocket close code: ${String(code)}`);
    }
    if (reason !== undefined && typeof reason !== 'string') {
      throw new TypeError('A WebSocket close reason must be a string'); // CVE-2026-45736
    }
    // §5.5: control payload ≤ 125 bytes, 2 of them the code.
    if (reason !== undefined && Buffer.byteLength(reason) > 123) {
      throw new TypeError('A WebSocket close reason must be at most 123 bytes of UTF-8');
    }
    if (code === undefined && reason !== undefined && reason.length > 0) code = CLOSE_NORMAL;
    if (this.state === WebSocket.CLOSED || this.closeSent) return;
    this.sendClose(code, reason);
    this.closing();
  }

  /** Destroys the connection at once, without a closing handshake. */
  terminate(): void {
    if (this.state === WebSocket.CLOSED) return;
    this.state = WebSocket.CLOSING;
    this.decoder.stop();
    this.socket.destroy();
  }

  /** Receives what is published to `topic` from now on. Returns false if already subscribed. */
  subscribe(topic: string): boolean {
    if (typeof topic !== 'string') throw new TypeError('A topic must be a string');
    if (this.topics === undefined) throw new TypeError('This WebSocket has no topic registry (client sockets cannot subscribe)');
    if (this.state !== WebSocket.OPEN) return false;
    const subs = (this.subscriptions ??= new Set());
    if (subs.has(topic)) return false;
    subs.add(topic);
    this.topics.add(topic, this);
    return true;
  }

  /** Stops receiving `topic`. Returns false if not subscribed. */
  unsubscribe(topic: string): boolean {
    if (this.subscriptions === null || !this.subscriptions.delete(topic)) return false;
    this.topics?.remove(topic, this);
    return true;
  }

  /** Whether this socket is subscribed to `topic`. */
  isSubscribed(topic: string): boolean {
    return this.subscriptions !== null && this.subscriptions.has(topic);
  }

  /** Publishes to every subscriber of `topic` except this socket. Returns how many were written to. */
  publish(topic: string, data: WebSocketData, options?: SendOptions): number {
    if (this.topics === undefined) throw new TypeError('This WebSocket has no topic registry');
    return this.topics.publish(topic, data, options, this);
  }

  // --- internals -------------------------------------------------------------------------------

  /** @internal Writes a frame encoded once for many sockets (publish). False if skipped. */
  writeShared(frame: Buffer): boolean {
    if (this.state !== WebSocket.OPEN || this.closeSent) return false;
    if (this.socket.writableLength > this.options.maxBufferedAmount) {
      if (this.options.publishOverflow === 'close') this.overflow();
      return false;
    }
    this.socket.write(frame);
    return true;
  }

  private sendControl(opcode: number, data: WebSocketData | undefined, what: string): boolean {
    const payload = data === undefined ? EMPTY : toPayload(data, `A ${what} payload`);
    const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (length > 125) throw new TypeError(`A ${what} payload must be at most 125 bytes`);
    if (this.state !== WebSocket.OPEN || this.closeSent) return false;
    if (this.socket.writableLength > this.options.maxBufferedAmount) return this.overflow();
    return this.socket.write(encodeFrame(opcode, payload, this.isClient));
  }

  private sendClose(code: number | undefined, reason: string | undefined): void {
    this.closeSent = true;
    let payload = EMPTY;
    if (code !== undefined) {
      const reasonLength = reason === undefined ? 0 : Buffer.byteLength(reason);
      payload = Buffer.alloc(2 + reasonLength); // zeroed: rare, and never a chance of leaking memory
      payload.writeUInt16BE(code, 0);
      if (reasonLength > 0) payload.write(reason as string, 2, 'utf8');
    }
    if (this.socket.writable) this.socket.write(encodeFrame(OPCODE_CLOSE, payload, this.isClient));
  }

  /** We are in the closing handshake: bound it in time, and end TCP when it is our turn. */
  private closing(): void {
    if (this.state === WebSocket.OPEN) this.state = WebSocket.CLOSING;
    // §7.1.1: "the server [...] SHOULD close the underlying TCP connection" first, once both
    // Close frames were exchanged; a client waits for the server to do so.
    if (this.closeReceived && !this.isClient) this.socket.end();
    if (this.closeTimer === undefined) this.closeTimer = setTimeout(closeTimedOut, this.options.closeTimeout, this);
  }

  /** Fails the connection (§7.1.7): Close frame with `code`, then close TCP. */
  private fail(code: number, reason: string): void {
    if (!this.closeSent && this.state !== WebSocket.CLOSED) this.sendClose(code, reason);
    this.closing();
    this.socket.end();
  }

  private overflow(): false {
    // A slow peer is not a bug in the application: reported to 'error' listeners only.
    if (this.listenerCount('error') > 0) {
      this.report(new WebSocketError('KEEL_WS_BUFFER_OVERFLOW', CLOSE_ABNORMAL, 'peer is not reading: maxBufferedAmount exceeded'));
    }
    this.terminate();
    return false;
  }

  /** Emits 'error' when someone listens; otherwise logs it (once per socket). */
  private report(error: Error): void {
    if (this.listenerCount('error') > 0) {
      try {
        this.emit('error', error);
        return;
      } catch (thrown) {
        error = thrown instanceof Error ? thrown : error;
      }
    }
    if (!this.errorReported) {
      this.errorReported = true;
      console.error(error);
    }
  }

  /** @internal Emits an event; a listener that throws is reported and the connection closed with 1011. */
  dispatch(event: string, a?: unknown, b?: unknown): void {
    try {
      this.emit(event, a, b);
    } catch (error) {
      this.listenerFailed(error, event);
    }
  }

  private listenerFailed(error: unknown, event: string): void {
    this.report(new WebSocketError('KEEL_WS_LISTENER_ERROR', CLOSE_INTERNAL_ERROR, `a '${event}' listener failed`, { cause: error }));
    if (this.state === WebSocket.OPEN) this.close(CLOSE_INTERNAL_ERROR);
  }

  /** Async listeners that reject land here (EventEmitter captureRejections). */
  override [EventEmitter.captureRejectionSymbol](error: unknown, event: string): void {
    this.listenerFailed(error, event);
  }

  /** @internal FrameSink */
  onFrameMessage(data: string | Buffer, isBinary: boolean): void {
    try {
      this.emit('message', data, isBinary);
    } catch (error) {
      this.listenerFailed(error, 'message');
    }
  }

  /** @internal FrameSink: §5.5.2 "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response [...] with identical Application data" */
  onFramePing(payload: Buffer): void {
    if (this.state === WebSocket.OPEN && !this.closeSent) {
      if (this.socket.writableLength > this.options.maxBufferedAmount) {
        this.overflow();
        return;
      }
      this.socket.write(encodeFrame(OPCODE_PONG, payload, this.isClient));
    }
    this.dispatch('ping', payload);
  }

  /** @internal FrameSink */
  onFramePong(payload: Buffer): void {
    this.dispatch('pong', payload);
  }

  /** @internal FrameSink: §5.5.1 "If an endpoint receives a Close frame and did not previously send a Close frame, the endpoint MUST send a Close frame in response." */
  onFrameClose(code: number, reason: string): void {
    this.closeReceived = true;
    this.receivedCode = code;
    this.receivedReason = reason;
    // "It SHOULD do so as soon as practical": echo the code and reason (none when none came).
    if (!this.closeSent) this.sendClose(code === CLOSE_NO_STATUS ? undefined : code, reason);
    this.closing();
  }

  /** @internal FrameSink */
  onFrameError(error: WebSocketError): void {
    // A misbehaving peer is not a bug in the application: reported to 'error' listeners only.
    if (this.listenerCount('error') > 0) this.report(error);
    this.fail(error.closeCode, error.message);
  }

  /** @internal HeartbeatMember: no sign of life since the last tick means the peer is gone. */
  heartbeatTick(): void {
    if (this.state !== WebSocket.OPEN) return;
    if (!this.alive) {
      this.terminate();
      return;
    }
    this.alive = false;
    this.ping();
  }

  /** @internal The TCP connection is gone. */
  socketClosed(): void {
    if (this.state === WebSocket.CLOSED) return;
    this.state = WebSocket.CLOSED;
    if (this.closeTimer !== undefined) {
      clearTimeout(this.closeTimer);
      this.closeTimer = undefined;
    }
    if (this.options.heartbeat > 0) leaveHeartbeat(this.options.heartbeat, this);
    if (this.subscriptions !== null) {
      for (const topic of this.subscriptions) this.topics?.remove(topic, this);
      this.subscriptions = null;
    }
    this.decoder.stop();
    this.registry?.delete(this);
    // §7.1.5: without a Close frame received, "the WebSocket Connection Close Code is 1006".
    this.dispatch('close', this.closeReceived ? this.receivedCode : CLOSE_ABNORMAL, this.closeReceived ? this.receivedReason : '');
  }
}
