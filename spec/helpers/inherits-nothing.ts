// Whether an object inherits nothing: its prototype chain holds no keys and ends in null within
// one step. Both forms Keel uses pass: Object.create(null), and the fast-property objects of
// lib/http/bare-object.ts and parseCookie() (an empty null-prototype object as their prototype).

export function inheritsNothing(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as object | null;
  return proto === null || (Object.getPrototypeOf(proto) === null && Reflect.ownKeys(proto).length === 0);
}
