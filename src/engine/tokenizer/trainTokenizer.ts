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
  const { syms, off, len, freq } = words;
  const K = maxIds + 2; // key stride: every id is below it
  const tokenBytes: Uint8Array[] = [];
  const idOfBytes = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    tokenBytes.push(Uint8Array.of(b));
    idOfBytes.set(String.fromCharCode(b), b);
  }
  // A learned token spelling a special token would collide with it in tokenizer.json's vocab.
  const reserved = new Set([DOC_TOKEN, FILE_TOKEN]);

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  const addWord = (key: number, w: number) => {
    const list = pairWords.get(key);
    if (!list) pairWords.set(key, [w]);
    else if (list[list.length - 1] !== w) list.push(w);
  };
  for (let w = 0; w < off.length; w++) {
    for (let i = off[w], end = off[w] + len[w] - 1; i < end; i++) {
      const key = syms[i] * K + syms[i + 1];
      pairCount.set(key, (pairCount.get(key) ?? 0) + freq[w]);
      addWord(key, w);
    }
  }
  const heap = new PairHeap();
  for (const [key, count] of pairCount) heap.push(count, key);

  const merges: Merge[] = [];
  const visited = new Int32Array(off.length).fill(-1);
  const grown = new Set<number>();
  const inc = (key: number, f: number, w: number) => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + f);
    addWord(key, w);
    grown.add(key);
  };
  const dec = (key: number, f: number) => pairCount.set(key, (pairCount.get(key) ?? 0) - f);

  while (tokenBytes.length < maxIds && heap.size > 0) {
    const [count, key] = heap.pop();
    const current = pairCount.get(key) ?? 0;
    if (current !== count) {
      if (current > 0) heap.push(current, key); // stale entry: requeue with the true count
      continue;
    }
    if (count < minFrequency) break;
    const a = Math.floor(key / K);
    const b = key - a * K;
    const joined = new Uint8Array(tokenBytes[a].length + tokenBytes[b].length);
    joined.set(tokenBytes[a]);
    joined.set(tokenBytes[b], tokenBytes[a].length);
    const spelled = String.fromCharCode(...joined);
    if (reserved.has(spelled)) {
      pairCount.set(key, 0);
      continue;
    }
    // Two different merges can spell the same token ("ab"+"c", "a"+"bc"): they share its id.
    let merged = idOfBytes.get(spelled);
    if (merged === undefined) {
      merged = tokenBytes.length;
      tokenBytes.push(joined);
      idOfBytes.set(spelled, merged);
    }
    merges.push([a, b]);

    const stamp = merges.length;
    grown.clear();
    for (const w of pairWords.get(key) ?? []) {
      if (visited[w] === stamp) continue;
      visited[w] = stamp;
      const o = off[w];
      const n = len[w];
      const f = freq[w];
      let j = 0;
      for (let i = 0; i < n; i++) {
        if (i + 1 < n && syms[o + i] === a && syms[o + i + 1] === b) {
          // Neighbour pairs (prev, a) and (b, next) become (prev, merged) and (merged, next).
          if (j > 0) {
            const prev = syms[o + j - 1];
            dec(prev * K + a, f);
            inc(prev * K + merged, f, w);
          }
          if (i + 2 < n) {
            const next = syms[o + i + 2];
            dec(b * K + next, f);
            inc(merged * K + next, f, w);
          }
          syms[o + j++] = merged;
          i++;
        } else {
          syms[o + j++] = syms[o + i];
        }
      }
      len[w] = j;
    }
    pairCount.delete(key);
    pairWords.delete(key);
    for (const k of grown) {
      const c = pairCount.get(k) ?? 0;
      if (c > 0) heap.push(c, k);
    }
  }

  const doc = tokenBytes.length;
  return new Tokenizer([...tokenBytes, null, null], merges, { doc, file: doc + 1 });
}
