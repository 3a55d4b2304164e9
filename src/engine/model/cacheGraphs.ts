// The neural cache (Grave, Joulin & Usunier 2017, "Improving neural language models with a
// continuous cache"): the keys of the last N positions of a document and the token that followed
// each, mixed with the network as p = (1 − λ)·p_net + λ·p_cache, where
// p_cache(w) ∝ Σᵢ exp(θ·kₜ·kᵢ)·[xᵢ₊₁ = w]. Here the graph parts: the key of each position, and for
// the score graph the cache probability of each actual next token, computed as a [T, N+T] masked
// softmax over the previous N positions times an equality mask of next tokens (no [T, V] tensor).
import { ModelConfig } from './modelConfig';
import { GraphBuilder, Value } from '../onnx/onnxBuilder';

export type CacheKey = 'hidden' | 'projected';

export interface NeuralCacheOptions {
  /** Positions remembered per document. */
  readonly size: number;
  /** Inverse temperature of the cache's softmax over key dot products. */
  readonly theta: number;
  /** The cache's share in the mixture. */
  readonly lambda: number;
  /** hₜ (the recurrent output) or the projected vector P·hₜ + b (the output layer's input, Grave's choice). */
  readonly key: CacheKey;
}

/**
 * Chosen by bits per character on tuning files only (the corpus's tuning files and the
 * `scripts/research/projects.sh tune` projects) with scripts/research/tuneNeuralCache.ts: 1.590 → 1.273 there; the
 * recurrent output as key did far worse. See the README's Results.
 */
export function defaultNeuralCache(): NeuralCacheOptions {
  return { size: 2048, theta: 0.03, lambda: 0.4, key: 'projected' };
}

/** Graph inputs and outputs of the cache. */
export const CACHE_IO = {
  /** Step graph: the key of each row [B·T, D]; advance graph: of each position [B, T, D]. */
  key: 'cache_key',
  /** Score graph: the memory of the previous chunk, [B, N, D] keys and int64 [B, N] next tokens (−1: empty). */
  keysIn: 'cache_keys_in',
  nextIn: 'cache_next_in',
  keysOut: 'cache_keys_out',
  nextOut: 'cache_next_out',
  /** Score graph: p_cache of each target, [B, T]. */
  targetProbs: 'cache_target_probs',
} as const;

export function cacheKeySize(cfg: ModelConfig, key: CacheKey): number {
  return key === 'hidden' ? cfg.hiddenSize : cfg.embedSize;
}

/**
 * The score graph's cache part. `keys` [B·T, D] batch-major, `targets` int64 [B, T], `bt` the
 * int64 shape [B, T]. The memory in holds the previous chunk's last N positions; position t of
 * the chunk attends to positions t−N … t−1 of memory ++ chunk that hold a next token (≥ 0).
 */
export function addCacheScore(g: GraphBuilder, keys: Value, targets: Value, bt: Value, D: number, o: NeuralCacheOptions): void {
  const N = o.size;
  const keysIn = g.input(CACHE_IO.keysIn, 'float', ['batch', N, D]);
  const nextIn = g.input(CACHE_IO.nextIn, 'int64', ['batch', N]);
  const k = g.reshapeDynamic(keys, g.concat([bt, g.constInt64([D])], 0), ['batch', 'time', D]);
  const allKeys = g.concat([keysIn, k], 1); // [B, N+T, D]
  const allNext = g.concat([nextIn, targets], 1); // [B, N+T]
  const scores = g.mul(g.matmul(k, g.transpose(allKeys, [0, 2, 1])), g.constFloat(o.theta)); // [B, T, N+T]
  // Band of rows t and columns j with t ≤ j < t + N (memory ++ chunk indices), as floats.
  const T = g.op('Gather', [bt, g.constInt64([1], [])], { axis: 0 }, [], undefined, 'int64');
  const rows = g.op('Range', [g.constInt64([0], []), T, g.constInt64([1], [])], {}, ['time'], undefined, 'int64');
  const cols = g.op('Range', [g.constInt64([0], []), g.add(T, g.constInt64([N], [])), g.constInt64([1], [])], {}, ['time+N'], undefined, 'int64');
  const rowsCol = g.unsqueeze(rows, [1]); // [T, 1]
  const colsRow = g.unsqueeze(cols, [0]); // [1, N+T]
  const band = g.mul(isTrue(g, g.op('GreaterOrEqual', [colsRow, rowsCol], {}, null)), isTrue(g, g.op('Less', [colsRow, g.add(rowsCol, g.constInt64([N], []))], {}, null)));
  const filled = g.unsqueeze(isTrue(g, g.op('GreaterOrEqual', [allNext, g.constInt64([0], [])], {}, null)), [1]); // [B, 1, N+T]
  const mask = g.mul(g.unsqueeze(band, [0]), filled); // [B, T, N+T]
  const bias = g.mul(g.sub(mask, g.constFloat(1)), g.constFloat(1e30));
  const attention = g.op('Softmax', [g.add(scores, bias)], { axis: -1 }, null);
  const same = isTrue(g, g.op('Equal', [g.unsqueeze(allNext, [1]), g.unsqueeze(targets, [2])], {}, null)); // [B, T, N+T]
  g.output(g.reduceSum(g.mul(attention, same), [2]), CACHE_IO.targetProbs);
  const end = 1 << 30;
  g.output(g.slice(allKeys, 1, -N, end), CACHE_IO.keysOut);
  g.output(g.slice(allNext, 1, -N, end), CACHE_IO.nextOut);
}

/** A comparison's boolean result as 0/1 floats (the builder types only float and int64 values). */
function isTrue(g: GraphBuilder, b: Value): Value {
  return g.op('Cast', [b], { to: 1 }, b.shape, undefined, 'float');
}
