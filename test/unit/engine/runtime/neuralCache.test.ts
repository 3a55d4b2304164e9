import { strict as assert } from 'node:assert';
import { NeuralCacheOptions } from '../../../../src/engine/model';
import { mulberry32 } from '../../../../src/engine/random';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { mixPrediction, NeuralCacheRing } from '../../../../src/engine/runtime/neuralCache';
import { sampleFiles, tinyModelDir } from '../../helpers/tinyModel';

/** Float64 brute force: p_cache over tokens from query q, keys [n, D] of positions 0 … n−1 and their next tokens. */
function bruteForce(q: ArrayLike<number>, keys: readonly Float32Array[], next: readonly number[], from: number, to: number, theta: number): Map<number, number> {
  const w = new Map<number, number>();
  let total = 0;
  for (let p = from; p < to; p++) {
    let s = 0;
    for (let j = 0; j < q.length; j++) s += q[j] * keys[p][j];
    const e = Math.exp(theta * s);
    total += e;
    w.set(next[p], (w.get(next[p]) ?? 0) + e);
  }
  for (const [t, e] of w) w.set(t, e / total);
  return w;
}

function assertClose(got: ReadonlyMap<number, number>, want: ReadonlyMap<number, number>, what: string): void {
  assert.deepEqual([...got.keys()].sort((a, b) => a - b), [...want.keys()].sort((a, b) => a - b), what);
  for (const [t, p] of want) assert.ok(Math.abs(got.get(t)! - p) < 1e-9, `${what}: token ${t} ${got.get(t)} vs ${p}`);
}

describe('neural cache at completion', function () {
  this.timeout(120_000);

  it('the ring keeps the last N keys through puts, truncations and gaps; its distribution sums to one and equals the brute force', () => {
    const random = mulberry32(3);
    const D = 5;
    const options: NeuralCacheOptions = { size: 37, theta: 0.8, lambda: 0.2, key: 'projected' };
    const ring = new NeuralCacheRing(options, D);
    const keys: Float32Array[] = [];
    const next: number[] = [];
    const key = () => Float32Array.from({ length: D }, () => random() * 2 - 1);
    let lo = 0;
    let hi = 0;
    for (let round = 0; round < 300; round++) {
      const r = random();
      if (r < 0.6) {
        // Feed on (sometimes from before the end, as from a checkpoint, sometimes past a gap).
        const pos = r < 0.05 ? hi + 3 : Math.max(0, hi - Math.floor(random() * 30));
        const count = 1 + Math.floor(random() * 20);
        const batch = new Float32Array(count * D);
        for (let i = 0; i < count; i++) {
          keys[pos + i] = key();
          next[pos + i] = Math.floor(random() * 9);
          batch.set(keys[pos + i], i * D);
        }
        ring.put(pos, batch);
        if (pos > hi || pos < lo) lo = hi = pos;
        hi = Math.max(hi, pos + count);
        lo = Math.max(lo, hi - options.size - 1);
      } else if (r < 0.8) {
        const end = Math.max(0, hi - Math.floor(random() * 10));
        ring.truncate(end);
        hi = Math.max(lo, Math.min(hi, end));
      } else if (r < 0.82) {
        ring.reset();
        lo = hi = 0;
      }
      const target = hi;
      const q = key();
      const got = ring.distribution(q, target, next);
      const want = bruteForce(q, keys, next, Math.max(lo, target - options.size), Math.min(hi, target), options.theta);
      assertClose(got, want, `round ${round}`);
      if (got.size) assert.ok(Math.abs([...got.values()].reduce((a, b) => a + b, 0) - 1) < 1e-12);
    }
  });

  describe('with the tiny model', () => {
    const cache: NeuralCacheOptions = { size: 64, theta: 0.5, lambda: 0.25, key: 'projected' };
    let lm: LanguageModel;
    before(async () => {
      lm = await LanguageModel.load(await tinyModelDir(), 1, cache);
    });
    after(() => lm.dispose());

    it('the mixed prediction sums to one, and its word and end masses and top word tokens equal a brute force over it', async () => {
      const { predictions } = await lm.step([5, 9, 11], 1, lm.zeroState());
      const net = predictions[2];
      const p = new Map([[net.topIds[3], 0.5], [7, 0.3], [lm.tokenizer.docStartId, 0.2]]);
      const mixed = mixPrediction(net, p, cache.lambda, lm.tokens);
      let sum = 0;
      let word = 0;
      let end = 0;
      mixed.logProbs.forEach((lp, t) => {
        const want = (1 - cache.lambda) * Math.exp(net.logProbs[t]) + cache.lambda * (p.get(t) ?? 0);
        assert.ok(Math.abs(Math.exp(lp) - want) < 1e-6, `token ${t}`);
        sum += want;
        if (lm.tokens.wordToken[t]) word += want;
        if (lm.tokens.boundaryToken[t]) end += want;
      });
      assert.ok(Math.abs(sum - 1) < 1e-5, `sums to ${sum}`);
      assert.ok(Math.abs(Math.exp(mixed.wordLogMass) - word) < 1e-5);
      assert.ok(Math.abs(Math.exp(mixed.endLogMass) - end) < 1e-5);
      const top = [...mixed.logProbs.keys()].filter((t) => lm.tokens.wordToken[t]).sort((a, b) => mixed.logProbs[b] - mixed.logProbs[a]).slice(0, net.topIds.length);
      assert.deepEqual([...mixed.topIds], top);
    });

    it("a document's completion context mixes the cache over its last N positions, as computed from scratch", async () => {
      const text = sampleFiles()[0].text.slice(0, 1200);
      const doc = new DocumentState(lm, text);
      const ctx = await doc.completionContext();
      const ids = lm.tokenizer.encode(text).slice(0, ctx.headTokens);
      // Every position's key, fed from the document start in one run.
      const keys: Float32Array[] = [];
      const D = lm.cfg.embedSize;
      await lm.advance([lm.tokenizer.docStartId, ...ids], lm.zeroState(), (k) => {
        for (let p = 0; p < k.length / D; p++) keys.push(k.slice(p * D, (p + 1) * D));
      });
      const { predictions } = await lm.step([lm.tokenizer.docStartId, ...ids], 1, lm.zeroState());
      const net = predictions[ids.length];
      const pc = bruteForce(keys[ids.length], keys, ids, ids.length - cache.size, ids.length, cache.theta);
      let worst = 0;
      net.logProbs.forEach((lp, t) => {
        const want = Math.log((1 - cache.lambda) * Math.exp(lp) + cache.lambda * (pc.get(t) ?? 0));
        worst = Math.max(worst, Math.abs(ctx.next.logProbs[t] - want));
      });
      assert.ok(worst < 1e-3, `worst log-prob difference ${worst}`);
    });
  });
});
