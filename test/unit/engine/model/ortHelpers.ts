// Small helpers the model tests share: ORT sessions over in-memory graphs, tensors, seeded noise.
import * as ort from 'onnxruntime-node';
import { ModelConfig } from '../../../../src/engine/model/modelConfig';
import { initWeights, Weights } from '../../../../src/engine/model/weights';

export function session(bytes: Uint8Array, threads = 1): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { intraOpNumThreads: threads, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
}

export function f32(data: ArrayLike<number>, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(data), dims);
}

export function i64(rows: number[][]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat(), (x) => BigInt(x)), [rows.length, rows[0].length]);
}

export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Initial weights plus noise on every entry, biases included, so no gradient is trivially zero. */
export function noisyWeights(cfg: ModelConfig, seed: number, amount = 0.3): Weights {
  const w = initWeights(cfg, seed);
  const rand = random(seed + 1);
  for (const t of w.values()) for (let i = 0; i < t.data.length; i++) t.data[i] += (2 * rand() - 1) * amount;
  return w;
}

export function randomTokens(rand: () => number, batch: number, steps: number, vocab: number): number[][] {
  return [...Array(batch)].map(() => [...Array(steps)].map(() => Math.floor(rand() * vocab)));
}

export function randomState(rand: () => number, n: number, amount = 0.5): Float32Array {
  return Float32Array.from({ length: n }, () => (2 * rand() - 1) * amount);
}

/** Largest |a - b| / (atol + rtol·|b|); ≤ 1 means every entry is within tolerance. */
export function worstError(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / (atol + rtol * Math.abs(b[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}
