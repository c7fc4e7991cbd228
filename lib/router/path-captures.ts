// Capture positions of the path VM's threads (path-vm.ts), stored as shared chains of saves:
// a node says "slot s was set to position p" and points to the node before it. A thread holds
// one node; threads that continue without saving share their parent's chain, so a step costs
// O(threads + saves) instead of copying every thread's full row of slots (which made patterns
// with many params and many live threads, like 30 optional groups, slow by a large constant).
// Nodes are reference-counted and recycled through a free list: no allocation per match once
// the pool has grown to the pattern's needs.

export class CaptureStore {
  private slot: Int32Array;
  private pos: Int32Array;
  private parent: Int32Array;
  /** Threads and child nodes holding each node. */
  private refs: Int32Array;
  private free: Int32Array;
  private freeCount = 0;
  /** Nodes never used since the last reset() are [top, capacity). */
  private top = 0;

  constructor(capacity: number) {
    this.slot = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.refs = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
  }

  /** Forgets every node, in O(1): called when a match starts. */
  reset(): void {
    this.top = 0;
    this.freeCount = 0;
  }

  /** A new node: `parent` (-1 for none) plus slot = pos. Holds a reference to parent. */
  push(parent: number, slot: number, pos: number): number {
    let node: number;
    if (this.freeCount > 0) node = this.free[--this.freeCount] as number;
    else {
      if (this.top === this.slot.length) this.grow();
      node = this.top++;
    }
    this.slot[node] = slot;
    this.pos[node] = pos;
    this.parent[node] = parent;
    this.refs[node] = 0;
    if (parent >= 0) this.refs[parent]++;
    return node;
  }

  retain(node: number): void {
    if (node >= 0) this.refs[node]++;
  }

  /** Drops one reference; frees the node, and its ancestors no one else holds. */
  release(node: number): void {
    while (node >= 0 && --this.refs[node] === 0) {
      this.free[this.freeCount++] = node;
      node = this.parent[node] as number;
    }
  }

  /** Writes the chain's slots into `out`: the newest save of each slot wins; -1 where unset. */
  read(node: number, out: Int32Array): void {
    out.fill(-1);
    for (; node >= 0; node = this.parent[node] as number) {
      const slot = this.slot[node] as number;
      if (out[slot] === -1) out[slot] = this.pos[node] as number;
    }
  }

  /** Doubles the pool (rare: only until it fits the largest thread population seen). */
  private grow(): void {
    const size = this.slot.length * 2;
    const bigger = (old: Int32Array): Int32Array => {
      const next = new Int32Array(size);
      next.set(old);
      return next;
    };
    this.slot = bigger(this.slot);
    this.pos = bigger(this.pos);
    this.parent = bigger(this.parent);
    this.refs = bigger(this.refs);
    this.free = bigger(this.free);
  }
}
