import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initWeights, ModelConfig } from '../../../../src/engine/model';
import { trainTokenizer } from '../../../../src/engine/tokenizer';
import { readCheckpointBest } from '../../../../src/engine/training/checkpoint';
import { learningRate } from '../../../../src/engine/training/schedule';
import { defaultTrainOptions, evaluateWeights, train, TrainingCancelled } from '../../../../src/engine/training/trainer';
import { sampleFiles } from '../../helpers/tinyModel';

describe('trainer', () => {
  const files = sampleFiles();
  const tokenizer = trainTokenizer(files.map((f) => f.text), { vocabSize: 500 });
  const docs = files.map((f) => ({ ids: tokenizer.encode(f.text), chars: f.text.length }));
  const cfg: ModelConfig = { cell: 'gru', vocabSize: tokenizer.vocabSize, embedSize: 16, hiddenSize: 32, layers: 1 };
  const options = { ...defaultTrainOptions(), batch: 8, steps: 32, lr: 0.01, warmupSteps: 5, evalEverySteps: 50 };
  const input = { cfg, weights: initWeights(cfg, 1), docStartId: tokenizer.docStartId, train: docs.slice(2), valid: docs.slice(0, 2), options };

  it('warms up linearly, then decays by cosine to the floor', () => {
    const o = { lr: 1, warmupSteps: 10, minLrRatio: 0.1 };
    assert.equal(learningRate(o, 0, 100), 0.1);
    assert.equal(learningRate(o, 9, 100), 1);
    assert.ok(Math.abs(learningRate(o, 55, 100) - 0.55) < 1e-9);
    assert.ok(Math.abs(learningRate(o, 100, 100) - 0.1) < 1e-9);
  });

  it('lowers validation bits per character and reports them before and after', async () => {
    const result = await train(input);
    assert.ok(result.steps > 50, `only ${result.steps} steps`);
    assert.ok(result.after.bitsPerChar < result.before.bitsPerChar - 0.5, `${result.before.bitsPerChar} -> ${result.after.bitsPerChar}`);
    const again = await evaluateWeights(cfg, result.weights, tokenizer.docStartId, input.valid, 1);
    assert.ok(Math.abs(again.bitsPerChar - result.after.bitsPerChar) < 1e-4);
    assert.ok(input.weights.get('embed')!.data.every((x, i) => x === initWeights(cfg, 1).get('embed')!.data[i]), 'input weights were modified');
  });

  it('stops on cancellation without returning a model', async () => {
    const abort = new AbortController();
    const run = train({ ...input, signal: abort.signal, onProgress: (p) => p.step >= 20 && abort.abort() });
    await assert.rejects(run, TrainingCancelled);
  });

  it('resumes from its checkpoint at the step it had reached', async () => {
    const checkpointFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-ckpt-')), 'checkpoint.bin');
    const abort = new AbortController();
    await assert.rejects(train({ ...input, checkpointFile, signal: abort.signal, onProgress: (p) => p.step > 50 && abort.abort() }), TrainingCancelled);
    assert.ok(fs.existsSync(checkpointFile));
    let firstStep = -1;
    const resumed = await train({ ...input, checkpointFile, onProgress: (p) => firstStep < 0 && (firstStep = p.step) });
    assert.equal(firstStep, 60);
    assert.ok(resumed.after.bitsPerChar < resumed.before.bitsPerChar);
  });

  it('checkpoints between evaluations when asked, and its best weights can be exported', async () => {
    const checkpointFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-ckpt-')), 'checkpoint.bin');
    const abort = new AbortController();
    const o = { ...options, checkpointEverySteps: 20 };
    await assert.rejects(train({ ...input, options: o, checkpointFile, signal: abort.signal, onProgress: (p) => p.step > 80 && abort.abort() }), TrainingCancelled);
    const saved = readCheckpointBest(checkpointFile, cfg);
    assert.equal(saved.step, 80, 'the checkpoint of step 80, after the evaluation at 50');
    assert.equal(saved.history.length, 1);
    assert.equal(saved.bestBitsPerChar, saved.history[0].validBitsPerChar);
    const scored = await evaluateWeights(cfg, saved.weights, tokenizer.docStartId, input.valid.slice(0, 2), 1);
    assert.ok(Math.abs(scored.bitsPerChar - saved.bestBitsPerChar) < 1e-4, 'the best weights are those of the evaluation at step 50');
    let firstStep = -1;
    await train({ ...input, options: o, checkpointFile, onProgress: (p) => firstStep < 0 && (firstStep = p.step) });
    assert.equal(firstStep, 90);
  });

  it('refuses a checkpoint of another configuration', async () => {
    const checkpointFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-ckpt-')), 'checkpoint.bin');
    const abort = new AbortController();
    await assert.rejects(train({ ...input, checkpointFile, signal: abort.signal, onProgress: (p) => p.step > 50 && abort.abort() }));
    const other = { ...cfg, hiddenSize: 24 };
    await assert.rejects(train({ ...input, cfg: other, weights: initWeights(other, 1), checkpointFile }), /different model configuration/);
  });
});
