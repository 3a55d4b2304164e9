// Keys with counts kept in descending count order while counts grow one at a time: the sorted
// access the threshold search needs over a file's word counts, without sorting per query.

import type { RankSource } from '../ngram/thresholdTop';

/** Counts of keys, iterable from the most frequent; `increment` is O(1). */
export class CountOrder {
  private readonly keys: string[] = [];
  private readonly counts: number[] = [];
  private readonly index = new Map<string, number>();
  /** first[c]: position of the first key with count c, -1 when none (equal counts are contiguous). */
  private readonly first: number[] = [-1, -1];
  private sum = 0;

  /** Sum of all counts. */
  get total(): number {
    return this.sum;
  }

  clear(): void {
    this.keys.length = 0;
    this.counts.length = 0;
    this.index.clear();
    this.first.length = 0;
    this.first.push(-1, -1);
    this.sum = 0;
  }

  count(key: string): number {
    const i = this.index.get(key);
    return i === undefined ? 0 : this.counts[i];
  }

  increment(key: string): void {
    this.sum++;
    const i = this.index.get(key);
    if (i === undefined) {
      this.index.set(key, this.keys.length);
      if (this.first[1] < 0) this.first[1] = this.keys.length;
      this.keys.push(key);
      this.counts.push(1);
      return;
    }
    // Swap the key to the front of its group, then it joins the group above.
    const c = this.counts[i];
    const j = this.first[c];
    const other = this.keys[j];
    this.keys[j] = key;
    this.keys[i] = other;
    this.index.set(key, j);
    this.index.set(other, i);
    this.counts[j] = c + 1;
    this.first[c] = j + 1 < this.keys.length && this.counts[j + 1] === c ? j + 1 : -1;
    if (this.first.length <= c + 1) this.first.push(-1);
    if (this.first[c + 1] < 0) this.first[c + 1] = j;
  }

  /** The keys from the most frequent, with `weight` × count as each one's contribution. */
  source(weight: number): RankSource {
    let pos = 0;
    return {
      bound: () => (pos < this.keys.length ? weight * this.counts[pos] : 0),
      next: () => (pos < this.keys.length ? this.keys[pos++] : undefined),
    };
  }
}
