// The app settings Keel reads (Express's names), their defaults, and their validation.

import { compileTrust } from './http/proxy.js';
import { bareObjectMaker } from './http/bare-object.js';

/**
 * Settings Keel reads, with their defaults (Express's names). The object inherits nothing (a
 * setting named 'constructor' is just a setting) and keeps fast properties: responses read it on
 * every request (http/bare-object.ts). Settings have a constructor of their own, so per-request
 * bare objects are not made settings-sized (bareObjectMaker()).
 */
const newSettings = bareObjectMaker();

export function defaultSettings(): Record<string, unknown> {
  const s = newSettings();
  s['env'] = process.env['NODE_ENV'] || 'development';
  s['x-powered-by'] = false;
  s['etag'] = 'weak';
  s['trust proxy'] = false;
  s['trust proxy fn'] = compileTrust(false);
  s['subdomain offset'] = 2;
  s['query parameter limit'] = 1000;
  s['json spaces'] = undefined;
  s['json replacer'] = undefined;
  s['json escape'] = false;
  s['case sensitive routing'] = false;
  s['strict routing'] = false;
  return s;
}

/** Checks a setting's value when it is set: a bad value is a TypeError now, not a surprise later. */
export function checkSetting(name: string, value: unknown): void {
  const fail = (what: string): never => {
    throw new TypeError(`app.set('${name}'): expected ${what}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  };
  switch (name) {
    case 'x-powered-by':
    case 'case sensitive routing':
    case 'strict routing':
    case 'json escape':
      if (typeof value !== 'boolean') fail('a boolean');
      break;
    case 'env':
      if (typeof value !== 'string') fail('a string');
      break;
    case 'etag':
      // A function (body, encoding) => tag, as in Express, makes the tag itself.
      if (value !== true && value !== false && value !== 'weak' && value !== 'strong' && typeof value !== 'function') {
        fail("true, false, 'weak', 'strong' or a function");
      }
      break;
    case 'subdomain offset':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail('a non-negative integer');
      break;
    case 'query parameter limit':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail('a positive integer');
      break;
    case 'json spaces':
      if (value !== undefined && typeof value !== 'number' && typeof value !== 'string') fail('a number or string');
      break;
    case 'json replacer':
      if (value !== undefined && typeof value !== 'function' && !Array.isArray(value)) fail('a function or array');
      break;
    case 'trust proxy fn':
      if (typeof value !== 'function') fail('a function');
      break;
  }
}

