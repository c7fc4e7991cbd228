// Appends a field name to a response's Vary header (RFC 9110 §12.5.5) without duplicating it:
// the header-value logic is lib/http/vary.ts's, shared with res.vary().

import type { ServerResponse } from 'node:http';
import { appendVary as appendVaryValue } from '../http/vary.js';

export function appendVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('Vary');
  const value = current === undefined ? '' : Array.isArray(current) ? current.join(', ') : String(current);
  const next = appendVaryValue(value, field);
  if (next !== value) res.setHeader('Vary', next);
}
