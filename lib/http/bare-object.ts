// Objects keyed by names from the outside (route params, res.locals, the query) must inherit
// nothing: a key named '__proto__' or 'constructor' is an ordinary own key, and no lookup falls
// through to Object.prototype. Object.create(null) gives that, but V8 keeps such objects in slow
// dictionary mode: making one, adding a key and reading it back cost about a microsecond per
// routed request (measured with spec/bench/inprocess.mjs mw). Objects made by `new BareObject()`
// have fast properties, and their prototype is a frozen empty object whose own prototype is null:
// nothing is inherited and there is no Object.prototype '__proto__' setter in the chain. (The
// `cookie` package uses the same pattern, and so does lib/cookie/parse.ts with its own copy, since
// lib/cookie depends on no other part of Keel.)

const BARE_PROTOTYPE = Object.freeze(Object.create(null) as Record<string, unknown>);

type BareConstructor = new () => Record<string, unknown>;

function bareConstructor(): BareConstructor {
  const BareObject = function BareObject() {} as unknown as BareConstructor;
  BareObject.prototype = BARE_PROTOTYPE;
  return BareObject;
}

const BareObject = bareConstructor();

/** A new empty object that inherits nothing and keeps fast properties (see above). */
export function bareObject<T extends object = Record<string, unknown>>(): T {
  return new BareObject() as T;
}

/**
 * A maker of bare objects with a constructor of its own, for objects of a different size from
 * the per-request ones. V8 gives every object of one constructor the size that the largest of its
 * first few objects needed (in-object slack tracking). An app's settings (a dozen keys, and the
 * first bare object made) once gave every params and locals object of every request room for a
 * dozen keys: about 100 bytes each instead of 16 (measured with the inspector's allocation
 * sampling).
 */
export function bareObjectMaker<T extends object = Record<string, unknown>>(): () => T {
  const Own = bareConstructor();
  return () => new Own() as T;
}
