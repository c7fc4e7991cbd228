// Content-Disposition for res.attachment() (RFC 6266 §4, with RFC 8187 `filename*` for names that
// are not plain ASCII, and an ASCII `filename` fallback for old clients, RFC 6266 appendix D).
import { Buffer } from 'node:buffer';

/** The last path segment of a name: directories never reach the header. */
export function baseName(path: string): string {
  let end = path.length;
  while (end > 0 && (path.charCodeAt(end - 1) === 0x2f || path.charCodeAt(end - 1) === 0x5c)) end--;
  let start = end;
  while (start > 0 && path.charCodeAt(start - 1) !== 0x2f && path.charCodeAt(start - 1) !== 0x5c) start--;
  return path.slice(start, end);
}

/** RFC 8187 §3.2.1 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" */
function isAttrChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x21 || c === 0x23 || c === 0x24 || c === 0x26 || c === 0x2b || c === 0x2d || c === 0x2e ||
    c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e;
}

function encodeExtValue(value: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(value, 'utf8')) {
    out += isAttrChar(byte) ? String.fromCharCode(byte) : '%' + (byte < 16 ? '0' : '') + byte.toString(16).toUpperCase();
  }
  return out;
}

/** `attachment` or `attachment; filename="name"`, plus `filename*` when the name is not plain ASCII. */
export function contentDisposition(filename: string | undefined, type = 'attachment'): string {
  if (filename === undefined) return type;
  const name = baseName(filename);
  let fallback = '';
  let plain = true;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      plain = false;
      fallback += '?';
      if (c >= 0xd800 && c <= 0xdbff) i++; // one '?' for a surrogate pair
    } else if (c === 0x22 || c === 0x5c) {
      fallback += '\\' + name[i]; // quoted-pair (RFC 9110 §5.6.4)
    } else {
      fallback += name[i];
    }
  }
  // '%' escapes in a plain filename are read as escapes by some clients: give filename* too.
  if (plain && name.indexOf('%') === -1) return `${type}; filename="${fallback}"`;
  return `${type}; filename="${fallback}"; filename*=${encodeExtValue(name)}`;
}
