// The general path matcher: the pattern compiled to a tiny instruction set and run by a Pike VM
// (Thompson NFA simulation with ordered threads, as in RE2). Every thread advances one character
// per step and at most one thread per instruction survives a step, so a match costs
// O(path length × program size) whatever the pattern: no backtracking, no expansion of optional
// groups, none of the ReDoS of CVE-2024-45296, CVE-2024-52798, CVE-2026-4926, CVE-2026-4923 or
// CVE-2024-45813. Threads are kept in priority order, which gives the same answer a backtracking
// regex would: greedy groups and wildcards, lazy params.
//
// Semantics (what the instructions below encode):
// - `:name` is one or more characters other than '/', LAZY: it stops at the first place where the
//   rest of the pattern can match. So '/:a-:b' on '/x-y-z' gives a='x', b='y-z', and a literal that
//   ends the segment must be found at the segment's end: '/:a.json' on '/x.json.json' gives
//   a='x.json'. A param that ends its segment always takes the whole rest of the segment.
// - `*name` is one or more characters, '/' included, GREEDY: '/*a/*b' on '/1/2/3' gives a='1/2', b='3'.
// - `{...}` is optional and greedy: the group is taken when the rest can still match.

import type { PathMatch, PathMatcher, PathOptions } from './path.js';
import type { PathToken, PreparedPath } from './path-parse.js';
import { buildParams } from './path-params.js';
import { literalAt, prefixLength } from './path-literal.js';

// Instruction opcodes. Plain small integers in a Uint8Array: the dispatch is a dense switch.
const CHAR = 0; //     consume one character equal to arg (folded when case-insensitive)
const NOT_SLASH = 1; // consume one character other than '/'
const ANY = 2; //       consume one character
const SPLIT = 3; //     continue at arg (preferred) and at arg2
const SAVE = 4; //      record the position in capture slot arg
const MATCH = 5; //     accept (if the end condition holds here)

const SLASH = 47;

class ProgramBuilder {
  ops: number[] = [];
  arg: number[] = [];
  arg2: number[] = [];

  emit(op: number, arg = 0, arg2 = 0): number {
    this.ops.push(op);
    this.arg.push(arg);
    this.arg2.push(arg2);
    return this.ops.length - 1;
  }

  emitTokens(tokens: readonly PathToken[], slotOf: ReadonlyMap<string, number>, fold: boolean): void {
    for (const token of tokens) {
      if (token.type === 'text') {
        for (let i = 0; i < token.value.length; i++) {
          let c = token.value.charCodeAt(i);
          if (fold && c >= 65 && c <= 90) c += 32;
          this.emit(CHAR, c);
        }
      } else if (token.type === 'group') {
        const split = this.emit(SPLIT);
        this.arg[split] = split + 1; // greedy: try the group first
        this.emitTokens(token.tokens, slotOf, fold);
        this.arg2[split] = this.ops.length;
      } else {
        const slot = 2 * (slotOf.get(token.name) as number);
        this.emit(SAVE, slot);
        const loop = this.emit(token.type === 'param' ? NOT_SLASH : ANY);
        const exit = loop + 2;
        // param: lazy (prefer leaving the loop); wildcard: greedy (prefer staying in it).
        if (token.type === 'param') this.emit(SPLIT, exit, loop);
        else this.emit(SPLIT, loop, exit);
        this.emit(SAVE, slot + 1);
      }
    }
  }
}

/** Copies one thread's capture row; a plain loop, since subarray() would allocate a view. */
function copyRow(from: Int32Array, offset: number, to: Int32Array, length: number): void {
  for (let i = 0; i < length; i++) to[i] = from[offset + i] as number;
}

export class VmMatcher implements PathMatcher {
  readonly keys: readonly string[];
  readonly firstSegment: string | undefined;
  readonly isStatic: boolean;
  private readonly wildcards: readonly boolean[];
  private readonly end: boolean;
  private readonly fold: boolean;
  /** The literal text every match starts with: checked before the VM starts. */
  private readonly prefix: string;
  private readonly ops: Uint8Array;
  private readonly arg: Int32Array;
  private readonly arg2: Int32Array;
  private readonly slots: number;
  // Preallocated run state, reused by every match() (JavaScript runs one match at a time), so
  // a failed match allocates nothing. Two thread lists, current and next, swapped every step.
  private readonly listPc: [Int32Array, Int32Array];
  private readonly listCaps: [Int32Array, Int32Array];
  private readonly mark: Uint32Array;
  private generation = 0;
  private readonly stack: Int32Array;
  private readonly work: Int32Array;
  private readonly found: Int32Array;

  constructor(path: PreparedPath, options: PathOptions) {
    const { tokens, keys } = path;
    this.keys = keys;
    this.wildcards = path.wildcards;
    this.firstSegment = path.firstSegment;
    this.isStatic = tokens.every((t) => t.type === 'text');
    this.end = options.end;
    this.fold = !options.caseSensitive;

    const slotOf = new Map<string, number>();
    keys.forEach((k, i) => slotOf.set(k, i));
    const b = new ProgramBuilder();
    b.emitTokens(tokens, slotOf, this.fold);
    if (options.end && !options.strict) {
      // Non-strict routes tolerate one trailing '/': SPLIT(slash, match) SLASH MATCH.
      const split = b.emit(SPLIT);
      b.emit(CHAR, SLASH);
      b.arg[split] = split + 1;
      b.arg2[split] = b.ops.length;
    }
    b.emit(MATCH);
    this.ops = Uint8Array.from(b.ops);
    this.arg = Int32Array.from(b.arg);
    this.arg2 = Int32Array.from(b.arg2);

    let prefix = '';
    for (let pc = 0; this.ops[pc] === CHAR; pc++) prefix += String.fromCharCode(b.arg[pc] as number);
    this.prefix = prefix;

    const size = b.ops.length;
    this.slots = 2 * keys.length;
    // Threads only rest on consuming instructions and MATCH: at most one per instruction.
    let resting = 0;
    for (const op of b.ops) if (op !== SPLIT && op !== SAVE) resting++;
    this.listPc = [new Int32Array(resting), new Int32Array(resting)];
    this.listCaps = [new Int32Array(resting * this.slots), new Int32Array(resting * this.slots)];
    this.mark = new Uint32Array(size);
    // Each instruction is expanded at most once per closure and pushes at most 3 entries.
    this.stack = new Int32Array(3 * size + 1);
    this.work = new Int32Array(this.slots);
    this.found = new Int32Array(this.slots);
  }

  match(path: string): PathMatch | null {
    // Cheapest rejection first: the pattern's literal prefix, compared natively.
    if (!literalAt(path, 0, this.prefix, !this.fold)) return null;
    const n = path.length;
    let cur = 0;
    let count = 0;
    let matchedAt = -1;
    this.nextGeneration();
    this.work.fill(-1);
    count = this.addThread(cur, 0, 0, 0, path);

    for (let pos = 0; count > 0; pos++) {
      let c = pos < n ? path.charCodeAt(pos) : -1;
      if (this.fold && c >= 65 && c <= 90) c += 32;
      const next = cur ^ 1;
      let nextCount = 0;
      this.nextGeneration();
      const pcs = this.listPc[cur];
      const caps = this.listCaps[cur];
      for (let t = 0; t < count; t++) {
        const pc = pcs[t] as number;
        const op = this.ops[pc];
        if (op === MATCH) {
          // The highest-priority thread still alive accepts here; lower ones are cut off,
          // higher ones (already moved to the next list) may still find a preferred match.
          copyRow(caps, t * this.slots, this.found, this.slots);
          matchedAt = pos;
          break;
        }
        if (c < 0) continue;
        if (op === CHAR ? c === this.arg[pc] : op === ANY || c !== SLASH) {
          copyRow(caps, t * this.slots, this.work, this.slots);
          nextCount = this.addThread(next, nextCount, pc + 1, pos + 1, path);
        }
      }
      cur = next;
      count = nextCount;
      if (pos >= n) break;
    }
    if (matchedAt < 0) return null;
    // accepts() already checked the boundary, so prefixLength() cannot fail here.
    const matched = this.end ? n : prefixLength(path, matchedAt);
    return { matched, params: buildParams(path, this.keys, this.wildcards, this.found) };
  }

  private nextGeneration(): void {
    if (++this.generation === 0xffffffff) {
      this.mark.fill(0);
      this.generation = 1;
    }
  }

  /**
   * Follows SPLIT/SAVE from `start` (the epsilon closure) in priority order with an explicit
   * stack, adding a thread to list `which` for every consuming instruction or accepting MATCH
   * reached; `this.work` holds the captures, restored as the walk unwinds. Returns the new count.
   */
  private addThread(which: number, count: number, start: number, pos: number, path: string): number {
    const stack = this.stack;
    const work = this.work;
    const generation = this.generation;
    let sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
      const top = stack[--sp] as number;
      if (top < 0) {
        // A restore entry: [value, -(slot + 1)].
        work[-top - 1] = stack[--sp] as number;
        continue;
      }
      if (this.mark[top] === generation) continue;
      this.mark[top] = generation;
      const op = this.ops[top];
      if (op === SPLIT) {
        stack[sp++] = this.arg2[top] as number;
        stack[sp++] = this.arg[top] as number; // popped first: preferred
      } else if (op === SAVE) {
        const slot = this.arg[top] as number;
        stack[sp++] = work[slot] as number;
        stack[sp++] = -slot - 1;
        work[slot] = pos;
        stack[sp++] = top + 1;
      } else {
        if (op === MATCH && !this.accepts(path, pos)) continue;
        this.listPc[which][count] = top;
        this.listCaps[which].set(work, count * this.slots);
        count++;
      }
    }
    return count;
  }

  /** end: the whole path; otherwise a prefix ending at a '/' boundary ('/admin' not in '/adminx'). */
  private accepts(path: string, pos: number): boolean {
    if (pos === path.length) return true;
    return !this.end && prefixLength(path, pos) >= 0;
  }
}
