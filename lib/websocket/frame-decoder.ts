// Streaming frame decoder (RFC 6455 §5): a state machine fed with socket chunks of any size.
// It never concatenates its input: headers are read byte by byte across chunks, payload bytes are
// unmasked in place and handed on (or kept) as they arrive, and every MUST of §5 is enforced on the
// way, each failure with its close code (§7.4.1).

import { Buffer } from 'node:buffer';
import { CLOSE_NO_STATUS, isValidCloseCode } from './close-codes.js';
import { WebSocketError, type WebSocketErrorCode } from './errors.js';
import { applyMask } from './mask.js';
import { UTF8_ACCEPT, UTF8_REJECT, validateUtf8 } from './utf8.js';

/** What the decoder reports to; implemented by WebSocket (one shape: calls stay monomorphic). */
export interface FrameSink {
  onFrameMessage(data: string | Buffer, isBinary: boolean): void;
  onFramePing(payload: Buffer): void;
  onFramePong(payload: Buffer): void;
  /** `code` is 1005 when the Close frame had no body. */
  onFrameClose(code: number, reason: string): void;
  onFrameError(error: WebSocketError): void;
}

export interface FrameDecoderLimits {
  /** Largest message (sum of its fragments), in bytes. */
  maxPayload: number;
  /** Most data frames in one message, empty ones included. */
  maxFragments: number;
  /** Most memory held for an unfinished message, in bytes. */
  maxBufferedMessageBytes: number;
}

/**
 * Buffer's own string-making methods, which `toString(encoding, start, end)` calls after checking
 * its arguments (present in every Node version, absent from @types/node). Called directly on the
 * hot path, with bounds already known to be valid.
 */
interface StringSlicing {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

// Decoder states, named after the part of the frame being read (RFC 6455 §5.2).
const GET_INFO = 0; // FIN, RSV1-3, opcode; MASK, payload len (7)
const GET_PAYLOAD_LENGTH_16 = 1; // extended payload length, 16 bits
const GET_PAYLOAD_LENGTH_64 = 2; // extended payload length, 64 bits
const GET_MASK = 3; // masking key
const GET_DATA = 4; // payload data

/**
 * Capacity of the buffer that collects small pieces of an unfinished message: 4 KiB at first,
 * then as large as the message so far (up to 1 MiB), so a long message made of small pieces needs
 * few buffers, while what is allocated stays at most about twice what was received.
 */
const TAIL_MIN = 4096;
const TAIL_MAX = 1 << 20;

export class FrameDecoder {
  /** Set once a Close frame or an error was seen: later input is ignored. */
  stopped = false;

  private readonly sink: FrameSink;
  /** Server side: frames must be masked; client side: they must not be (§5.1). */
  private readonly expectMasked: boolean;
  private readonly limits: FrameDecoderLimits;

  private state = GET_INFO;
  // Unconsumed input: chunks[0] is read from `offset`. Every state consumes what it can, so this
  // holds at most a partial header or control frame (< 140 bytes) between calls.
  private chunks: Buffer[] = NONE;
  private offset = 0;
  private buffered = 0;

  // The frame being read.
  private fin = false;
  private opcode = 0;
  private masked = false;
  private payloadLength = 0;
  private maskKey = 0;
  private received = 0; // payload bytes of this frame seen so far

  // The data message being assembled (messageOpcode 0: none in progress).
  private messageOpcode = 0;
  private messageLength = 0;
  private fragments = 0;
  private utf8State = UTF8_ACCEPT;
  private pieces: Buffer[] = NONE;
  private retained = 0; // memory held by `pieces` and `tail`, as counted against the limit
  private tail: Buffer | null = null; // owned buffer small pieces are copied into
  private tailStart = 0;
  private tailUsed = 0;

  constructor(sink: FrameSink, expectMasked: boolean, limits: FrameDecoderLimits) {
    this.sink = sink;
    this.expectMasked = expectMasked;
    this.limits = limits;
  }

  /** Feeds one chunk of input. Chunks passed in are unmasked in place and may be retained. */
  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    if (this.buffered === 0 && this.state === GET_INFO && this.messageOpcode === 0) {
      // Between messages with nothing held: whole small frames are read straight from the chunk.
      const used = this.wholeFrames(chunk);
      if (used === chunk.length || this.stopped) return;
      if (used !== 0) chunk = chunk.subarray(used);
    }
    // An emptied list is replaced, not reused: a connection between messages holds no array.
    if (this.chunks.length === 0) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.buffered += chunk.length;
    let more = true;
    while (more && !this.stopped) {
      switch (this.state) {
        case GET_INFO:
          more = this.getInfo();
          break;
        case GET_PAYLOAD_LENGTH_16:
          more = this.getPayloadLength16();
          break;
        case GET_PAYLOAD_LENGTH_64:
          more = this.getPayloadLength64();
          break;
        case GET_MASK:
          more = this.getMask();
          break;
        default:
          more = this.getData();
      }
    }
  }

  /**
   * Fast path for the common case, many small messages per chunk: reads complete, unfragmented
   * data frames with a 7- or 16-bit length lying wholly in `chunk`, from its start, without the
   * state machine (no per-byte reads, no chunk list, no copy). Returns how many bytes it consumed;
   * it stops before the first frame that is anything else (a control frame, a fragment, a frame
   * cut by the chunk's end, one that breaks a rule or a limit), which the state machine then reads
   * and judges exactly as before.
   */
  private wholeFrames(chunk: Buffer): number {
    const end = chunk.length;
    const maxPayload = this.limits.maxPayload;
    const masked = this.expectMasked;
    let at = 0;
    while (end - at >= 2 && !this.stopped) {
      const b0 = chunk[at];
      const b1 = chunk[at + 1];
      // FIN set, RSV1-3 clear, opcode text (0x1) or binary (0x2); MASK bit as this side expects.
      if ((b0 !== 0x81 && b0 !== 0x82) || (b1 & 0x80) !== (masked ? 0x80 : 0)) break;
      let length = b1 & 0x7f;
      let p = at + 2;
      if (length === 126) {
        if (end - p < 2) break;
        length = (chunk[p] << 8) | chunk[p + 1];
        p += 2;
      } else if (length === 127) {
        break;
      }
      if (length > maxPayload) break; // the state machine fails it with 1009
      let key = 0;
      if (masked) {
        if (end - p < 4) break;
        key = ((chunk[p] << 24) | (chunk[p + 1] << 16) | (chunk[p + 2] << 8) | chunk[p + 3]) >>> 0;
        p += 4;
      }
      const stop = p + length;
      if (stop > end) break;
      // The frame is complete and valid so far: from here on it is consumed.
      if (masked && length !== 0) applyMask(chunk, p, stop, key, 0);
      at = stop;
      if (b0 === 0x82) {
        this.sink.onFrameMessage(p === 0 && stop === end ? chunk : chunk.subarray(p, stop), true);
        continue;
      }
      // §8.1: text must be valid UTF-8. ASCII (the usual case for short text) becomes a string by
      // a plain byte copy; anything else is validated and decoded as UTF-8.
      let i = p;
      while (i < stop && chunk[i] < 0x80) i++;
      if (i === stop) {
        this.sink.onFrameMessage((chunk as Buffer & StringSlicing).latin1Slice(p, stop), false);
      } else if (validateUtf8(UTF8_ACCEPT, chunk, i, stop) === UTF8_ACCEPT) {
        this.sink.onFrameMessage((chunk as Buffer & StringSlicing).utf8Slice(p, stop), false);
      } else {
        this.fail('KEEL_WS_INVALID_UTF8', 1007, 'invalid UTF-8 in text message');
        return end;
      }
    }
    return at;
  }

  /** Stops decoding and drops everything held. */
  stop(): void {
    this.stopped = true;
    this.chunks = NONE;
    this.buffered = 0;
    this.resetMessage();
  }

  // --- reading input -------------------------------------------------------------------------

  private readByte(): number {
    const chunk = this.chunks[0];
    const byte = chunk[this.offset++];
    if (this.offset === chunk.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    this.buffered--;
    return byte;
  }

  /** Takes `n` buffered bytes (n ≤ buffered): a view when they lie in one chunk, else a copy. */
  private take(n: number): Buffer {
    const chunk = this.chunks[0];
    if (chunk.length - this.offset >= n) {
      const view = chunk.subarray(this.offset, this.offset + n);
      this.skip(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n); // filled completely below
    for (let i = 0; i < n; i++) out[i] = this.readByte();
    return out;
  }

  /** Consumes `n` bytes of chunks[0] (n ≤ what it has left). */
  private skip(n: number): void {
    this.offset += n;
    this.buffered -= n;
    if (this.offset === this.chunks[0].length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }

  // --- states --------------------------------------------------------------------------------

  private getInfo(): boolean {
    if (this.buffered < 2) return false;
    const b0 = this.readByte();
    const b1 = this.readByte();

    // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings
    // for non-zero values" (Keel negotiates none).
    if ((b0 & 0x70) !== 0) return this.fail('KEEL_WS_RSV_SET', 1002, 'RSV bits must be 0');

    this.fin = (b0 & 0x80) !== 0;
    this.opcode = b0 & 0x0f;
    this.masked = (b1 & 0x80) !== 0;
    this.payloadLength = b1 & 0x7f;

    if (this.opcode >= 0x8) {
      // §5.2: "%xB-F are reserved for further control frames"
      if (this.opcode > 0xa) return this.fail('KEEL_WS_RESERVED_OPCODE', 1002, 'reserved opcode');
      // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be
      // fragmented."
      if (!this.fin) return this.fail('KEEL_WS_FRAGMENTED_CONTROL', 1002, 'fragmented control frame');
      if (this.payloadLength > 125) return this.fail('KEEL_WS_CONTROL_TOO_LONG', 1002, 'control frame too long');
    } else if (this.opcode === 0x0) {
      // §5.4: a continuation frame only continues a message that was started.
      if (this.messageOpcode === 0) return this.fail('KEEL_WS_UNEXPECTED_CONTINUATION', 1002, 'continuation without a message');
    } else if (this.opcode <= 0x2) {
      // §5.4: "the fragments of one message MUST NOT be interleaved between the fragments of another"
      if (this.messageOpcode !== 0) return this.fail('KEEL_WS_EXPECTED_CONTINUATION', 1002, 'expected a continuation frame');
    } else {
      // §5.2: "%x3-7 are reserved for further non-control frames"
      return this.fail('KEEL_WS_RESERVED_OPCODE', 1002, 'reserved opcode');
    }

    // §5.1: "a server MUST close the connection upon receiving a frame that is not masked" and
    // "a client MUST close a connection if it detects a masked frame".
    if (this.masked !== this.expectMasked) {
      return this.expectMasked
        ? this.fail('KEEL_WS_UNMASKED_FRAME', 1002, 'client frames must be masked')
        : this.fail('KEEL_WS_MASKED_FRAME', 1002, 'server frames must not be masked');
    }

    if (this.payloadLength === 126) this.state = GET_PAYLOAD_LENGTH_16;
    else if (this.payloadLength === 127) this.state = GET_PAYLOAD_LENGTH_64;
    else return this.haveLength();
    return true;
  }

  private getPayloadLength16(): boolean {
    if (this.buffered < 2) return false;
    this.payloadLength = (this.readByte() << 8) | this.readByte();
    return this.haveLength();
  }

  private getPayloadLength64(): boolean {
    if (this.buffered < 8) return false;
    const high = ((this.readByte() << 24) | (this.readByte() << 16) | (this.readByte() << 8) | this.readByte()) >>> 0;
    const low = ((this.readByte() << 24) | (this.readByte() << 16) | (this.readByte() << 8) | this.readByte()) >>> 0;
    // §5.2: "the most significant bit MUST be 0"
    if (high >= 0x80000000) return this.fail('KEEL_WS_LENGTH_HIGH_BIT', 1002, 'payload length high bit set');
    // Exact below 2^53; anything larger is far beyond maxPayload anyway.
    this.payloadLength = high * 0x100000000 + low;
    return this.haveLength();
  }

  /** The length is known: enforce the size limits before a byte of payload is read. */
  private haveLength(): boolean {
    if (this.opcode < 0x8) {
      if (this.opcode !== 0x0) {
        this.messageOpcode = this.opcode;
        this.fragments = 0;
        this.messageLength = 0;
        this.utf8State = UTF8_ACCEPT;
      }
      // Count every data frame, empty ones too (CVE-2026-48779).
      if (++this.fragments > this.limits.maxFragments) {
        return this.fail('KEEL_WS_TOO_MANY_FRAGMENTS', 1009, 'too many fragments');
      }
      // §10.4: "implementations SHOULD impose a limit on frame sizes and the total message size";
      // §7.4.1: 1009 "a message that is too big for it to process".
      if (this.messageLength + this.payloadLength > this.limits.maxPayload) {
        return this.fail('KEEL_WS_MESSAGE_TOO_LARGE', 1009, 'message too large');
      }
    }
    this.received = 0;
    this.state = this.masked ? GET_MASK : GET_DATA;
    return true;
  }

  private getMask(): boolean {
    if (this.buffered < 4) return false;
    this.maskKey = ((this.readByte() << 24) | (this.readByte() << 16) | (this.readByte() << 8) | this.readByte()) >>> 0;
    this.state = GET_DATA;
    return true;
  }

  private getData(): boolean {
    if (this.opcode >= 0x8) return this.getControlData();

    const remaining = this.payloadLength - this.received;
    if (remaining > 0) {
      if (this.buffered === 0) return false;
      const chunk = this.chunks[0];
      const start = this.offset;
      const end = start + Math.min(chunk.length - start, remaining);
      if (this.masked) applyMask(chunk, start, end, this.maskKey, this.received);
      this.skip(end - start);
      this.received += end - start;

      if (this.messageOpcode === 0x1) {
        // §8.1: text must be valid UTF-8; checked as bytes arrive, so an invalid sequence fails
        // the connection before the rest of the message is sent.
        this.utf8State = validateUtf8(this.utf8State, chunk, start, end);
        if (this.utf8State === UTF8_REJECT) return this.fail('KEEL_WS_INVALID_UTF8', 1007, 'invalid UTF-8 in text message');
      }

      if (this.fin && this.fragments === 1 && end - start === this.payloadLength) {
        // Fast path: a whole unfragmented message in one chunk, delivered without a copy.
        this.messageLength = this.payloadLength;
        return this.deliver(chunk, start, end);
      }
      this.keep(chunk, start, end);
      if (this.stopped) return false;
      if (this.received < this.payloadLength) return this.buffered > 0;
    }

    // The frame is complete.
    this.state = GET_INFO;
    if (!this.fin) return true;
    this.flushTail();
    const pieces = this.pieces;
    const message = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, this.messageLength);
    return this.deliver(message, 0, message.length);
  }

  /** Hands a finished message to the sink. */
  private deliver(buf: Buffer, start: number, end: number): boolean {
    const isText = this.messageOpcode === 0x1;
    if (isText && this.utf8State !== UTF8_ACCEPT) {
      // The message ended inside a multi-byte sequence.
      return this.fail('KEEL_WS_INVALID_UTF8', 1007, 'invalid UTF-8 in text message');
    }
    this.resetMessage();
    this.state = GET_INFO;
    if (isText) this.sink.onFrameMessage(buf.toString('utf8', start, end), false);
    else this.sink.onFrameMessage(start === 0 && end === buf.length ? buf : buf.subarray(start, end), true);
    return true;
  }

  /**
   * Keeps a piece of an unfinished message. A piece that is most of its chunk is kept as a view;
   * a small piece is copied into an owned buffer, so tiny fragments interleaved with other frames
   * cannot pin large chunks (CVE-2026-48779). What is held is counted against the limit.
   */
  private keep(chunk: Buffer, start: number, end: number): void {
    const n = end - start;
    if (n === 0) return;
    this.messageLength += n;
    if (n * 2 >= chunk.length) {
      this.flushTail();
      this.addPiece(chunk.subarray(start, end));
      this.retained += chunk.length;
    } else {
      if (this.tail === null || this.tail.length - this.tailUsed < n) {
        this.flushTail();
        // Never more than the message may still hold; only the written part is ever read.
        const room = this.limits.maxPayload - this.messageLength + n;
        this.tail = Buffer.allocUnsafe(Math.min(Math.max(n, TAIL_MIN, Math.min(this.messageLength, TAIL_MAX)), room));
        this.tailStart = this.tailUsed = 0;
        this.retained += this.tail.length;
      }
      chunk.copy(this.tail, this.tailUsed, start, end);
      this.tailUsed += n;
    }
    if (this.retained > this.limits.maxBufferedMessageBytes) {
      this.fail('KEEL_WS_TOO_MUCH_BUFFERED', 1009, 'too much buffered for one message');
    }
  }

  private addPiece(piece: Buffer): void {
    if (this.pieces.length === 0) this.pieces = [piece];
    else this.pieces.push(piece);
  }

  private flushTail(): void {
    if (this.tail !== null && this.tailUsed > this.tailStart) {
      this.addPiece(this.tail.subarray(this.tailStart, this.tailUsed));
      this.tailStart = this.tailUsed;
    }
  }

  private resetMessage(): void {
    this.messageOpcode = 0;
    this.messageLength = 0;
    this.fragments = 0;
    this.utf8State = UTF8_ACCEPT;
    if (this.pieces.length !== 0) this.pieces = NONE;
    this.tail = null;
    this.tailStart = this.tailUsed = 0;
    this.retained = 0;
  }

  /** Control frames (≤ 125 bytes) are read whole, possibly between fragments of a message (§5.4). */
  private getControlData(): boolean {
    const length = this.payloadLength;
    if (this.buffered < length) return false;
    const payload = length === 0 ? EMPTY : this.take(length);
    if (this.masked && length !== 0) applyMask(payload, 0, length, this.maskKey, 0);
    this.state = GET_INFO;

    if (this.opcode === 0x9) this.sink.onFramePing(payload);
    else if (this.opcode === 0xa) this.sink.onFramePong(payload);
    else return this.closeFrame(payload);
    return true;
  }

  private closeFrame(payload: Buffer): boolean {
    if (payload.length === 0) {
      this.stop();
      this.sink.onFrameClose(CLOSE_NO_STATUS, '');
      return false;
    }
    // §5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned
    // integer" — a 1-byte body cannot be one.
    if (payload.length === 1) return this.fail('KEEL_WS_INVALID_CLOSE_PAYLOAD', 1002, 'invalid close frame payload');
    const code = payload.readUInt16BE(0);
    // §7.4.1: 1005, 1006, 1015 "MUST NOT be set as a status code in a Close control frame".
    if (!isValidCloseCode(code)) return this.fail('KEEL_WS_INVALID_CLOSE_CODE', 1002, 'invalid close code');
    // §5.5.1: the reason "is not guaranteed to be human readable" but is UTF-8 encoded data.
    if (validateUtf8(UTF8_ACCEPT, payload, 2, payload.length) !== UTF8_ACCEPT) {
      return this.fail('KEEL_WS_INVALID_UTF8', 1007, 'invalid UTF-8 in close reason');
    }
    this.stop();
    this.sink.onFrameClose(code, payload.toString('utf8', 2));
    return false;
  }

  private fail(code: WebSocketErrorCode, closeCode: number, message: string): false {
    this.stop();
    this.sink.onFrameError(new WebSocketError(code, closeCode, message));
    return false;
  }
}

const EMPTY = Buffer.alloc(0);
/**
 * The empty list every decoder starts with and returns to, shared: idle connections hold no
 * arrays of their own. Never written to (a list is replaced by `[item]` when it is empty).
 */
const NONE: Buffer[] = [];
