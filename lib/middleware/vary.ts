// Appends a field name to the Vary header (RFC 9110 §12.5.5) without duplicating it.

import type { ServerResponse } from 'node:http';

export function appendVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('Vary');
  if (current === undefined) {
    res.setHeader('Vary', field);
    return;
  }
  const value = Array.isArray(current) ? current.join(', ') : String(current);
  if (value.trim() === '*') return;
  const lower = field.toLowerCase();
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(',', start);
    if (end === -1) end = value.length;
    const name = value.slice(start, end).trim().toLowerCase();
    if (name === lower || name === '*') return;
    start = end + 1;
  }
  res.setHeader('Vary', value.length === 0 ? field : value + ', ' + field);
}
