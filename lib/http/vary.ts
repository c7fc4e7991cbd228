// The Vary response header (RFC 9110 §12.5.5): adds field names to it without duplicates
// (compared case-insensitively), and collapses to "*" when any field is "*".

import { isTokenChar } from './content-type.js';

function parseList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i === value.length ? 0x2c : value.charCodeAt(i);
    if (c === 0x2c) {
      const item = value.slice(start, i).trim();
      if (item !== '') out.push(item);
      start = i + 1;
    }
  }
  return out;
}

function isFieldName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) if (!isTokenChar(name.charCodeAt(i))) return false;
  return true;
}

/**
 * The Vary value after adding `field` (a name, a comma-separated list or an array) to `current`.
 * Throws a TypeError for a name that is not a header field name.
 */
export function appendVary(current: string, field: string | readonly string[]): string {
  const fields = typeof field === 'string' ? parseList(field) : field;
  for (const name of fields) {
    if (!isFieldName(name)) throw new TypeError(`Vary: invalid header field name ${JSON.stringify(name)}`);
  }
  if (current === '*') return current;
  const present = parseList(current.toLowerCase());
  if (fields.includes('*') || present.includes('*')) return '*';
  let value = current;
  for (const name of fields) {
    const lower = name.toLowerCase();
    if (!present.includes(lower)) {
      present.push(lower);
      value = value === '' ? name : value + ', ' + name;
    }
  }
  return value;
}
