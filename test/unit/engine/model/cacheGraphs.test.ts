import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import { buildAdvanceModel, buildCacheScoreModel, buildScoreModel, CACHE_IO, CacheKey, cacheKeySize, ModelConfig, NeuralCacheOptions, stateSize } from '../../../../src/engine/model';
import { scoreDocuments } from '../../../../src/engine/training/evaluate';
import { noisyWeights, session } from './ortHelpers';

/**
 * Float64 brute force of the neural cache over one document: p_cache(ids[p]) at every position
 * p ≥ 1 from the keys [n, D] of positions 0 … n−1, over the positions max(0, p−N) … p−1.
 */
export function referenceCacheProbs(keys: Float32Array, ids: readonly number[], o: NeuralCacheOptions): Float64Array {
  const D = keys.length / ids.length;
  const out = new Float64Array(ids.length);
  for (let p = 1; p < ids.length; p++) {
    const weights: number[] = [];
    for (let i = Math.max(0, p - o.size); i < p; i++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += keys[p * D + k] * keys[i * D + k];
      weights.push(o.theta * s);
    }
    const max = Math.max(...weights);
    let num = 0;
    let den = 0;
    weights.forEach((s, j) => {
      const w = Math.exp(s - max);
      den += w;
      if (ids[Math.max(0, p - o.size) + j] === ids[p]) num += w;
    });
    out[p] = num / den;
  }
  return out;
}

describe('neural cache score graph', () => {
  const docStart = 0;
  const docs = [
    [5, 6, 7, 5, 6, 7, 5, 6, 8, 9, 5, 6, 7, 1, 2, 5, 6, 7, 3, 3, 3, 3, 5, 6],
    [3],
    [12, 13, 14, 12, 13, 14, 12, 13, 14, 20, 21, 12, 13],
    [],
    [1, 2, 3, 4, 1, 2, 3, 4, 1, 2],
  ].map((ids) => ({ ids, chars: ids.length * 3 }));

  for (const [cell, layers, key] of [['gru', 1, 'projected'], ['lstm', 2, 'hidden'], ['gru', 2, 'hidden']] as const) {
    it(`${cell}, ${layers} layer(s), ${key} keys: scores equal the float64 reference for any packing`, async () => {
      const cfg: ModelConfig = { cell, vocabSize: 30, embedSize: 6, hiddenSize: 8, layers };
      const w = noisyWeights(cfg, 5, 0.5);
      const cache: NeuralCacheOptions = { size: 5, theta: 0.7, lambda: 0.3, key: key as CacheKey };
      const S = stateSize(cfg);
      // Reference: the network's log p from the plain score graph, the keys from the advance graph.
      const net: Float32Array[] = [];
      const plain = await session(buildScoreModel(cfg, w));
      await scoreDocuments({ session: plain, stateSize: S, layers }, docStart, docs, { lanes: 1, onTokenLogProbs: (d, lp) => (net[d] = lp) });
      const advance = await session(buildAdvanceModel(cfg, w, cache.key));
      const expected: Float64Array[] = [];
      for (const [d, doc] of docs.entries()) {
        if (!doc.ids.length) continue;
        const inputs = [docStart, ...doc.ids.slice(0, -1)];
        const out = await advance.run({ tokens: new ort.Tensor('int64', BigInt64Array.from(inputs, BigInt), [1, inputs.length]), state_in: new ort.Tensor('float32', new Float32Array(layers * S), [layers, 1, S]) });
        const keys = out[CACHE_IO.key].data as Float32Array;
        assert.equal(keys.length, inputs.length * cacheKeySize(cfg, cache.key));
        const pc = referenceCacheProbs(keys, doc.ids, cache);
        expected[d] = Float64Array.from(net[d], (lp, p) => (p === 0 ? lp : Math.log((1 - cache.lambda) * Math.exp(lp) + cache.lambda * pc[p])));
      }

      const scored = await session(buildCacheScoreModel(cfg, w, cache));
      const graph = { session: scored, stateSize: S, layers, cache: { size: cache.size, keySize: cacheKeySize(cfg, cache.key), lambda: cache.lambda } };
      for (const [lanes, chunk] of [[1, 256], [2, 3], [3, 4], [5, 1], [2, 7]]) {
        const got: Float32Array[] = [];
        const s = await scoreDocuments(graph, docStart, docs, { lanes, chunk, onTokenLogProbs: (d, lp) => (got[d] = lp) });
        let nats = 0;
        for (const [d, e] of expected.entries()) {
          if (!e) continue;
          e.forEach((x, p) => assert.ok(Math.abs(got[d][p] - x) < 1e-4, `lanes ${lanes} chunk ${chunk} doc ${d} position ${p}: ${got[d][p]} vs ${x}`));
          nats -= e.reduce((a, b) => a + b, 0);
        }
        assert.ok(Math.abs(s.nats - nats) < 1e-3, `lanes ${lanes} chunk ${chunk}: ${s.nats} vs ${nats}`);
      }
      // λ = 0 is the network alone.
      const alone = await scoreDocuments({ session: plain, stateSize: S, layers }, docStart, docs, { lanes: 2, chunk: 4 });
      const none = await scoreDocuments({ ...graph, cache: { ...graph.cache, lambda: 0 } }, docStart, docs, { lanes: 2, chunk: 4 });
      assert.ok(Math.abs(none.nats - alone.nats) < 1e-3, `λ = 0: ${none.nats} vs ${alone.nats}`);
    });
  }
});
