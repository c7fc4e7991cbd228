// Incremental, fail-fast UTF-8 validation (RFC 3629 §4 grammar), for text frames and close reasons
// (RFC 6455 §5.6, §8.1). The state survives between calls, so a sequence split across chunks or
// fragments is checked correctly, and an invalid byte is reported as soon as it arrives.

import { isUtf8 } from 'node:buffer';

// RFC 3629 §4:
//   UTF8-1 = %x00-7F
//   UTF8-2 = %xC2-DF UTF8-tail
//   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
//            %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
//   UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
//            %xF4 %x80-8F 2( UTF8-tail )
//   UTF8-tail = %x80-BF
// The states below are the positions in that grammar. E0 forbids overlong 3-byte forms, ED forbids
// UTF-16 surrogates (U+D800-DFFF), F0 forbids overlong 4-byte forms, F4 forbids code points above
// U+10FFFF; C0, C1 and F5-FF never start a sequence.

/** Between characters: the only state in which a message may end. */
export const UTF8_ACCEPT = 0;
const NEED_1 = 1; // one more UTF8-tail
const NEED_2 = 2; // two more UTF8-tail
const NEED_3 = 3; // three more UTF8-tail
const AFTER_E0 = 4; // next byte %xA0-BF, then one tail
const AFTER_ED = 5; // next byte %x80-9F, then one tail
const AFTER_F0 = 6; // next byte %x90-BF, then two tails
const AFTER_F4 = 7; // next byte %x80-8F, then two tails
/** An invalid sequence was seen; terminal. */
export const UTF8_REJECT = 8;

/** One step of the state machine: the state after `byte`. */
function step(state: number, byte: number): number {
  switch (state) {
    case UTF8_ACCEPT:
      if (byte < 0x80) return UTF8_ACCEPT;
      if (byte < 0xc2) return UTF8_REJECT; // stray tail, or overlong C0/C1
      if (byte < 0xe0) return NEED_1;
      if (byte === 0xe0) return AFTER_E0;
      if (byte === 0xed) return AFTER_ED;
      if (byte < 0xf0) return NEED_2;
      if (byte === 0xf0) return AFTER_F0;
      if (byte < 0xf4) return NEED_3;
      if (byte === 0xf4) return AFTER_F4;
      return UTF8_REJECT;
    case NEED_1:
      return byte >= 0x80 && byte <= 0xbf ? UTF8_ACCEPT : UTF8_REJECT;
    case NEED_2:
      return byte >= 0x80 && byte <= 0xbf ? NEED_1 : UTF8_REJECT;
    case NEED_3:
      return byte >= 0x80 && byte <= 0xbf ? NEED_2 : UTF8_REJECT;
    case AFTER_E0:
      return byte >= 0xa0 && byte <= 0xbf ? NEED_1 : UTF8_REJECT;
    case AFTER_ED:
      return byte >= 0x80 && byte <= 0x9f ? NEED_1 : UTF8_REJECT;
    case AFTER_F0:
      return byte >= 0x90 && byte <= 0xbf ? NEED_2 : UTF8_REJECT;
    case AFTER_F4:
      return byte >= 0x80 && byte <= 0x8f ? NEED_2 : UTF8_REJECT;
    default:
      return UTF8_REJECT;
  }
}

/** Above this many bytes, the bulk of a chunk is checked by Node's native `isUtf8`. */
const NATIVE_THRESHOLD = 256;

/**
 * Feeds `buf[start, end)` to the validator in `state` and returns the new state
 * (UTF8_REJECT as soon as an invalid byte is seen). A message is valid when the final state is
 * UTF8_ACCEPT.
 */
export function validateUtf8(state: number, buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (state === UTF8_ACCEPT) {
    if (end - start >= NATIVE_THRESHOLD) {
      // Large piece: let native code check everything up to the last lead byte that may start an
      // incomplete sequence (at most 3 tail bytes back), and step through the rest by hand, so the
      // state carries into the next piece.
      let k = end - 1;
      let back = 0;
      while (back < 3 && (buf[k] & 0xc0) === 0x80) {
        k--;
        back++;
      }
      const cut = buf[k] >= 0xc0 ? k : end;
      if (!isUtf8(buf.subarray(start, cut))) return UTF8_REJECT;
      i = cut;
    } else {
      // Small piece: ASCII needs no state, skip it quickly.
      while (i < end && buf[i] < 0x80) i++;
    }
  }
  for (; i < end; i++) {
    state = step(state, buf[i]);
    if (state === UTF8_REJECT) return UTF8_REJECT;
  }
  return state;
}

/** Whether the whole of `buf` is valid UTF-8. */
export function isValidUtf8(buf: Uint8Array): boolean {
  return validateUtf8(UTF8_ACCEPT, buf, 0, buf.length) === UTF8_ACCEPT;
}
