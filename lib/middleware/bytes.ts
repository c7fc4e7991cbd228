// Byte sizes for limits: a number of bytes, or a string such as '100kb', '1.5mb', '512b'
// (units are powers of 1024, as in the `bytes` package Express users know).

import { describe } from '../http/describe.js';

const UNITS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
});

/**
 * Parses a size option. Throws a TypeError for anything that is not a non-negative finite size,
 * so a typo can never silently disable a limit (GHSA-v422-hmwv-36x6).
 */
export function parseBytes(value: unknown, optionName = 'limit'): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return Math.floor(value);
  } else if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    // Runs on configuration only, never on client input; hand-scanned anyway: digits[.digits] unit?
    let i = 0;
    while (i < s.length && ((s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) || s.charCodeAt(i) === 46)) i++;
    const num = s.slice(0, i);
    const unit = s.slice(i).trim() || 'b';
    const factor = UNITS[unit];
    if (num !== '' && num !== '.' && num.indexOf('.') === num.lastIndexOf('.') && factor !== undefined) {
      const n = Number(num) * factor;
      if (Number.isFinite(n)) return Math.floor(n);
    }
  }
  throw new TypeError(`option ${optionName} must be a non-negative number of bytes or a string like '100kb', got ${describe(value)}`);
}

