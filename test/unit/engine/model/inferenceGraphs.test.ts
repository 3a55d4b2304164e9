import { strict as assert } from 'node:assert';
import { buildAdvanceModel, buildScoreModel, buildStepModel, readWeights } from '../../../../src/engine/model';
import { CellType, ModelConfig, stateSize } from '../../../../src/engine/model/modelConfig';
import { f32, i64, noisyWeights, random, randomState, randomTokens, session, worstError } from './ortHelpers';
import { refForward, toRef } from './reference';

describe('inference graphs', () => {
  for (const cell of ['gru', 'rnn', 'lstm'] as CellType[]) {
    for (const layers of [1, 2] as const) {
      it(`${cell}, ${layers} layer(s): step, advance and score graphs equal the float64 reference`, async () => {
        const cfg: ModelConfig = { cell, vocabSize: 13, embedSize: 5, hiddenSize: 6, layers };
        const w = noisyWeights(cfg, 9);
        const rand = random(4);
        const [B, T] = [3, 4];
        const tokens = randomTokens(rand, B, T, cfg.vocabSize);
        const targets = randomTokens(rand, B, T, cfg.vocabSize);
        const state = randomState(rand, layers * B * stateSize(cfg));
        const ref = refForward(cfg, toRef(w), tokens, state);
        const stateIn = f32(state, [layers, B, stateSize(cfg)]);

        const step = await session(buildStepModel(cfg, w));
        assert.deepEqual(step.inputNames, ['tokens', 'state_in']);
        assert.deepEqual(step.outputNames, ['log_probs', 'state_out']);
        const out = await step.run({ tokens: i64(tokens), state_in: stateIn });
        assert.deepEqual(out.log_probs.dims, [B, T, cfg.vocabSize]);
        assert.deepEqual(out.state_out.dims, [layers, B, stateSize(cfg)]);
        assert.ok(worstError(out.log_probs.data as Float32Array, ref.logProbs, 1e-5, 1e-5) <= 1, 'log_probs');
        assert.ok(worstError(out.state_out.data as Float32Array, ref.stateOut, 1e-6, 1e-5) <= 1, 'state_out');

        // One token at a time from the carried state gives the same last distribution.
        let s = stateIn;
        let last: Float32Array = new Float32Array();
        for (let t = 0; t < T; t++) {
          const o = await step.run({ tokens: i64(tokens.map((row) => [row[t]])), state_in: s });
          s = o.state_out;
          last = o.log_probs.data as Float32Array;
        }
        assert.ok(worstError(s.data as Float32Array, ref.stateOut, 1e-6, 1e-5) <= 1, 'stepwise state');
        const lastRef = tokens.flatMap((_, b) => [...ref.logProbs.subarray((b * T + T - 1) * cfg.vocabSize, (b * T + T) * cfg.vocabSize)]);
        assert.ok(worstError(last, lastRef, 1e-5, 1e-5) <= 1, 'stepwise log_probs');

        const advance = await session(buildAdvanceModel(cfg, w));
        assert.deepEqual(advance.outputNames, ['state_out']);
        const adv = await advance.run({ tokens: i64(tokens), state_in: stateIn });
        assert.ok(worstError(adv.state_out.data as Float32Array, ref.stateOut, 1e-6, 1e-5) <= 1, 'advance state_out');

        const score = await session(buildScoreModel(cfg, w));
        const sc = await score.run({ tokens: i64(tokens), targets: i64(targets), state_in: stateIn });
        const picked = targets.flatMap((row, b) => row.map((v, t) => ref.logProbs[(b * T + t) * cfg.vocabSize + v]));
        assert.ok(worstError(sc.target_log_probs.data as Float32Array, picked, 1e-5, 1e-5) <= 1, 'target_log_probs');
        await Promise.all([step.release(), advance.release(), score.release()]);
      });
    }
  }

  it('readWeights recovers the config and every weight from model.onnx', () => {
    for (const cfg of [
      { cell: 'gru', vocabSize: 10, embedSize: 4, hiddenSize: 3, layers: 1 },
      { cell: 'lstm', vocabSize: 9, embedSize: 3, hiddenSize: 5, layers: 2 },
      { cell: 'rnn', vocabSize: 8, embedSize: 2, hiddenSize: 3, layers: 2 },
    ] as ModelConfig[]) {
      const w = noisyWeights(cfg, 1);
      const back = readWeights(buildStepModel(cfg, w));
      assert.deepEqual(back.cfg, cfg);
      assert.deepEqual([...back.weights.keys()], [...w.keys()]);
      for (const [k, v] of w) {
        assert.deepEqual(back.weights.get(k)!.dims, v.dims);
        assert.deepEqual(back.weights.get(k)!.data, v.data);
      }
    }
  });

  it('rejects weights that do not fit the config', () => {
    const cfg: ModelConfig = { cell: 'gru', vocabSize: 10, embedSize: 4, hiddenSize: 3, layers: 1 };
    const w = noisyWeights(cfg, 1);
    w.set('proj.b', { dims: [5], data: new Float32Array(5) });
    assert.throws(() => buildStepModel(cfg, w), /weight "proj.b" has dims \[5\].*expected \[4\]/);
    assert.throws(() => readWeights(new Uint8Array([1, 2, 3, 4])), Error);
  });
});
