// BPE training: count the distinct pre-token pieces once, then learn merges over those pieces with
// incrementally updated pair counts and a lazy max-heap, as the Hugging Face BPE trainer does.
// Deterministic: ties between equally frequent pairs go to the smaller (left id, right id).

import { wtf8Encode } from './bytes';
import { pieceEnd } from './preTokenizer';
import { DOC_TOKEN, FILE_TOKEN, Merge, Tokenizer } from './tokenizer';

/**
 * Learns a byte-level BPE vocabulary of `vocabSize` ids (256 bytes + merges + 2 specials), or fewer
 * when no pair occurs at least `minFrequency` times (default 2).
 */
export function trainTokenizer(texts: Iterable<string>, options: { vocabSize: number; minFrequency?: number }): Tokenizer {
  const { vocabSize } = options;
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(vocabSize) || vocabSize < 258 || vocabSize > 65536) {
    throw new Error(`trainTokenizer: vocabSize must be an integer in 258..65536, got ${vocabSize}`);
  }
  const words = countWords(texts);
  return learnMerges(words, vocabSize - 2, Math.max(1, minFrequency));
}

interface WordTable {
  syms: Int32Array; // all words' symbols, word w at [off[w], off[w] + len[w])
  off: Int32Array;
  len: Int32Array;
  freq: Float64Array;
}

function countWords(texts: Iterable<string>): WordTable {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (let i = 0; i < text.length; ) {
      const end = pieceEnd(text, i);
      const piece = text.slice(i, end);
      counts.set(piece, (counts.get(piece) ?? 0) + 1);
      i = end;
    }
  }
  const encoded: Uint8Array[] = [];
  const freqs: number[] = [];
  let total = 0;
  for (const [piece, count] of counts) {
    const bytes = wtf8Encode(piece);
    if (bytes.length < 2) continue; // no pair to merge
    encoded.push(bytes);
    freqs.push(count);
    total += bytes.length;
  }
  const syms = new Int32Array(total);
  const off = new Int32Array(encoded.length);
  const len = new Int32Array(encoded.length);
  let n = 0;
  encoded.forEach((bytes, w) => {
    off[w] = n;
    len[w] = bytes.length;
    syms.set(bytes, n);
    n += bytes.length;
  });
  return { syms, off, len, freq: Float64Array.from(freqs) };
}

/** Max-heap of (count, pair key): higher count first, then smaller key. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(count: number, key: number): void {
    const { counts, keys } = this;
    let i = keys.length;
    counts.push(count);
    keys.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(count, key, counts[p], keys[p])) break;
      counts[i] = counts[p];
      keys[i] = keys[p];
      i = p;
    }
    counts[i] = count;
    keys[i] = key;
  }

  /** Removes the top; returns [count, key]. */
  pop(): [number, number] {
    const { counts, keys } = this;
    const top: [number, number] = [counts[0], keys[0]];
    const c = counts.pop()!;
    const k = keys.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && this.before(counts[child + 1], keys[child + 1], counts[child], keys[child])) child++;
        if (!this.before(counts[child], keys[child], c, k)) break;
        counts[i] = counts[child];
        keys[i] = keys[child];
        i = child;
      }
      counts[i] = c;
      keys[i] = k;
    }
    return top;
  }

  private before(c1: number, k1: number, c2: number, k2: number): boolean {
    return c1 > c2 || (c1 === c2 && k1 < k2);
  }
}

function learnMerges(words: WordTable, maxIds: number, minFrequency: number): Tokenizer {
  const K = maxIds + 2; // key stride: every id is below it
  const tokens = new TokenTable();
  const pairs = new PairCounts(words, K);
  const heap = new PairHeap();
  for (const [key, count] of pairs.counts()) heap.push(count, key);
  const merges: Merge[] = [];
  const visited = new Int32Array(words.off.length).fill(-1);
  while (tokens.size < maxIds && heap.size > 0) {
    const [count, key] = heap.pop();
    const current = pairs.count(key);
    if (current !== count) {
      if (current > 0) heap.push(current, key); // stale entry: requeue with the true count
      continue;
    }
    if (count < minFrequency) break;
    const a = Math.floor(key / K);
    const b = key - a * K;
    const merged = tokens.join(a, b);
    if (merged === undefined) {
      pairs.drop(key);
      continue;
    }
    merges.push([a, b]);
    const stamp = merges.length;
    pairs.startMerge();
    for (const w of pairs.wordsWith(key)) {
      if (visited[w] === stamp) continue;
      visited[w] = stamp;
      mergeInWord(words, w, a, b, merged, pairs);
    }
    pairs.forget(key);
    for (const [k, c] of pairs.grownCounts()) heap.push(c, k);
  }
  return tokens.tokenizer(merges);
}

/** The learned tokens' bytes: the 256 bytes, then one id per distinct spelling. */
class TokenTable {
  private readonly bytes: Uint8Array[] = [];
  private readonly idOfBytes = new Map<string, number>();
  /** A learned token spelling a special token would collide with it in tokenizer.json's vocab. */
  private readonly reserved = new Set([DOC_TOKEN, FILE_TOKEN]);

  constructor() {
    for (let b = 0; b < 256; b++) {
      this.bytes.push(Uint8Array.of(b));
      this.idOfBytes.set(String.fromCharCode(b), b);
    }
  }

  get size(): number {
    return this.bytes.length;
  }

  /** The id of tokens a and b joined, new or not; undefined when it would spell a special token. */
  join(a: number, b: number): number | undefined {
    const joined = new Uint8Array(this.bytes[a].length + this.bytes[b].length);
    joined.set(this.bytes[a]);
    joined.set(this.bytes[b], this.bytes[a].length);
    const spelled = String.fromCharCode(...joined);
    if (this.reserved.has(spelled)) return undefined;
    // Two different merges can spell the same token ("ab"+"c", "a"+"bc"): they share its id.
    let id = this.idOfBytes.get(spelled);
    if (id === undefined) {
      id = this.bytes.length;
      this.bytes.push(joined);
      this.idOfBytes.set(spelled, id);
    }
    return id;
  }

  tokenizer(merges: Merge[]): Tokenizer {
    const doc = this.bytes.length;
    return new Tokenizer([...this.bytes, null, null], merges, { doc, file: doc + 1 });
  }
}

/** Counts of adjacent symbol pairs (key a·K + b) over the words, and the words each occurs in. */
class PairCounts {
  private readonly pairCount = new Map<number, number>();
  private readonly pairWords = new Map<number, number[]>();
  /** Pairs whose count grew in the current merge: the heap takes them again after it. */
  private readonly grown = new Set<number>();

  constructor(words: WordTable, readonly K: number) {
    const { syms, off, len, freq } = words;
    for (let w = 0; w < off.length; w++) {
      for (let i = off[w], end = off[w] + len[w] - 1; i < end; i++) {
        const key = syms[i] * K + syms[i + 1];
        this.pairCount.set(key, (this.pairCount.get(key) ?? 0) + freq[w]);
        this.addWord(key, w);
      }
    }
  }

  counts(): Iterable<[number, number]> {
    return this.pairCount;
  }

  count(key: number): number {
    return this.pairCount.get(key) ?? 0;
  }

  wordsWith(key: number): readonly number[] {
    return this.pairWords.get(key) ?? [];
  }

  /** A pair never to merge: its heap entries become stale. */
  drop(key: number): void {
    this.pairCount.set(key, 0);
  }

  startMerge(): void {
    this.grown.clear();
  }

  /** The pair merged away. */
  forget(key: number): void {
    this.pairCount.delete(key);
    this.pairWords.delete(key);
  }

  inc(key: number, f: number, w: number): void {
    this.pairCount.set(key, (this.pairCount.get(key) ?? 0) + f);
    this.addWord(key, w);
    this.grown.add(key);
  }

  dec(key: number, f: number): void {
    this.pairCount.set(key, (this.pairCount.get(key) ?? 0) - f);
  }

  /** The pairs that grew in this merge, with their counts (those still above 0). */
  *grownCounts(): Iterable<[number, number]> {
    for (const k of this.grown) {
      const c = this.pairCount.get(k) ?? 0;
      if (c > 0) yield [k, c];
    }
  }

  private addWord(key: number, w: number): void {
    const list = this.pairWords.get(key);
    if (!list) this.pairWords.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  }
}

/** Rewrites word w with every (a, b) replaced by `merged`, moving the neighbour pairs' counts. */
function mergeInWord(words: WordTable, w: number, a: number, b: number, merged: number, pairs: PairCounts): void {
  const { syms, off, len, freq } = words;
  const K = pairs.K;
  const o = off[w];
  const n = len[w];
  const f = freq[w];
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && syms[o + i] === a && syms[o + i + 1] === b) {
      // Neighbour pairs (prev, a) and (b, next) become (prev, merged) and (merged, next).
      if (j > 0) {
        const prev = syms[o + j - 1];
        pairs.dec(prev * K + a, f);
        pairs.inc(prev * K + merged, f, w);
      }
      if (i + 2 < n) {
        const next = syms[o + i + 2];
        pairs.dec(b * K + next, f);
        pairs.inc(merged * K + next, f, w);
      }
      syms[o + j++] = merged;
      i++;
    } else {
      syms[o + j++] = syms[o + i];
    }
  }
  len[w] = j;
}
