// The project memory's vocabulary: tokens interned to dense ids (0, 1, 2, … in the order they came)
// by an open-addressing table over their hashes in typed arrays. A token is looked up as a range of
// the text it was read from, so lexing a workspace makes a string only for each new token: a string
// per token was 13 M strings of garbage for a 50 MB workspace, and a Map of the 180 k tokens was
// as many more objects for the worker's garbage collector to walk at every collection.

import { fnv1a } from '../hash';

const MAX_LOAD = 0.5;

export class TokenTable {
  private readonly list: string[] = [];
  /** Per id: its hash, to rehash without reading the strings. */
  private hashes = new Int32Array(1 << 10);
  /** id + 1 (0: empty). */
  private slots = new Int32Array(1 << 12);

  get size(): number {
    return this.list.length;
  }

  /** The tokens by id (grows as tokens are interned). */
  get tokens(): readonly string[] {
    return this.list;
  }

  /** Id of `token`, or -1. */
  find(token: string): number {
    return this.findRange(token, 0, token.length);
  }

  /** Id of `text`'s units [start, end), or -1. */
  findRange(text: string, start: number, end: number): number {
    const found = this.slots[this.slotOf(text, start, end, hashRange(text, start, end))];
    return found - 1;
  }

  /** Id of `text`'s units [start, end), added if new (its id is then the previous size). */
  intern(text: string, start: number, end: number): number {
    const h = hashRange(text, start, end);
    const slot = this.slotOf(text, start, end, h);
    if (this.slots[slot]) return this.slots[slot] - 1;
    const id = this.list.length;
    // A string of its own: a slice of 13 units or more would point into, and keep alive, all of
    // `text` (a file of the workspace: 57 MB of a 50 MB workspace's texts were kept so).
    this.list.push((' ' + text.slice(start, end)).slice(1));
    if (id === this.hashes.length) {
      const grown = new Int32Array(id * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    // A rehash of the 180 k tokens of a 50 MB workspace takes about a millisecond.
    if (this.list.length > this.slots.length * MAX_LOAD) this.grow();
    return id;
  }

  /** The slot that holds the range's id, or the empty one where it would go. */
  private slotOf(text: string, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const found = this.slots[s] - 1;
      if (found < 0 || (this.hashes[found] === h && this.list[found].length === end - start && text.startsWith(this.list[found], start))) return s;
    }
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.list.length; id++) {
      let s = this.hashes[id] & mask;
      while (slots[s]) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
  }
}

/** FNV-1a of the range, mixed so that its low bits (the slot) depend on all of its bits. */
function hashRange(text: string, start: number, end: number): number {
  let h = fnv1a(text, start, end);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}
