// Estimation of an interpolated modified Kneser–Ney n-gram from raw texts: vocabulary, n-gram
// counting in typed arrays, continuation counts, discounts and interpolation weights.
// Chen & Goodman, "An Empirical Study of Smoothing Techniques for Language Modeling" (1998),
// §3.5 (interpolated KN) and §4.1.6 (modified KN: three discounts from counts-of-counts); the
// special case for n-grams starting with <s> (they keep raw counts) follows KenLM's lmplz.

import { lexTokens } from '../text/incrementalLexer';
import { PairTable } from './pairTable';

/** Sentence-start token; every text is preceded by n − 1 of them. Never predicted. */
export const BOS = '<s>';
/** Stands for every token seen fewer than `minCount` times. */
export const UNK = '<unk>';
export const BOS_ID = 0;
export const UNK_ID = 1;

export interface NgramOptions {
  /** n: the longest n-gram (the baseline uses 3; anything ≥ 2 works). */
  readonly order: number;
  /** Tokens seen fewer times in training become <unk> (2 drops hapaxes: a third of the
   *  distinct tokens of the 100 MB corpus, 0.3% of its tokens). */
  readonly minCount: number;
  /** Drop highest-order n-grams seen fewer times than this; 2 drops those seen once, as SRILM
   *  does by default (about halves the model). Their probability mass moves to the lower orders
   *  (the interpolation weight is 1 − Σ kept discounted mass, so every distribution still sums to 1). */
  readonly pruneBelow: number;
  /** The same for the orders between 2 and n − 1 (1 keeps them all). An n-gram's count is at most
   *  its context's, so with pruneLowerBelow ≤ pruneBelow no kept n-gram loses its context. */
  readonly pruneLowerBelow: number;
}

/** Defaults for the `ngram-cache` baseline. */
export function defaultNgramOptions(): NgramOptions {
  return { order: 3, minCount: 2, pruneBelow: 2, pruneLowerBelow: 1 };
}

/**
 * The n-grams of one order j ≥ 2, grouped by context and sorted by word id within a context.
 * The context of a j-gram is a (j−1)-gram: a token id for j = 2, else an entry index of order
 * j − 1 (entry indices double as n-gram ids).
 */
export interface NgramLevel {
  /** [contexts + 1] entries of context c are offsets[c] … offsets[c + 1] − 1 */
  readonly offsets: Uint32Array;
  /** [entries] the predicted token id */
  readonly words: Int32Array;
  /** [entries] discounted probability max(a − D(a), 0) / A(context) (a: adjusted count) */
  readonly alpha: Float32Array;
  /** [contexts] weight of the lower order: 1 − Σ alpha of the context (1 when it has none) */
  readonly gamma: Float32Array;
}

/** Everything a trained model holds. */
export interface NgramData {
  readonly order: number;
  /** id → token: BOS, UNK, then the kept tokens in UTF-16 code-unit order (prefix = id range). */
  readonly vocabulary: string[];
  /** [V] P_1(w): interpolated with the uniform distribution over every token but BOS. */
  readonly unigram: Float64Array;
  /** levels[j − 2] holds order j. */
  readonly levels: NgramLevel[];
  /** discounts[j − 1] = [D1, D2, D3+] of order j. */
  readonly discounts: number[][];
}

/** Lexes, counts and smooths; see `NgramOptions` for the knobs. */
export function estimateNgram(texts: Iterable<string>, options: NgramOptions): NgramData {
  const n = options.order;
  if (!Number.isInteger(n) || n < 2) throw new Error(`n-gram order must be an integer ≥ 2, got ${n}`);
  const { stream, vocabulary } = readTokens(texts, n, options.minCount);
  const V = vocabulary.length;
  const levels: NgramLevel[] = [];
  const discounts: number[][] = [];

  // Level by level: ctxAt[i] is the id of the (j−1)-gram ending at token i (−1: it would cross
  // the start of a text), which is its entry index in order j − 1 (a token id for j = 2).
  // Order j − 1's smoothing needs its continuation counts, which only counting order j yields,
  // so each order is finished one step later.
  let ctxAt = stream;
  let lower: Counted | null = null;
  let unigramCont: Int32Array | null = null;
  for (let j = 2; j <= n; j++) {
    const counted = countLevel(stream, ctxAt, j === n, j === 2 ? V : (lower as Counted).size);
    let kept: Int32Array | null = null;
    if (j === 2) unigramCont = counted.lowerCont;
    else {
      const prev = lower as Counted;
      const adjusted = prev.raw.map((r, e) => (prev.startsBos[e] ? r : counted.lowerCont[e]));
      discounts.push(modifiedDiscounts(adjusted));
      // Raw count 0: a BOS…BOS padding context, which the first tokens of every text need.
      kept = prev.raw.map((r, e) => ((r >= options.pruneLowerBelow || r === 0) && prev.contexts[e] >= 0 ? 1 : 0));
      levels.push(smooth(prev, adjusted, discounts[discounts.length - 1], kept));
    }
    // An n-gram starts with BOS when its context does (order 2: when the context is BOS).
    counted.startsBos = counted.contexts.map((c) => (j === 2 ? (c === BOS_ID ? 1 : 0) : (lower as Counted).startsBos[c]));
    if (kept) renumberContexts(counted, kept);
    lower = counted;
    if (counted.at) ctxAt = counted.at;
  }
  const top = lower as Counted;
  discounts.push(modifiedDiscounts(top.raw));
  levels.push(smooth(top, top.raw, discounts[discounts.length - 1], top.raw.map((r) => (r >= options.pruneBelow ? 1 : 0))));

  const cont = unigramCont as Int32Array;
  cont[BOS_ID] = 0;
  const d1 = modifiedDiscounts(cont);
  discounts.unshift(d1);
  return { order: n, vocabulary, unigram: smoothUnigram(cont, d1), levels, discounts };
}

/** One order's n-grams, sorted by (context, word), with raw counts; `at` maps positions to them. */
interface Counted {
  size: number;
  ctxCount: number;
  contexts: Int32Array;
  words: Int32Array;
  /** raw occurrence counts; 0 for context-only entries (a run of BOS padding) */
  raw: Int32Array;
  /** continuation counts of the order below (distinct left extensions), by its entry id */
  lowerCont: Int32Array;
  /** entry index of the n-gram ending at each position, −1 if none (only below the top order) */
  at: Int32Array | null;
  /** 1 where the n-gram starts with BOS: such n-grams have no left extension to count, so
   *  they keep their raw counts (KenLM) */
  startsBos: Int32Array;
}

function countLevel(stream: Int32Array, ctxAt: Int32Array, top: boolean, ctxCount: number): Counted {
  const table = new PairTable(1 << 16);
  let raw = new Int32Array(1 << 16);
  const lowerCont = new Int32Array(ctxCount);
  const at = top ? null : new Int32Array(stream.length).fill(-1);
  for (let i = 1; i < stream.length; i++) {
    const c = ctxAt[i - 1];
    if (c < 0) continue;
    const w = stream[i];
    // Padding runs need BOS…BOS contexts for the first tokens; they are never predicted.
    if (w === BOS_ID && (top || stream[i - 1] !== BOS_ID)) continue;
    const before = table.size;
    const id = table.intern(c, w);
    if (id === raw.length) raw = grow(raw);
    if (w !== BOS_ID) {
      if (id === before) lowerCont[ctxAt[i]]++;
      raw[id]++;
    }
    if (at) at[i] = id;
  }
  // Sort by (context, word): a float64 key c·span + w is exact below 2^53.
  const size = table.size;
  let span = 1;
  for (let id = 0; id < size; id++) span = Math.max(span, table.b(id) + 1);
  if (ctxCount * span > Number.MAX_SAFE_INTEGER) throw new Error('n-gram table too large to sort');
  const keys = new Float64Array(size);
  for (let id = 0; id < size; id++) keys[id] = table.a(id) * span + table.b(id);
  keys.sort();
  const contexts = new Int32Array(size);
  const words = new Int32Array(size);
  const sortedRaw = new Int32Array(size);
  const remap = new Int32Array(size);
  for (let e = 0; e < size; e++) {
    const c = Math.floor(keys[e] / span);
    const w = keys[e] - c * span;
    const id = table.find(c, w);
    contexts[e] = c;
    words[e] = w;
    sortedRaw[e] = raw[id];
    remap[id] = e;
  }
  if (at) for (let i = 0; i < at.length; i++) if (at[i] >= 0) at[i] = remap[at[i]];
  return { size, ctxCount, contexts, words, raw: sortedRaw, lowerCont, at, startsBos: new Int32Array(0) };
}

/** Modified KN discounts [D1, D2, D3+] from counts-of-counts; a value outside (0, k) (tiny
 *  corpora, where some count-of-count is 0) falls back to k/2. */
export function modifiedDiscounts(adjusted: ArrayLike<number>): number[] {
  const nk = [0, 0, 0, 0, 0];
  for (let e = 0; e < adjusted.length; e++) if (adjusted[e] >= 1 && adjusted[e] <= 4) nk[adjusted[e]]++;
  const y = nk[1] / (nk[1] + 2 * nk[2]);
  return [1, 2, 3].map((k) => {
    const d = k - (k + 1) * y * (nk[k + 1] / nk[k]);
    return Number.isFinite(d) && d > 0 && d < k ? d : k / 2;
  });
}

function discount(a: number, d: number[]): number {
  return a === 0 ? 0 : d[Math.min(a, 3) - 1];
}

/** The context ids of `level` after its context order dropped the entries not `kept` (−1: dropped). */
function renumberContexts(level: Counted, kept: Int32Array): void {
  const id = new Int32Array(kept.length);
  let next = 0;
  for (let e = 0; e < kept.length; e++) id[e] = kept[e] ? next++ : -1;
  for (let e = 0; e < level.size; e++) level.contexts[e] = id[level.contexts[e]];
  level.ctxCount = next;
}

/** Discounted probabilities and interpolation weights of the entries `keep` marks (a dropped context drops its entries). */
function smooth(level: Counted, adjusted: ArrayLike<number>, d: number[], keep: Int32Array): NgramLevel {
  const kept = (e: number) => keep[e] === 1 && level.contexts[e] >= 0;
  const offsets = new Uint32Array(level.ctxCount + 1);
  for (let e = 0; e < level.size; e++) if (kept(e)) offsets[level.contexts[e] + 1]++;
  for (let c = 0; c < level.ctxCount; c++) offsets[c + 1] += offsets[c];
  const words = new Int32Array(offsets[level.ctxCount]);
  const alpha = new Float32Array(words.length);
  const gamma = new Float32Array(level.ctxCount).fill(1);
  let out = 0;
  for (let s = 0; s < level.size; ) {
    const c = level.contexts[s];
    let end = s;
    let total = 0;
    while (end < level.size && level.contexts[end] === c) total += adjusted[end++];
    let mass = 0;
    for (let e = s; e < end; e++) {
      if (!kept(e)) continue;
      const a = total > 0 ? Math.max(adjusted[e] - discount(adjusted[e], d), 0) / total : 0;
      words[out] = level.words[e];
      alpha[out++] = a;
      mass += a;
    }
    gamma[c] = 1 - mass;
    s = end;
  }
  return { offsets, words, alpha, gamma };
}

/** P_1(w) = max(a(w) − D(a), 0) / Σa + γ / (V − 1) over every token but BOS (a: continuation count). */
function smoothUnigram(cont: Int32Array, d: number[]): Float64Array {
  const p = new Float64Array(cont.length);
  let total = 0;
  for (let w = 1; w < cont.length; w++) total += cont[w];
  let mass = 0;
  for (let w = 1; w < cont.length; w++) {
    p[w] = total > 0 ? Math.max(cont[w] - discount(cont[w], d), 0) / total : 0;
    mass += p[w];
  }
  const floor = (1 - mass) / (cont.length - 1);
  for (let w = 1; w < cont.length; w++) p[w] += floor;
  return p;
}

/** Token ids of every text (each preceded by n − 1 BOS) and the vocabulary they index. */
function readTokens(texts: Iterable<string>, n: number, minCount: number): { stream: Int32Array; vocabulary: string[] } {
  const provisional = new Map<string, number>(); // first-seen ids from 1 (0 is BOS)
  const seen: string[] = [BOS];
  let counts = new Int32Array(1 << 16);
  let stream = new Int32Array(1 << 20);
  let length = 0;
  for (const text of texts) {
    const tokens = lexTokens(text);
    while (length + tokens.length + n > stream.length) stream = grow(stream);
    for (let k = 1; k < n; k++) stream[length++] = BOS_ID;
    for (const t of tokens) {
      let id = provisional.get(t);
      if (id === undefined) {
        id = seen.length;
        provisional.set(t, id);
        seen.push(t);
        if (id === counts.length) counts = grow(counts);
      }
      counts[id]++;
      stream[length++] = id;
    }
  }
  const kept = seen.filter((t, id) => id > 0 && counts[id] >= minCount).sort();
  const vocabulary = [BOS, UNK, ...kept];
  const finalId = new Map(vocabulary.map((t, id) => [t, id]));
  const remap = new Int32Array(seen.length).fill(UNK_ID);
  remap[0] = BOS_ID;
  for (let id = 1; id < seen.length; id++) remap[id] = finalId.get(seen[id]) ?? UNK_ID;
  const out = stream.subarray(0, length);
  for (let i = 0; i < length; i++) out[i] = remap[out[i]];
  return { stream: out, vocabulary };
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.ceil(a.length * 1.5));
  b.set(a);
  return b;
}
