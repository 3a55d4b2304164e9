// A growable array of int32 in chunks of 64 K: growing adds a chunk and never copies, so the
// project memory's tables of millions of entries grow without stalling a keystroke (copying a
// 32 MB typed array into a twice larger one took 50–80 ms).

const BITS = 16;
export const CHUNK_MASK = (1 << BITS) - 1;
const MASK = CHUNK_MASK;

export class ChunkedInts {
  private readonly chunks: Int32Array[] = [];

  /** Entries allocated (a multiple of the chunk size). */
  get capacity(): number {
    return this.chunks.length << BITS;
  }

  /** Makes index i valid (new entries are 0). */
  ensure(i: number): void {
    while (this.capacity <= i) this.chunks.push(new Int32Array(1 << BITS));
  }

  /** The chunk that holds entry i, at offset `i & CHUNK_MASK` (an entry and the next at an even i share one). */
  chunkOf(i: number): Int32Array {
    return this.chunks[i >>> BITS];
  }

  get(i: number): number {
    return this.chunks[i >>> BITS][i & MASK];
  }

  set(i: number, value: number): void {
    this.chunks[i >>> BITS][i & MASK] = value;
  }

  /** Adds `delta` to entry i; returns the old value. */
  add(i: number, delta: number): number {
    const chunk = this.chunks[i >>> BITS];
    const old = chunk[i & MASK];
    chunk[i & MASK] = old + delta;
    return old;
  }

}
