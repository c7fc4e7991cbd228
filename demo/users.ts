// Users of the demo: a display name and a password chosen at the first sign-in. Passwords are kept
// only as crypto.scrypt hashes with a random 16-byte salt each, and compared in constant time.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { DataStore, StoredUser } from './store.js';

export const NAME_MAX = 32;
export const PASSWORD_MIN = 6;
export const PASSWORD_MAX = 200;

/** scrypt cost: N = 2^14, r = 8, p = 1 (about 16 MiB and a few tens of ms per hash). */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_SCRYPT: ScryptCost = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 64;

export type SignInResult =
  | { ok: true; name: string; created: boolean }
  | { ok: false; code: 'bad_name' | 'bad_password' | 'wrong_password' | 'busy'; message: string };

/**
 * Most sign-ins hashing at once. scrypt is slow on purpose (tens of ms, 16 MiB each); past this
 * many, a sign-in is answered "busy" at once instead of queueing without bound.
 */
export const MAX_PENDING_SIGN_INS = 64;

function hash(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A display name after trimming, or an error message. Control and bidi-override characters are refused. */
export function checkName(input: unknown): { name: string } | { error: string } {
  if (typeof input !== 'string') return { error: 'Choose a display name.' };
  const name = input.normalize('NFC').trim();
  if (name.length === 0) return { error: 'Choose a display name.' };
  if (name.length > NAME_MAX) return { error: `A display name has at most ${NAME_MAX} characters.` };
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // C0/C1 controls, and the bidi embedding/override/isolate controls that could reorder a line.
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      return { error: 'A display name cannot contain control characters.' };
    }
  }
  return { name };
}

/** The key a name is stored under: two people cannot be 'Ada' and 'ada'. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

export class Users {
  readonly #store: DataStore;
  readonly #cost: ScryptCost;
  /** Sign-ins creating a given name right now, so two first sign-ins cannot both create it. */
  readonly #creating = new Map<string, Promise<SignInResult>>();
  #pending = 0;

  constructor(store: DataStore, cost: ScryptCost = DEFAULT_SCRYPT) {
    this.#store = store;
    this.#cost = cost;
  }

  get count(): number {
    return Object.keys(this.#store.data.users).length;
  }

  /** The stored display name for `name`, if such a user exists. */
  find(name: string): string | undefined {
    return this.#store.data.users[nameKey(name)]?.name;
  }

  /** Signs in `name` with `password`; the first sign-in of a name creates the user with that password. */
  async signIn(nameInput: unknown, password: unknown): Promise<SignInResult> {
    const checked = checkName(nameInput);
    if ('error' in checked) return { ok: false, code: 'bad_name', message: checked.error };
    if (typeof password !== 'string' || password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
      return { ok: false, code: 'bad_password', message: `A password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.` };
    }
    if (this.#pending >= MAX_PENDING_SIGN_INS) {
      return { ok: false, code: 'busy', message: 'Too many sign-ins at once; try again in a moment.' };
    }
    this.#pending++;
    try {
      return await this.#signIn(checked.name, password);
    } finally {
      this.#pending--;
    }
  }

  async #signIn(name: string, password: string): Promise<SignInResult> {
    const key = nameKey(name);
    const pending = this.#creating.get(key);
    if (pending !== undefined) await pending.catch(() => undefined);
    const user = this.#store.data.users[key];
    if (user !== undefined) return this.#verify(user, password);
    const creation = this.#create(key, name, password);
    this.#creating.set(key, creation);
    try {
      return await creation;
    } finally {
      this.#creating.delete(key);
    }
  }

  async #create(key: string, name: string, password: string): Promise<SignInResult> {
    const salt = randomBytes(16);
    const derived = await hash(password, salt, this.#cost);
    const user: StoredUser = {
      name,
      salt: salt.toString('base64'),
      hash: derived.toString('base64'),
      N: this.#cost.N,
      r: this.#cost.r,
      p: this.#cost.p,
      createdAt: Date.now(),
    };
    this.#store.data.users[key] = user;
    this.#store.changed();
    return { ok: true, name, created: true };
  }

  async #verify(user: StoredUser, password: string): Promise<SignInResult> {
    const expected = Buffer.from(user.hash, 'base64');
    const derived = await hash(password, Buffer.from(user.salt, 'base64'), user);
    // Same length by construction; timingSafeEqual takes as long whatever the first differing byte.
    if (derived.length === expected.length && timingSafeEqual(derived, expected)) {
      return { ok: true, name: user.name, created: false };
    }
    return { ok: false, code: 'wrong_password', message: 'That name is taken and the password does not match.' };
  }
}
