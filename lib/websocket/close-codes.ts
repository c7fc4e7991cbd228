// Close status codes, RFC 6455 §7.4 and the IANA "WebSocket Close Code Number Registry".

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_UNSUPPORTED_DATA = 1003;
/** Reserved: "no status code was actually present". Never sent on the wire (§7.4.1). */
export const CLOSE_NO_STATUS = 1005;
/** Reserved: "the connection was closed abnormally". Never sent on the wire (§7.4.1). */
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_INVALID_PAYLOAD = 1007;
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_MESSAGE_TOO_BIG = 1009;
export const CLOSE_INTERNAL_ERROR = 1011;

/**
 * Whether `code` may appear in a Close frame, sent or received.
 * RFC 6455 §7.4.1/§7.4.2: 0-999 are not used; 1004, 1005, 1006 and 1015 are reserved and "MUST NOT
 * be set as a status code in a Close control frame"; 1000-2999 belong to the protocol and only the
 * IANA-registered ones (1000-1003, 1007-1014) are meaningful; 3000-4999 belong to libraries and
 * applications; 5000 and up are undefined.
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}
