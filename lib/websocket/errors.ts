// WebSocketError: every protocol or usage failure of the WebSocket layer, with a stable `code`
// ('KEEL_WS_...') and the close code (RFC 6455 §7.4.1) the connection is failed with.

export type WebSocketErrorCode =
  | 'KEEL_WS_RSV_SET'
  | 'KEEL_WS_RESERVED_OPCODE'
  | 'KEEL_WS_FRAGMENTED_CONTROL'
  | 'KEEL_WS_CONTROL_TOO_LONG'
  | 'KEEL_WS_UNEXPECTED_CONTINUATION'
  | 'KEEL_WS_EXPECTED_CONTINUATION'
  | 'KEEL_WS_UNMASKED_FRAME'
  | 'KEEL_WS_MASKED_FRAME'
  | 'KEEL_WS_LENGTH_HIGH_BIT'
  | 'KEEL_WS_MESSAGE_TOO_LARGE'
  | 'KEEL_WS_TOO_MANY_FRAGMENTS'
  | 'KEEL_WS_TOO_MUCH_BUFFERED'
  | 'KEEL_WS_INVALID_UTF8'
  | 'KEEL_WS_INVALID_CLOSE_PAYLOAD'
  | 'KEEL_WS_INVALID_CLOSE_CODE'
  | 'KEEL_WS_BUFFER_OVERFLOW'
  | 'KEEL_WS_LISTENER_ERROR'
  | 'KEEL_WS_HANDSHAKE_FAILED'
  | 'KEEL_WS_HANDSHAKE_TIMEOUT';

export class WebSocketError extends Error {
  /** Stable machine-readable code. */
  readonly code: WebSocketErrorCode;
  /** The close code the connection is (or was) closed with, RFC 6455 §7.4.1. */
  readonly closeCode: number;

  constructor(code: WebSocketErrorCode, closeCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebSocketError';
    this.code = code;
    this.closeCode = closeCode;
  }
}
