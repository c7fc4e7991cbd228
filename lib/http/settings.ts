// The app settings Request and Response read, with the defaults the app gives them, so a Request
// still works when no app was attached (a plain node:http server, or a test).

import type { RequestApp } from './request.js';

/** Trust function compiled from the `trust proxy` setting: (address, hop index) => trusted. */
export type TrustFunction = (address: string, hop: number) => boolean;

const trustNone: TrustFunction = () => false;

/** 'trust proxy fn': the compiled trust function; trusting nobody when unset. */
export function trustOf(app: RequestApp | undefined): TrustFunction {
  const fn = app === undefined ? undefined : app.get('trust proxy fn');
  return typeof fn === 'function' ? (fn as TrustFunction) : trustNone;
}

/** Reads a setting, or `fallback` when there is no app or the setting is undefined. */
export function settingOf<T>(app: RequestApp | undefined, name: string, fallback: T): T | unknown {
  if (app === undefined) return fallback;
  // A Keel app's settings object is read directly: app.get() is also the route method, and sorts
  // its arguments out on every call. Other apps (an Express app, a test double) go through get().
  const settings = app.settings;
  const value = settings !== undefined ? settings[name] : app.get(name);
  return value === undefined ? fallback : value;
}
