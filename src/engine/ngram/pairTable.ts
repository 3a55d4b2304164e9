// An open-addressing hash table from pairs of non-negative int32 to dense ids (0, 1, 2, … in
// insertion order), in typed arrays: counting tens of millions of n-grams in a JS Map would
// take gigabytes.

const EMPTY = -1;

/** Interns (a, b) pairs as dense ids; `a(id)`/`b(id)` give them back. */
export class PairTable {
  private slots: Int32Array;
  private keysA: Int32Array;
  private keysB: Int32Array;
  private count = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap * 0.7 < expected) cap *= 2;
    this.slots = new Int32Array(cap).fill(EMPTY);
    this.keysA = new Int32Array(Math.max(16, expected));
    this.keysB = new Int32Array(Math.max(16, expected));
  }

  /** Number of distinct pairs. */
  get size(): number {
    return this.count;
  }

  a(id: number): number {
    return this.keysA[id];
  }

  b(id: number): number {
    return this.keysB[id];
  }

  /** Id of (a, b), adding it if new (then the id equals the previous `size`). */
  intern(a: number, b: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash(a, b) & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s];
      if (id === EMPTY) {
        const created = this.count++;
        if (created === this.keysA.length) this.growKeys();
        this.keysA[created] = a;
        this.keysB[created] = b;
        this.slots[s] = created;
        if (this.count > this.slots.length * 0.7) this.rehash();
        return created;
      }
      if (this.keysA[id] === a && this.keysB[id] === b) return id;
    }
  }

  /** Id of (a, b), or -1. */
  find(a: number, b: number): number {
    const mask = this.slots.length - 1;
    for (let s = hash(a, b) & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s];
      if (id === EMPTY) return -1;
      if (this.keysA[id] === a && this.keysB[id] === b) return id;
    }
  }

  private growKeys(): void {
    const n = this.keysA.length * 2;
    const a = new Int32Array(n);
    a.set(this.keysA);
    this.keysA = a;
    const b = new Int32Array(n);
    b.set(this.keysB);
    this.keysB = b;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let s = hash(this.keysA[id], this.keysB[id]) & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 13);
}
