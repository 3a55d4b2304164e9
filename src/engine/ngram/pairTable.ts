// An open-addressing hash table from pairs of non-negative int32 to dense ids (0, 1, 2, … in
// insertion order), in typed arrays: counting tens of millions of n-grams in a JS Map would
// take gigabytes. It grows without a pause: the keys live in chunks (ngram/ChunkedInts), and a
// full slot array moves into one twice its size 64 entries per insert, not all at once (a
// rehash of 3 M pairs stalled the project memory's keystrokes for 150–400 ms).

import { CHUNK_MASK, ChunkedInts } from './chunkedInts';

/** Slots hold id + 1, so that a new slot array needs no fill (0 is empty). */
const EMPTY = 0;
const MAX_LOAD = 0.7;
/** Entries moved from the old slot array per insert while it grows: done long before the new one fills. */
const MOVE_PER_INSERT = 64;

/** Interns (a, b) pairs as dense ids; `a(id)`/`b(id)` give them back. */
export class PairTable {
  private slots: Int32Array;
  /** While growing: the previous slot array, which still holds ids [moved, moveEnd). */
  private old?: Int32Array;
  private moved = 0;
  private moveEnd = 0;
  /** Per id: a, b. */
  private readonly keys = new ChunkedInts();
  private count = 0;

  constructor(expected = 1024) {
    let cap = 1024;
    while (cap * MAX_LOAD < expected) cap *= 2;
    this.slots = new Int32Array(cap);
  }

  /** Number of distinct pairs. */
  get size(): number {
    return this.count;
  }

  a(id: number): number {
    return this.keys.get(2 * id);
  }

  b(id: number): number {
    return this.keys.get(2 * id + 1);
  }

  /** Id of (a, b), adding it if new (then the id equals the previous `size`). */
  intern(a: number, b: number): number {
    const h = hash(a, b);
    const slots = this.slots;
    const mask = slots.length - 1;
    const keys = this.keys;
    // One probe finds the pair or the empty slot it goes in (as lookup, inlined: the hot loop of counting).
    let s = h & mask;
    for (; ; s = (s + 1) & mask) {
      const found = slots[s] - 1;
      if (found < 0) break;
      const chunk = keys.chunkOf(2 * found);
      const at = (2 * found) & CHUNK_MASK;
      if (chunk[at] === a && chunk[at + 1] === b) return found;
    }
    if (this.old) {
      const moving = this.lookup(this.old, h, a, b);
      if (moving >= 0) return moving;
    }
    const id = this.count++;
    keys.ensure(2 * id + 1);
    keys.set(2 * id, a);
    keys.set(2 * id + 1, b);
    slots[s] = id + 1;
    if (this.old) this.move();
    else if (this.count > this.slots.length * MAX_LOAD) this.grow();
    return id;
  }

  /** Id of (a, b), or -1. */
  find(a: number, b: number): number {
    const h = hash(a, b);
    const found = this.lookup(this.slots, h, a, b);
    return found >= 0 || !this.old ? found : this.lookup(this.old, h, a, b);
  }

  private lookup(slots: Int32Array, h: number, a: number, b: number): number {
    const mask = slots.length - 1;
    const keys = this.keys;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = slots[s] - 1;
      if (id < 0) return -1;
      const chunk = keys.chunkOf(2 * id);
      const at = (2 * id) & CHUNK_MASK;
      if (chunk[at] === a && chunk[at + 1] === b) return id;
    }
  }

  private grow(): void {
    this.old = this.slots;
    this.slots = new Int32Array(this.old.length * 2);
    this.moved = 0;
    // Ids from here on go straight into the new slots.
    this.moveEnd = this.count;
    this.move();
  }

  private move(): void {
    const end = Math.min(this.moveEnd, this.moved + MOVE_PER_INSERT);
    for (let id = this.moved; id < end; id++) place(this.slots, hash(this.a(id), this.b(id)), id);
    this.moved = end;
    if (end === this.moveEnd) this.old = undefined;
  }
}

function place(slots: Int32Array, h: number, id: number): void {
  const mask = slots.length - 1;
  let s = h & mask;
  while (slots[s] !== EMPTY) s = (s + 1) & mask;
  slots[s] = id + 1;
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 13);
}
