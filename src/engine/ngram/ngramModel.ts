// A trained word-level Kneser–Ney n-gram (estimated in ngramEstimate.ts, stored by ngramFile.ts)
// and its queries: P(token | history), and the best words under a typed prefix without scoring the
// vocabulary. The engine's word memory and the ngram-cache baseline both use it.

import { BOS, BOS_ID, UNK, UNK_ID, defaultNgramOptions, estimateNgram, type NgramData, type NgramOptions } from './ngramEstimate';
import { decodeNgram, encodeNgram } from './ngramFile';
import type { RankSource } from './thresholdTop';
import { Vocabulary } from './vocabulary';
import { isCompletionWord } from '../text/words';
import { TopK } from '../topK';

/** Unigram-sorted candidate lists are cached for prefixes with more words than this. */
const CACHED_RANGE = 256;
/** Contexts with more followers than this are put in order ahead (see warm): sorting one costs a keystroke a millisecond or more. */
const BIG_CONTEXT = 1000;

/** Interpolated P(w | history) of every word of one prefix range; valid until the next `score`. */
export interface WordScores {
  /** P(id | history), for an id inside the scored range. */
  prob(id: number): number;
  /** The `limit` most probable completion words (ids, probabilities), best first, skipping `exclude`. */
  top(limit: number, exclude: number): { ids: number[]; probs: number[] };
  /** Σ P(id | history) over the completion words of the range, the prefix itself included. */
  total(): number;
}

/** Word-level interpolated modified Kneser–Ney n-gram over the document caches' tokens (text/incrementalLexer). */
export class NgramModel {
  readonly order: number;
  /** id → token: BOS, UNK, then every kept token in UTF-16 code-unit order. */
  readonly vocabulary: Vocabulary;
  /** discounts[j − 1] = [D1, D2, D3+] of order j. */
  readonly discounts: readonly (readonly number[])[];
  /** The estimate without its token strings (the vocabulary holds them). */
  private readonly data: Omit<NgramData, 'vocabulary'>;
  /** 1 for tokens a completion may offer (words of ≥ 2 characters). */
  private readonly candidate: Uint8Array;
  /** Prefix sums of the unigram over completion words: [V + 1]. */
  private readonly candidateUnigram: Float64Array;
  private readonly byUnigram = new Map<number, Int32Array>();
  /** Per order, per context: Σ alpha of its entries that are completion words (built on first use). */
  private candidateAlpha?: Float64Array[];
  /** Per order, per context: its entries by descending alpha (built on first use). */
  private readonly byAlpha: Map<number, Uint32Array>[];
  // Scratch of `score`: accumulated higher-order mass per touched id.
  private readonly acc: Float64Array;
  private readonly mark: Uint32Array;
  private stamp = 0;
  private touched: number[] = [];
  private lo = 0;
  private hi = 0;

  private constructor({ vocabulary, ...data }: NgramData) {
    this.data = data;
    this.order = data.order;
    this.vocabulary = new Vocabulary(vocabulary);
    this.discounts = data.discounts;
    this.candidate = Uint8Array.from(vocabulary, (t, id) => (id > UNK_ID && isCompletionWord(t) ? 1 : 0));
    this.candidateUnigram = new Float64Array(vocabulary.length + 1);
    for (let id = 0; id < vocabulary.length; id++) this.candidateUnigram[id + 1] = this.candidateUnigram[id] + (this.candidate[id] ? data.unigram[id] : 0);
    this.acc = new Float64Array(vocabulary.length);
    this.mark = new Uint32Array(vocabulary.length);
    this.byAlpha = data.levels.map(() => new Map());
  }

  /**
   * Trains on `texts` (each a document: it starts after n − 1 BOS tokens). Counting happens in
   * typed arrays: on 95 MB of the corpus (25M tokens) with the defaults this took ~20 s of CPU
   * and peaked at ~0.7 GB RSS; the model keeps ~55 MB of arrays (200k tokens, 2.1M bigrams,
   * 1.9M trigrams after pruning) plus its vocabulary, 2 MB as one string.
   */
  static train(texts: Iterable<string>, options: Partial<NgramOptions> = {}): NgramModel {
    return new NgramModel(estimateNgram(texts, { ...defaultNgramOptions(), ...options }));
  }

  /** Reads a model that `encode` wrote; `where` names the file in errors. */
  static decode(bytes: Uint8Array, where: string): NgramModel {
    return new NgramModel(decodeNgram(bytes, where));
  }

  /** The model as a file (ngramFile.ts); `quality` trades Brotli's time for size. */
  encode(quality?: number): Uint8Array {
    return encodeNgram({ ...this.data, vocabulary: this.vocabulary.toArray() }, quality);
  }

  /** Id of `token`, or UNK. */
  id(token: string): number {
    const id = this.knownId(token);
    return id < 0 ? UNK_ID : id;
  }

  /** Id of `token`, or -1 when it is not in the vocabulary (a binary search: no Map of every token on the heap). */
  knownId(token: string): number {
    const v = this.vocabulary;
    if (token === BOS) return BOS_ID;
    if (token === UNK) return UNK_ID;
    const [lo] = this.prefixRange(token);
    return lo < v.size && v.compare(lo, token) === 0 ? lo : -1;
  }

  /** Ids [lo, hi) of the vocabulary tokens that start with `prefix` (all but BOS, UNK for ""). */
  prefixRange(prefix: string): [number, number] {
    const v = this.vocabulary;
    const first = UNK_ID + 1;
    if (prefix === '') return [first, v.size];
    let lo = first;
    let hi = v.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v.compare(mid, prefix) < 0) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    hi = v.size;
    while (end < hi) {
      const mid = (end + hi) >>> 1;
      if (v.startsWith(mid, prefix)) end = mid + 1;
      else hi = mid;
    }
    return [lo, end];
  }

  /** P(token | history) for token strings (unknown ones are UNK); history may be shorter than n − 1. */
  prob(history: readonly string[], token: string): number {
    const id = this.id(token);
    return this.score(history.map((t) => this.id(t)), id, id + 1).prob(id);
  }

  /**
   * Scores the tokens with ids in [lo, hi) after `history` (token ids, oldest first; missing
   * context is BOS). Only n-grams inside the range are touched: the rest of a context's
   * distribution is the unigram times one weight, so `top` needs only the best unigrams besides.
   */
  score(history: ArrayLike<number>, lo: number, hi: number): WordScores {
    const { levels, unigram } = this.data;
    this.stamp++;
    this.touched.length = 0;
    this.lo = lo;
    this.hi = hi;
    let weight = 1;
    for (let j = this.order; j >= 2; j--) {
      const c = this.context(history, j);
      if (c < 0) continue; // unseen context: the lower order gets all the mass
      const level = levels[j - 2];
      let s = lowerBound(level.words, level.offsets[c], level.offsets[c + 1], lo);
      const e = lowerBound(level.words, s, level.offsets[c + 1], hi);
      for (; s < e; s++) {
        const w = level.words[s];
        if (this.mark[w] !== this.stamp) {
          this.mark[w] = this.stamp;
          this.acc[w] = 0;
          this.touched.push(w);
        }
        this.acc[w] += weight * level.alpha[s];
      }
      weight *= level.gamma[c];
    }
    const prob = (id: number) => (this.mark[id] === this.stamp ? this.acc[id] : 0) + weight * unigram[id];
    const total = () => {
      let sum = weight * (this.candidateUnigram[hi] - this.candidateUnigram[lo]);
      for (const id of this.touched) if (this.candidate[id]) sum += this.acc[id];
      return sum;
    };
    return { prob, top: (limit, exclude) => this.top(limit, exclude, prob), total };
  }

  private top(limit: number, exclude: number, prob: (id: number) => number): { ids: number[]; probs: number[] } {
    const best = new TopK<{ id: number; p: number }>(limit, (a, b) => a.p > b.p);
    const offer = (id: number) => {
      if (!this.candidate[id] || id === exclude || best.items.some((x) => x.id === id)) return;
      best.offer({ id, p: prob(id) });
    };
    if (limit <= 0) return { ids: [], probs: [] };
    for (const id of this.touched) offer(id);
    // Untouched words score weight·P1(w): the best `limit` unigrams cover them.
    const byUnigram = this.unigramOrder(this.lo, this.hi);
    for (let i = 0, taken = 0; i < byUnigram.length && taken < limit; i++) {
      if (byUnigram[i] === exclude) continue;
      offer(byUnigram[i]);
      taken++;
    }
    return { ids: best.items.map((x) => x.id), probs: best.items.map((x) => x.p) };
  }

  /**
   * The model's part of a threshold search over the whole vocabulary (`thresholdTop`): one
   * source per order whose context was seen (tokens by descending discounted probability, times
   * the interpolation weight and `scale`) and the unigram (completion words only), plus
   * P(id | history) by lookup. Reading a context's followers in order beats touching all of them
   * when a context like "." has tens of thousands.
   */
  sources(history: ArrayLike<number>, scale: number): { sources: RankSource[]; prob(id: number): number } {
    const { levels, unigram } = this.data;
    const vocabulary = this.vocabulary;
    const sources: RankSource[] = [];
    const parts: { level: (typeof levels)[number]; c: number; weight: number }[] = [];
    let weight = scale;
    for (let j = this.order; j >= 2; j--) {
      const c = this.context(history, j);
      if (c < 0) continue;
      const level = levels[j - 2];
      parts.push({ level, c, weight });
      const order = this.alphaOrder(j, c);
      const w = weight;
      let pos = 0;
      sources.push({
        bound: () => (pos < order.length ? w * level.alpha[order[pos]] : 0),
        next: () => (pos < order.length ? vocabulary.token(level.words[order[pos++]]) : undefined),
      });
      weight *= level.gamma[c];
    }
    const byUnigram = this.unigramOrder(UNK_ID + 1, vocabulary.size);
    const unigramWeight = weight;
    let pos = 0;
    sources.push({
      bound: () => (pos < byUnigram.length ? unigramWeight * unigram[byUnigram[pos]] : 0),
      next: () => (pos < byUnigram.length ? vocabulary.token(byUnigram[pos++]) : undefined),
    });
    const prob = (id: number) => {
      let p = unigramWeight * unigram[id];
      for (const { level, c, weight: w } of parts) {
        const s = lowerBound(level.words, level.offsets[c], level.offsets[c + 1], id);
        if (s < level.offsets[c + 1] && level.words[s] === id) p += w * level.alpha[s];
      }
      return p / scale;
    };
    return { sources, prob };
  }

  /**
   * Σ P(w | history) over every completion word of the vocabulary, without touching the words: per
   * order the context's share of completion words is summed once, on first use (a pass over the
   * n-grams), so the answer costs one lookup per order.
   */
  candidateMass(history: ArrayLike<number>): number {
    const { levels } = this.data;
    this.candidateAlpha ??= levels.map((level) => {
      const sums = new Float64Array(level.gamma.length);
      for (let c = 0; c < sums.length; c++) {
        for (let e = level.offsets[c]; e < level.offsets[c + 1]; e++) if (this.candidate[level.words[e]]) sums[c] += level.alpha[e];
      }
      return sums;
    });
    let mass = 0;
    let weight = 1;
    for (let j = this.order; j >= 2; j--) {
      const c = this.context(history, j);
      if (c < 0) continue;
      mass += weight * this.candidateAlpha[j - 2][c];
      weight *= levels[j - 2].gamma[c];
    }
    return mass + weight * this.candidateUnigram[this.candidateUnigram.length - 1];
  }

  /**
   * Builds ahead what queries with nothing typed build on first use, a piece per step (the caller
   * runs one between requests): each order's candidate mass and the words by unigram (about 40 ms
   * each for the base model's memory), then the followers in order of every context with more
   * than BIG_CONTEXT of them (up to 10 ms each: a line break has tens of thousands).
   */
  *warm(): Generator<void, void> {
    this.candidateMass([]);
    yield;
    this.unigramOrder(UNK_ID + 1, this.vocabulary.size);
    yield;
    for (let j = 2; j <= this.order; j++) {
      const { offsets } = this.data.levels[j - 2];
      for (let c = 0; c + 1 < offsets.length; c++) {
        if (offsets[c + 1] - offsets[c] <= BIG_CONTEXT) continue;
        this.alphaOrder(j, c);
        yield;
      }
    }
  }

  /** Entries of context c of order j by descending alpha. */
  private alphaOrder(j: number, c: number): Uint32Array {
    const memo = this.byAlpha[j - 2];
    let order = memo.get(c);
    if (!order) {
      const { offsets, alpha } = this.data.levels[j - 2];
      const entries: number[] = [];
      for (let e = offsets[c]; e < offsets[c + 1]; e++) entries.push(e);
      order = Uint32Array.from(entries.sort((a, b) => alpha[b] - alpha[a] || a - b));
      memo.set(c, order);
    }
    return order;
  }

  /** The completion words of [lo, hi) by descending unigram probability. */
  private unigramOrder(lo: number, hi: number): Int32Array {
    const key = lo * (this.vocabulary.size + 1) + hi;
    const cached = this.byUnigram.get(key);
    if (cached) return cached;
    const ids: number[] = [];
    for (let id = lo; id < hi; id++) if (this.candidate[id]) ids.push(id);
    const p = this.data.unigram;
    const sorted = Int32Array.from(ids.sort((a, b) => p[b] - p[a] || a - b));
    if (hi - lo > CACHED_RANGE) this.byUnigram.set(key, sorted);
    return sorted;
  }

  /** Context of order j: the entry of the last j − 1 tokens (a token id for j = 2), or -1. */
  private context(history: ArrayLike<number>, j: number): number {
    const back = (k: number) => (k <= history.length ? history[history.length - k] : BOS_ID);
    let e = back(j - 1);
    for (let m = 2; m < j && e >= 0; m++) {
      const level = this.data.levels[m - 2];
      const s = lowerBound(level.words, level.offsets[e], level.offsets[e + 1], back(j - m));
      e = s < level.offsets[e + 1] && level.words[s] === back(j - m) ? s : -1;
    }
    return e;
  }
}

/** First index in [s, e) of sorted `a` whose value is ≥ x. */
function lowerBound(a: Int32Array, s: number, e: number, x: number): number {
  while (s < e) {
    const mid = (s + e) >>> 1;
    if (a[mid] < x) s = mid + 1;
    else e = mid;
  }
  return s;
}
