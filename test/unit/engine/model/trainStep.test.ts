import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';
import { buildScoreModel, buildTrainStepModel, trainStepFlopsPerToken, TrainStepOptions } from '../../../../src/engine/model';
import { CellType, ModelConfig, stateSize } from '../../../../src/engine/model/modelConfig';
import { initWeights, Weights, weightSpecs } from '../../../../src/engine/model/weights';
import { f32, i64, noisyWeights, random, randomState, randomTokens, session, worstError } from './ortHelpers';
import { refAdamW, refForward, refGradients, RefWeights, toRef } from './reference';

const OPT: TrainStepOptions = { batch: 2, steps: 3, clipNorm: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, debugGradients: true };

function feeds(cfg: ModelConfig, w: Weights, o: { tokens: number[][]; targets: number[][]; state: ArrayLike<number>; lr: number; step: number; m?: RefWeights; v?: RefWeights }): Record<string, ort.Tensor> {
  const f: Record<string, ort.Tensor> = {
    tokens: i64(o.tokens),
    targets: i64(o.targets),
    state_in: f32(o.state, [cfg.layers, o.tokens.length, stateSize(cfg)]),
    lr: f32([o.lr], []),
    step: f32([o.step], []),
    ...weightFeeds(cfg, w, o.m, o.v),
  };
  return f;
}

/** Weights and Adam moments (zero unless given) as feeds. */
function weightFeeds(cfg: ModelConfig, w: Weights, m?: RefWeights, v?: RefWeights): Record<string, ort.Tensor> {
  const f: Record<string, ort.Tensor> = {};
  for (const s of weightSpecs(cfg)) {
    const n = s.dims.reduce((a, b) => a * b, 1);
    f[s.name] = f32(w.get(s.name)!.data, s.dims);
    f[`m.${s.name}`] = f32(m?.get(s.name) ?? new Float32Array(n), s.dims);
    f[`v.${s.name}`] = f32(v?.get(s.name) ?? new Float32Array(n), s.dims);
  }
  return f;
}

const floats = (t: ort.Tensor) => t.data as Float32Array;

describe('training step graph', () => {
  for (const cell of ['gru', 'rnn', 'lstm'] as CellType[]) {
    for (const layers of [1, 2] as const) {
      it(`${cell}, ${layers} layer(s): loss, state and every gradient match float64 finite differences`, async () => {
        const cfg: ModelConfig = { cell, vocabSize: 7, embedSize: 3, hiddenSize: 4, layers };
        const rand = random(11 + layers);
        const w = noisyWeights(cfg, 5);
        const tokens = randomTokens(rand, OPT.batch, OPT.steps, cfg.vocabSize);
        const targets = randomTokens(rand, OPT.batch, OPT.steps, cfg.vocabSize);
        targets[1][2] = targets[0][0] = tokens[0][1]; // a token that is both input and target
        const state = randomState(rand, cfg.layers * OPT.batch * stateSize(cfg));
        const s = await session(buildTrainStepModel(cfg, OPT));
        const out = await s.run(feeds(cfg, w, { tokens, targets, state, lr: 0, step: 1 }));
        const ref = toRef(w);
        const expected = refForward(cfg, ref, tokens, state, targets);
        assert.ok(Math.abs(floats(out.loss)[0] - expected.loss) < 1e-5, `loss ${floats(out.loss)[0]} vs ${expected.loss}`);
        assert.ok(worstError(floats(out.state_out), expected.stateOut, 1e-6, 1e-5) <= 1, 'state_out');
        const fd = refGradients(cfg, ref, tokens, targets, state);
        for (const [name, g] of fd) {
          const worst = worstError(floats(out[`grad.${name}`]), g, 2e-6, 1e-4);
          assert.ok(worst <= 1, `grad.${name}: error ${worst.toFixed(2)}× tolerance\n  graph ${[...floats(out[`grad.${name}`])].slice(0, 6)}\n  fd    ${[...g].slice(0, 6)}`);
          if (name !== 'out.b') assert.ok(g.some((x) => Math.abs(x) > 1e-4), `${name}: finite-difference gradient is all ~0`);
        }
        await s.release();
      });
    }
  }

  it('AdamW with bias correction, clipping and decoupled decay matches a float64 reference', async () => {
    const cfg: ModelConfig = { cell: 'gru', vocabSize: 7, embedSize: 3, hiddenSize: 4, layers: 1 };
    const rand = random(3);
    const w = noisyWeights(cfg, 8);
    const m: RefWeights = new Map();
    const v: RefWeights = new Map();
    for (const spec of weightSpecs(cfg)) {
      const n = w.get(spec.name)!.data.length;
      m.set(spec.name, Float64Array.from({ length: n }, () => (rand() - 0.5) * 0.01));
      v.set(spec.name, Float64Array.from({ length: n }, () => rand() * 1e-4));
    }
    const tokens = randomTokens(rand, 2, 3, 7);
    const targets = randomTokens(rand, 2, 3, 7);
    const state = randomState(rand, 2 * 4);
    for (const clipNorm of [0, 0.05]) {
      const opt = { ...OPT, clipNorm, weightDecay: 0.1, beta1: 0.8, beta2: 0.95, eps: 1e-6 };
      const s = await session(buildTrainStepModel(cfg, opt));
      const out = await s.run(feeds(cfg, w, { tokens, targets, state, lr: 0.03, step: 3, m, v }));
      const grads: RefWeights = new Map(weightSpecs(cfg).map((x) => [x.name, Float64Array.from(floats(out[`grad.${x.name}`]))]));
      const ref = refAdamW(cfg, toRef(w), m, v, grads, { ...opt, lr: 0.03, step: 3 });
      assert.ok(Math.abs(floats(out.grad_norm)[0] - ref.gradNorm) < 1e-5 * ref.gradNorm, 'grad_norm');
      if (clipNorm) assert.ok(ref.gradNorm > clipNorm, 'clipping is exercised');
      for (const spec of weightSpecs(cfg)) {
        for (const [key, table] of [[`new.${spec.name}`, ref.w], [`new.m.${spec.name}`, ref.m], [`new.v.${spec.name}`, ref.v]] as const) {
          const worst = worstError(floats(out[key]), table.get(spec.name)!, 1e-7, 1e-5);
          assert.ok(worst <= 1, `${key} (clip ${clipNorm}): error ${worst.toFixed(2)}× tolerance`);
        }
      }
      await s.release();
    }
  });

  it('β2 = 1 keeps the second moments as given, and each step is lr·g / (√v + ε): the update with a fixed gradient prior', async () => {
    const cfg: ModelConfig = { cell: 'gru', vocabSize: 7, embedSize: 3, hiddenSize: 4, layers: 1 };
    const rand = random(4);
    const w = noisyWeights(cfg, 9);
    const v: RefWeights = new Map(weightSpecs(cfg).map((s) => [s.name, Float64Array.from({ length: w.get(s.name)!.data.length }, () => 1e-6 + rand() * 1e-3)]));
    const opt = { ...OPT, beta1: 0, beta2: 1, eps: 1e-8 };
    const s = await session(buildTrainStepModel(cfg, opt));
    const lr = 0.01;
    const out = await s.run(feeds(cfg, w, { tokens: randomTokens(rand, 2, 3, 7), targets: randomTokens(rand, 2, 3, 7), state: randomState(rand, 2 * 4), lr, step: 1, v }));
    for (const spec of weightSpecs(cfg)) {
      const g = floats(out[`grad.${spec.name}`]);
      const vs = v.get(spec.name)!;
      const expected = Float64Array.from(w.get(spec.name)!.data, (x, i) => x - (lr * g[i]) / (Math.sqrt(vs[i]) + 1e-8));
      assert.ok(worstError(floats(out[`new.${spec.name}`]), expected, 1e-7, 1e-5) <= 1, spec.name);
      assert.ok(worstError(floats(out[`new.v.${spec.name}`]), vs, 0, 1e-6) <= 1, `v.${spec.name} kept`);
    }
    await s.release();
  });

  it('the training loss equals the score graph’s mean -log p on the same weights', async () => {
    const cfg: ModelConfig = { cell: 'lstm', vocabSize: 11, embedSize: 5, hiddenSize: 6, layers: 2 };
    const rand = random(21);
    const w = noisyWeights(cfg, 2);
    const opt = { ...OPT, batch: 3, steps: 5 };
    const tokens = randomTokens(rand, 3, 5, 11);
    const targets = randomTokens(rand, 3, 5, 11);
    const state = randomState(rand, 2 * 3 * stateSize(cfg));
    const train = await session(buildTrainStepModel(cfg, opt));
    const score = await session(buildScoreModel(cfg, w));
    const t = await train.run(feeds(cfg, w, { tokens, targets, state, lr: 0, step: 1 }));
    const sc = await score.run({ tokens: i64(tokens), targets: i64(targets), state_in: f32(state, [2, 3, stateSize(cfg)]) });
    const lp = floats(sc.target_log_probs);
    assert.deepEqual(sc.target_log_probs.dims, [3, 5]);
    const mean = -lp.reduce((a, b) => a + b, 0) / lp.length;
    assert.ok(Math.abs(floats(t.loss)[0] - mean) < 1e-5, `${floats(t.loss)[0]} vs ${mean}`);
    assert.ok(worstError(floats(t.state_out), floats(sc.state_out), 1e-6, 1e-5) <= 1);
    await Promise.all([train.release(), score.release()]);
  });

  it('overfits a short repeated text to near-zero loss, carrying the state across chunks', async function () {
    this.timeout(20000);
    const text = 'the cat sat on the mat. ';
    const chars = [...new Set(text)];
    const cfg: ModelConfig = { cell: 'gru', vocabSize: chars.length, embedSize: 8, hiddenSize: 32, layers: 1 };
    const opt: TrainStepOptions = { batch: 4, steps: 12, clipNorm: 1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 };
    const stream = [...text.repeat(200)].map((ch) => chars.indexOf(ch));
    const lane = Math.floor(stream.length / opt.batch);
    const s = await session(buildTrainStepModel(cfg, opt), 2);
    const names = weightSpecs(cfg).map((x) => x.name);
    const f = weightFeeds(cfg, initWeights(cfg, 1));
    let state = f32(new Float32Array(opt.batch * cfg.hiddenSize), [1, opt.batch, cfg.hiddenSize]);
    let loss = Infinity;
    const losses: number[] = [];
    for (let step = 1, pos = 0; step <= 400; step++, pos += opt.steps) {
      if (pos + opt.steps + 1 > lane) pos = 0;
      const rows = (off: number) => [...Array(opt.batch)].map((_, b) => stream.slice(b * lane + pos + off, b * lane + pos + off + opt.steps));
      const out = await s.run({ ...f, tokens: i64(rows(0)), targets: i64(rows(1)), state_in: state, lr: f32([0.02], []), step: f32([step], []) });
      for (const n of names) for (const k of [n, `m.${n}`, `v.${n}`]) f[k] = out[`new.${k}`];
      state = out.state_out;
      loss = floats(out.loss)[0];
      losses.push(loss);
    }
    await s.release();
    assert.ok(losses[0] > 2, `starts near ln V: ${losses[0]}`);
    assert.ok(loss < 0.05, `final loss ${loss}`);
  });

  it('counts 3× the forward matmul FLOPs per token', () => {
    const cfg: ModelConfig = { cell: 'gru', vocabSize: 8192, embedSize: 128, hiddenSize: 256, layers: 1 };
    const forward = 2 * 128 * 768 + 2 * 256 * 768 + 2 * 256 * 128 + 2 * 128 * 8192;
    assert.equal(trainStepFlopsPerToken(cfg), 3 * forward);
  });
});
