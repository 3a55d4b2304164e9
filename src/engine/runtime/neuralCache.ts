// The neural cache at completion time (model/cacheGraphs.ts has the idea and the score graph's
// version): each document keeps the keys of its last N positions, and the distribution after the
// last token before the cursor becomes (1 − λ)·p_net + λ·p_cache, with
// p_cache(w) ∝ Σᵢ exp(θ·q·kᵢ)·[xᵢ₊₁ = w] over the remembered positions i. In JS: N dot products of a
// short key and a sparse distribution cost less than another ORT run.
import { NeuralCacheOptions } from '../model';
import type { Prediction, TokenTables } from './languageModel';

/**
 * Keys of the most recent positions of one document, by token position (position p holds the key
 * after reading the input before token p, so its next token is ids[p]). Grows up to N + 1 keys.
 */
export class NeuralCacheRing {
  private keys = new Float32Array(0);
  /** Positions [lo, hi) hold keys. */
  private lo = 0;
  private hi = 0;

  constructor(readonly options: NeuralCacheOptions, readonly keySize: number) {}

  /**
   * Keys [count, D] of positions pos … pos+count−1. Keys already held for later positions stay: they
   * were computed from the same tokens (truncate drops those an edit changed).
   */
  put(pos: number, keys: Float32Array): void {
    const D = this.keySize;
    const end = pos + keys.length / D;
    // Not contiguous with what is held: start over from pos.
    if (pos < this.lo || pos > this.hi) this.lo = this.hi = pos;
    this.hi = Math.max(this.hi, end);
    // N positions for the cache, and the newest one, whose key is the next query.
    this.lo = Math.max(this.lo, this.hi - this.options.size - 1);
    this.reserve(this.hi - this.lo);
    const cap = this.keys.length / D;
    for (let p = Math.max(pos, this.lo); p < end; p++) this.keys.set(keys.subarray((p - pos) * D, (p - pos + 1) * D), (p % cap) * D);
  }

  /** Keeps the keys of positions before `end` only. */
  truncate(end: number): void {
    this.hi = Math.max(this.lo, Math.min(this.hi, end));
  }

  reset(): void {
    this.lo = this.hi = 0;
  }

  /**
   * p_cache of the next token after position `target` − 1, as token → probability, from the keys of
   * the positions before `target` and their next tokens `ids`; `query` is the key of `target`.
   */
  distribution(query: Float32Array, target: number, ids: ArrayLike<number>): Map<number, number> {
    const D = this.keySize;
    const cap = this.keys.length / D;
    const from = Math.max(this.lo, target - this.options.size);
    const to = Math.min(this.hi, target, ids.length);
    const probs = new Map<number, number>();
    if (to <= from) return probs;
    const scores = new Float64Array(to - from);
    let max = -Infinity;
    for (let p = from; p < to; p++) {
      const k = (p % cap) * D;
      let s = 0;
      for (let j = 0; j < D; j++) s += query[j] * this.keys[k + j];
      s *= this.options.theta;
      scores[p - from] = s;
      if (s > max) max = s;
    }
    let total = 0;
    for (let p = from; p < to; p++) {
      const w = Math.exp(scores[p - from] - max);
      total += w;
      probs.set(ids[p], (probs.get(ids[p]) ?? 0) + w);
    }
    for (const [t, w] of probs) probs.set(t, w / total);
    return probs;
  }

  /** `next` (the prediction at `target`) mixed with the cache; unchanged when nothing is cached. */
  mix(next: Prediction, target: number, ids: ArrayLike<number>, tables: TokenTables): Prediction {
    if (!next.cacheKey) return next;
    const probs = this.distribution(next.cacheKey, target, ids);
    return probs.size ? mixPrediction(next, probs, this.options.lambda, tables) : next;
  }

  private reserve(n: number): void {
    const D = this.keySize;
    const cap = this.keys.length / D;
    if (n <= cap) return;
    const next = Math.min(this.options.size + 1, Math.max(64, 2 ** Math.ceil(Math.log2(n))));
    // Re-laid out by position modulo the new capacity.
    const keys = new Float32Array(next * D);
    if (cap) for (let p = this.lo; p < Math.min(this.hi, this.lo + cap); p++) keys.set(this.keys.subarray((p % cap) * D, (p % cap + 1) * D), (p % next) * D);
    this.keys = keys;
  }
}

/**
 * (1 − λ)·p_net + λ·p_cache for every token, and the search's heads of it: the word and end
 * masses, and the top word tokens (those of the network's top list or of the cache, since mixing
 * scales every other token alike).
 */
export function mixPrediction(next: Prediction, cache: ReadonlyMap<number, number>, lambda: number, tables: TokenTables): Prediction {
  const keep = Math.log(1 - lambda);
  const logProbs = new Float32Array(next.logProbs.length);
  for (let t = 0; t < logProbs.length; t++) logProbs[t] = next.logProbs[t] + keep;
  let word = 0;
  let end = 0;
  for (const [t, p] of cache) {
    logProbs[t] = Math.log((1 - lambda) * Math.exp(next.logProbs[t]) + lambda * p);
    if (tables.wordToken[t]) word += p;
    if (tables.boundaryToken[t]) end += p;
  }
  const candidates = new Set<number>(next.topIds);
  for (const t of cache.keys()) if (tables.wordToken[t]) candidates.add(t);
  const top = [...candidates].sort((a, b) => logProbs[b] - logProbs[a] || a - b).slice(0, next.topIds.length);
  return {
    logProbs,
    wordLogMass: Math.log((1 - lambda) * Math.exp(next.wordLogMass) + lambda * word),
    endLogMass: Math.log((1 - lambda) * Math.exp(next.endLogMass) + lambda * end),
    topIds: Int32Array.from(top),
    topLogProbs: Float32Array.from(top, (t) => logProbs[t]),
    cacheKey: next.cacheKey,
  };
}
