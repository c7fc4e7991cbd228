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
import { CaptureStore } from './path-captures.js';

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

/**
 * Epsilon closures, precomputed: for every instruction a thread can continue at (the start, and
 * the one after each consuming instruction), the depth-first walk through SPLIT and SAVE that the
 * textbook Pike VM does at run time, laid out as a flat array in visiting (priority) order. Each
 * item is an instruction; `skip` is the index just past the items below it, so when the run finds
 * an item already visited in this step (by a higher-priority thread), it skips everything under
 * it in O(1), exactly as the textbook walk stops there. Resting items (consuming instructions and
 * MATCH) carry the capture slots the SAVEs on their way set. A step thus costs O(program size),
 * with no stack and no walk over SPLITs already seen. The tables themselves can grow with the
 * square of the program for long chains of optional groups: bounded by MAX_PATTERN_LENGTH (the
 * worst allowed pattern, 682 groups, takes ~5 MB and tens of ms to compile, once).
 */
class Closures {
  /** For each pc: first item index of its closure, -1 when no thread ever continues there. */
  readonly first: Int32Array;
  /** For each pc: one past its last item. */
  readonly last: Int32Array;
  readonly pc: Int32Array;
  readonly skip: Int32Array;
  /** Item i sets slots savedSlots[saveFirst[i]] .. savedSlots[saveFirst[i + 1] - 1]. */
  readonly saveFirst: Int32Array;
  readonly savedSlots: Int32Array;

  constructor(ops: readonly number[], arg: readonly number[], arg2: readonly number[]) {
    const size = ops.length;
    const first = new Int32Array(size + 1).fill(-1);
    const last = new Int32Array(size + 1).fill(-1);
    const pcs: number[] = [];
    const skip: number[] = [];
    const saveFirst: number[] = [];
    const savedSlots: number[] = [];
    const seen = new Int32Array(size).fill(-1);
    const walk = (start: number, pc: number, saves: number[]): void => {
      // Depth is bounded by the program size (at most a few thousand instructions).
      if (seen[pc] === start) return;
      seen[pc] = start;
      const item = pcs.length;
      pcs.push(pc);
      skip.push(0);
      saveFirst.push(savedSlots.length);
      const op = ops[pc];
      if (op === SPLIT) {
        walk(start, arg[pc] as number, saves);
        walk(start, arg2[pc] as number, saves);
      } else if (op === SAVE) {
        walk(start, pc + 1, [...saves, arg[pc] as number]);
      } else {
        savedSlots.push(...saves);
      }
      skip[item] = pcs.length;
    };
    for (let pc = 0; pc < size; pc++) {
      if (pc !== 0 && !isConsuming(ops[pc - 1] as number)) continue;
      first[pc] = pcs.length;
      walk(pc, pc, []);
      last[pc] = pcs.length;
    }
    saveFirst.push(savedSlots.length);
    this.first = first;
    this.last = last;
    this.pc = Int32Array.from(pcs);
    this.skip = Int32Array.from(skip);
    this.saveFirst = Int32Array.from(saveFirst);
    this.savedSlots = Int32Array.from(savedSlots);
  }
}

function isConsuming(op: number): boolean {
  return op === CHAR || op === NOT_SLASH || op === ANY;
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
  private readonly closures: Closures;
  // Preallocated run state, reused by every match() (JavaScript runs one match at a time), so
  // a failed match allocates nothing. Two thread lists, current and next, swapped every step:
  // a thread is its pc plus its chain of captures in `captures`.
  private readonly listPc: [Int32Array, Int32Array];
  private readonly listNode: [Int32Array, Int32Array];
  private readonly captures: CaptureStore;
  /** mark[pc] === generation: a thread already rests at pc in the list being built. */
  private readonly mark: Uint32Array;
  private generation = 0;
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
    this.closures = new Closures(b.ops, b.arg, b.arg2);

    let prefix = '';
    for (let pc = 0; this.ops[pc] === CHAR; pc++) prefix += String.fromCharCode(b.arg[pc] as number);
    this.prefix = prefix;

    // Threads only rest on consuming instructions and MATCH: at most one per instruction.
    let resting = 0;
    for (const op of b.ops) if (op !== SPLIT && op !== SAVE) resting++;
    this.listPc = [new Int32Array(resting), new Int32Array(resting)];
    this.listNode = [new Int32Array(resting), new Int32Array(resting)];
    this.captures = new CaptureStore(4 * resting + 2 * keys.length);
    this.mark = new Uint32Array(b.ops.length);
    this.found = new Int32Array(2 * keys.length);
  }

  match(path: string): PathMatch | null {
    // Cheapest rejection first: the pattern's literal prefix, compared natively.
    if (!literalAt(path, 0, this.prefix, !this.fold)) return null;
    // Fields read into locals once: the loop below runs once per character per thread.
    const n = path.length;
    const ops = this.ops;
    const arg = this.arg;
    const fold = this.fold;
    const captures = this.captures;
    let cur = 0;
    let matchedAt = -1;
    captures.reset();
    this.nextGeneration();
    // The prefix is a straight run of CHAR instructions, already compared: start after it.
    const start = this.prefix.length;
    let count = this.follow(start, start, -1, cur, 0, path);

    for (let pos = start; count > 0; pos++) {
      let c = pos < n ? path.charCodeAt(pos) : -1;
      if (fold && c >= 65 && c <= 90) c += 32;
      const pcs = this.listPc[cur];
      const nodes = this.listNode[cur];
      let nextCount = 0;
      this.nextGeneration();
      for (let t = 0; t < count; t++) {
        const pc = pcs[t] as number;
        const op = ops[pc];
        if (op === MATCH) {
          // The highest-priority thread still alive accepts here; lower ones are cut off,
          // higher ones (already in the next list) may still reach a preferred match.
          captures.read(nodes[t] as number, this.found);
          matchedAt = pos;
          break;
        }
        if (c >= 0 && (op === CHAR ? c === arg[pc] : op === ANY || c !== SLASH)) {
          nextCount = this.follow(pc + 1, pos + 1, nodes[t] as number, cur ^ 1, nextCount, path);
        }
      }
      // The current list is done with: its threads let go of their captures.
      for (let t = 0; t < count; t++) captures.release(nodes[t] as number);
      cur ^= 1;
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
   * Continues a thread at `start` (position `pos`, captures `node`): appends the resting
   * instructions of its closure not yet in list `which`, in priority order, with their SAVEs
   * applied. Returns the new length of that list.
   */
  private follow(start: number, pos: number, node: number, which: number, count: number, path: string): number {
    const closures = this.closures;
    const items = closures.pc;
    const skip = closures.skip;
    const ops = this.ops;
    const pcs = this.listPc[which];
    const nodes = this.listNode[which];
    const mark = this.mark;
    const generation = this.generation;
    const end = closures.last[start] as number;
    for (let e = closures.first[start] as number; e < end; ) {
      const pc = items[e] as number;
      if (mark[pc] === generation) {
        e = skip[e] as number; // seen this step: everything under it was handled then
        continue;
      }
      mark[pc] = generation;
      const op = ops[pc];
      if (op !== SPLIT && op !== SAVE && (op !== MATCH || this.accepts(path, pos))) {
        let saved = node;
        for (let s = closures.saveFirst[e] as number, stop = closures.saveFirst[e + 1] as number; s < stop; s++) {
          saved = this.captures.push(saved, closures.savedSlots[s] as number, pos);
        }
        this.captures.retain(saved);
        pcs[count] = pc;
        nodes[count++] = saved;
      }
      e++;
    }
    return count;
  }

  /** end: the whole path; otherwise a prefix ending at a '/' boundary ('/admin' not in '/adminx'). */
  private accepts(path: string, pos: number): boolean {
    if (pos === path.length) return true;
    return !this.end && prefixLength(path, pos) >= 0;
  }
}
