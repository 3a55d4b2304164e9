// An open-addressing hash table from pairs of non-negative int32 to dense ids (0, 1, 2, … in
// insertion order), in typed arrays: counting tens of millions of n-grams in a JS Map would
// take gigabytes. It grows without a pause: the keys live in chunks (ngram/ChunkedInts), and a
// full slot array moves into one twice its size 64 entries per insert, not all at once (a
// rehash of 3 M pairs stalled the project memory's keystrokes for 150–400 ms), and that array's
// pages are written in ahead of the move, a few per insert: the move's first writes would otherwise
// fault thousands of fresh pages in one slice (up to 48 ms per 512 tokens in process, 90 in the worker).

import { CHUNK_MASK, ChunkedInts } from './chunkedInts';

/** Slots hold id + 1, so that a new slot array needs no fill (0 is empty). */
const EMPTY = 0;
const MAX_LOAD = 0.7;
/** Entries moved from the old slot array per insert while it grows: done long before the new one fills. */
const MOVE_PER_INSERT = 64;
/** Load from which the next slot array is allocated and written in, and how many of its entries per
 *  insert: its 2·cap entries within the (MAX_LOAD − PREPARE_LOAD)·cap inserts before the move. Late,
 *  because a table that stops growing in between holds the array for nothing. */
const PREPARE_LOAD = 0.65;
const PREPARE_PER_INSERT = 48;

/** Interns (a, b) pairs as dense ids; `a(id)`/`b(id)` give them back. With `values` 2, each id
 *  also has two int32 of the caller's beside its keys (see record): a counter that updates them
 *  after an intern then touches the memory the intern just read. */
export class PairTable {
  private slots: Int32Array;
  /** While growing: the previous slot array, which still holds ids [moved, moveEnd). */
  private old?: Int32Array;
  private moved = 0;
  private moveEnd = 0;
  /** Before growing: the next slot array, its entries [0, prepared) written in. */
  private next?: Int32Array;
  private prepared = 0;
  /** Per id: a, b, and the values. */
  private readonly keys = new ChunkedInts();
  /** log2 of the entries per id (2 or 4: a record never straddles two chunks). */
  private readonly shift: number;
  private count = 0;

  constructor(expected = 1024, values: 0 | 2 = 0) {
    this.shift = values ? 2 : 1;
    let cap = 1024;
    while (cap * MAX_LOAD < expected) cap *= 2;
    this.slots = new Int32Array(cap);
  }

  /** Number of distinct pairs. */
  get size(): number {
    return this.count;
  }

  a(id: number): number {
    return this.keys.get(id << this.shift);
  }

  b(id: number): number {
    return this.keys.get((id << this.shift) + 1);
  }

  /** The chunk that holds the values of `id` at recordAt(id) and recordAt(id) + 1. */
  record(id: number): Int32Array {
    return this.keys.chunkOf(id << this.shift);
  }

  recordAt(id: number): number {
    return ((id << this.shift) & CHUNK_MASK) + 2;
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
      const chunk = keys.chunkOf(found << this.shift);
      const at = (found << this.shift) & CHUNK_MASK;
      if (chunk[at] === a && chunk[at + 1] === b) return found;
    }
    if (this.old) {
      const moving = this.lookup(this.old, h, a, b);
      if (moving >= 0) return moving;
    }
    const id = this.count++;
    const at = id << this.shift;
    keys.ensure(at + (1 << this.shift) - 1);
    keys.set(at, a);
    keys.set(at + 1, b);
    slots[s] = id + 1;
    if (this.old) this.move();
    else if (this.count > this.slots.length * MAX_LOAD) this.grow();
    else if (this.count > this.slots.length * PREPARE_LOAD) this.prepare();
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
      const chunk = keys.chunkOf(id << this.shift);
      const at = (id << this.shift) & CHUNK_MASK;
      if (chunk[at] === a && chunk[at + 1] === b) return id;
    }
  }

  /** Writes zeros that are already there: the writes are what fault the array's pages in, here, a few at a time. */
  private prepare(): void {
    this.next ??= new Int32Array(this.slots.length * 2);
    const end = Math.min(this.next.length, this.prepared + PREPARE_PER_INSERT);
    this.next.fill(EMPTY, this.prepared, end);
    this.prepared = end;
  }

  private grow(): void {
    this.old = this.slots;
    this.slots = this.next ?? new Int32Array(this.old.length * 2);
    this.next = undefined;
    this.prepared = 0;
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
