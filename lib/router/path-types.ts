// RouteParams<'/users/:id'>: the params type computed from a path string literal at compile time,
// by a small tail-recursive parser over template literal types that follows path-parse.ts:
// `:name` gives a string, `*name` an array of segments, anything inside `{...}` (or `:name?`) is
// optional. A path that is not a literal (a `string`, a RegExp, an array) gives the general Params.

import type { Params } from '../http/request.js';

/** Characters that end an unquoted name (identifiers cannot contain them). */
type NameEnd =
  | '/' | '-' | '.' | '{' | '}' | ':' | '*' | '?' | '\\' | '(' | ')' | '[' | ']' | ' ' | ',' | ';'
  | '@' | '&' | '=' | '+' | '!' | '~' | "'" | '"' | '#' | '%' | '|' | '<' | '>' | '^' | '`';

/** Splits S into [name, rest] at the first NameEnd character. */
type TakeName<S extends string, Name extends string = ''> =
  S extends `${infer C}${infer Rest}`
    ? C extends NameEnd ? [Name, S] : TakeName<Rest, `${Name}${C}`>
    : [Name, S];

/** One parsed key: name, value type, optional or not. */
interface Key<K extends string, V, O extends boolean> { k: K; v: V; o: O }

type Nested<Depth extends unknown[]> = Depth extends [] ? false : true;

/** After a `:param` name: Express 4's `?` makes it optional. */
type AfterParam<Name extends string, Rest extends string, Depth extends unknown[], Bare extends unknown[], Acc> =
  Rest extends `?${infer R}`
    ? Parse<R, Depth, Bare, Acc | Key<Name, string, true>>
    : Parse<Rest, Depth, Bare, Acc | Key<Name, string, Nested<Depth>>>;

type AfterWildcard<Taken extends [string, string], Depth extends unknown[], Bare extends unknown[], Acc> =
  Taken[0] extends ''
    ? Parse<Taken[1], Depth, [...Bare, 0], Acc | Key<`${Bare['length']}`, string[], Nested<Depth>>>
    : Parse<Taken[1], Depth, Bare, Acc | Key<Taken[0], string[], Nested<Depth>>>;

/** Depth: one element per open `{`; Bare: one per bare `*` seen (they are named '0', '1' ...). */
type Parse<S extends string, Depth extends unknown[], Bare extends unknown[], Acc> =
  S extends `\\${infer _Escaped}${infer Rest}` ? Parse<Rest, Depth, Bare, Acc>
  : S extends `{${infer Rest}` ? Parse<Rest, [...Depth, 0], Bare, Acc>
  : S extends `}${infer Rest}` ? Parse<Rest, Depth extends [unknown, ...infer D] ? D : [], Bare, Acc>
  : S extends `:"${infer Name}"${infer Rest}` ? AfterParam<Name, Rest, Depth, Bare, Acc>
  : S extends `:${infer Rest}` ? AfterParam<TakeName<Rest>[0], TakeName<Rest>[1], Depth, Bare, Acc>
  : S extends `*"${infer Name}"${infer Rest}` ? AfterWildcard<[Name, Rest], Depth, Bare, Acc>
  : S extends `*${infer Rest}` ? AfterWildcard<TakeName<Rest>, Depth, Bare, Acc>
  : S extends `${infer _Char}${infer Rest}` ? Parse<Rest, Depth, Bare, Acc>
  : Acc;

type Build<Keys> = {
  [E in Keys as E extends Key<infer K, unknown, false> ? K : never]: E extends Key<string, infer V, boolean> ? V : never;
} & {
  [E in Keys as E extends Key<infer K, unknown, true> ? K : never]?: E extends Key<string, infer V, boolean> ? V : never;
};

/** Flattens an intersection into one object type, for readable hovers and errors. */
type Flatten<T> = { [K in keyof T]: T[K] };

/**
 * The params of a path: `RouteParams<'/users/:id'>` is `{ id: string }`,
 * `RouteParams<'/files/*path'>` is `{ path: string[] }`, `RouteParams<'/users{/:id}'>` is
 * `{ id?: string }`. Any non-literal path gives `Params`.
 */
export type RouteParams<Path> = Path extends string
  ? string extends Path
    ? Params
    : Flatten<Build<Parse<Path, [], [], never>>>
  : Params;
