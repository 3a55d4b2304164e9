// A cache from pre-token piece to its ids, looked up by a range of the text being encoded so that a
// hit allocates nothing (a Map would need each piece sliced out as its own string first).

/** Open-addressing hash table; cleared, not grown, once full, to bound memory in long sessions. */
export class PieceCache {
  private keys: (string | undefined)[];
  private values: (readonly number[])[];
  private hashes: Int32Array;
  private count = 0;

  constructor(private readonly capacity = 1 << 18) {
    this.keys = new Array(capacity);
    this.values = new Array(capacity);
    this.hashes = new Int32Array(capacity);
  }

  /** The ids stored for the piece text[start, end) with hash h (fnv1a, ../hash), if any. */
  get(text: string, start: number, end: number, h: number): readonly number[] | undefined {
    const mask = this.capacity - 1;
    const len = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const key = this.keys[slot];
      if (key === undefined) return undefined;
      if (this.hashes[slot] === h && key.length === len && text.startsWith(key, start)) return this.values[slot];
    }
  }

  /** Stores ids for `piece` (whose hash is h), which must not be in the cache yet. */
  set(piece: string, h: number, ids: readonly number[]): void {
    if (this.count >= this.capacity >> 1) this.clear(); // keep probes short
    const mask = this.capacity - 1;
    let slot = h & mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & mask;
    this.keys[slot] = piece;
    this.values[slot] = ids;
    this.hashes[slot] = h;
    this.count++;
  }

  private clear(): void {
    this.keys = new Array(this.capacity);
    this.values = new Array(this.capacity);
    this.hashes.fill(0);
    this.count = 0;
  }
}
