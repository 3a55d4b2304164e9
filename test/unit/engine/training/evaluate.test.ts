import { strict as assert } from 'node:assert';
import { buildScoreModel, buildStepModel, initWeights, ModelConfig, stateSize } from '../../../../src/engine/model';
import { createSession, int64Tensor } from '../../../../src/engine/onnx/ortSession';
import { scoreDocuments } from '../../../../src/engine/training/evaluate';
import * as ort from 'onnxruntime-node';

describe('scoreDocuments', () => {
  const cfg: ModelConfig = { cell: 'gru', vocabSize: 50, embedSize: 8, hiddenSize: 12, layers: 2 };
  const weights = initWeights(cfg, 3);
  const docs = [[5, 6, 7, 8, 9, 10, 11], [3], [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22], [], [1, 2, 3, 4]].map((ids) => ({ ids, chars: ids.length * 3 }));
  const docStart = 0;

  /** −log p of each document's tokens, one token at a time from the start-of-document state (after `start`). */
  async function reference(start: (d: number) => number[] = () => [docStart]): Promise<number> {
    const step = await createSession(buildStepModel(cfg, weights), 1);
    let nats = 0;
    for (const [i, d] of docs.entries()) {
      let state: Float32Array<ArrayBufferLike> = new Float32Array(cfg.layers * stateSize(cfg));
      const first = start(i);
      for (const id of first.slice(0, -1)) {
        const out = await step.run({ tokens: int64Tensor([id], [1, 1]), state_in: new ort.Tensor('float32', state, [cfg.layers, 1, stateSize(cfg)]) });
        state = out.state_out.data as Float32Array;
      }
      let input = first[first.length - 1];
      for (const target of d.ids) {
        const out = await step.run({ tokens: int64Tensor([input], [1, 1]), state_in: new ort.Tensor('float32', state, [cfg.layers, 1, stateSize(cfg)]) });
        nats -= (out.log_probs.data as Float32Array)[target];
        state = out.state_out.data as Float32Array;
        input = target;
      }
    }
    return nats;
  }

  it('packs documents into lanes and chunks without changing any score', async () => {
    const session = await createSession(buildScoreModel(cfg, weights), 1);
    const expected = await reference();
    for (const [lanes, chunk] of [[1, 256], [2, 3], [3, 4], [5, 1]]) {
      const s = await scoreDocuments({ session, stateSize: stateSize(cfg), layers: cfg.layers }, docStart, docs, { lanes, chunk });
      assert.equal(s.tokens, 23);
      assert.equal(s.files, 5);
      assert.ok(Math.abs(s.nats - expected) < 1e-3, `lanes ${lanes} chunk ${chunk}: ${s.nats} vs ${expected}`);
    }
  });

  it('feeds each document\'s start tokens first and scores only the document\'s own tokens', async () => {
    const session = await createSession(buildScoreModel(cfg, weights), 1);
    const start = (d: number) => (d % 2 ? [docStart, 40 + d] : [docStart]);
    const expected = await reference(start);
    assert.ok(Math.abs(expected - (await reference())) > 1e-3, 'the language tokens change the scores');
    const withStart = docs.map((d, i) => ({ ...d, start: start(i) }));
    for (const [lanes, chunk] of [[1, 256], [2, 3], [3, 4], [5, 1]]) {
      const s = await scoreDocuments({ session, stateSize: stateSize(cfg), layers: cfg.layers }, docStart, withStart, { lanes, chunk });
      assert.equal(s.tokens, 23);
      assert.ok(Math.abs(s.nats - expected) < 1e-3, `lanes ${lanes} chunk ${chunk}: ${s.nats} vs ${expected}`);
    }
  });
});
