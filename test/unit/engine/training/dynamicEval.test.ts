import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeGradientPrior, encodeGradientPrior, loadModelFolder, PRIOR_CLIP_NORM, saveModelFolder } from '../../../../src/engine/model';
import { Tokenizer } from '../../../../src/engine/tokenizer';
import { decayToward, defaultDynamicEvalOptions, DynamicLearner } from '../../../../src/engine/training/dynamicEval';
import { meanSquaredGradients } from '../../../../src/engine/training/gradientStatistics';
import { evaluateDynamic } from '../../../../src/engine/training/evaluateDynamic';
import { evaluateFolder } from '../../../../src/engine/training/evaluateFolder';
import { readCorpus } from '../../../../src/engine/training/corpus';
import { corpusDir, sampleFiles, tinyModelDir } from '../../helpers/tinyModel';

describe('dynamic evaluation', function () {
  this.timeout(120_000);
  const files = sampleFiles();

  async function setup() {
    const dir = await tinyModelDir();
    const folder = loadModelFolder(dir);
    const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    const doc = (text: string) => ({ ids: tokenizer.encode(text), chars: text.length });
    return { dir, folder, tokenizer, doc };
  }

  it('lowers the loss of a text seen again, and leaves the starting weights as they were', async () => {
    const { folder, tokenizer, doc } = await setup();
    const start = folder.weights.get('embed')!.data.slice();
    const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, { lr: 3e-3, decay: 0 });
    try {
      const text = doc(files[3].text.slice(0, 4000));
      const before = (await learner.score([text])).nats;
      const learned = await learner.learn(text);
      assert.ok(learned.steps >= Math.floor(text.ids.length / 64), `${learned.steps} steps for ${text.ids.length} tokens`);
      const after = (await learner.score([text])).nats;
      assert.ok(after < 0.9 * before, `${before} nats before, ${after} after`);
      assert.ok(learner.distanceFromStart() > 0);
      assert.deepEqual(folder.weights.get('embed')!.data, start);
    } finally {
      await learner.dispose();
    }
  });

  it('with a gradient prior measured on other text, lowers the loss of a text seen again', async () => {
    const { folder, tokenizer, doc } = await setup();
    const streams = files.slice(5, 9).map((f) => [tokenizer.docStartId, ...tokenizer.encode(f.text)]);
    const { meanSquares, chunks } = await meanSquaredGradients(folder.cfg, folder.weights, streams, { chunkTokens: 64, maxChunks: 4, clipNorm: PRIOR_CLIP_NORM });
    assert.ok(chunks >= 8, `${chunks} chunks`);
    const bytes = encodeGradientPrior(folder.cfg, meanSquares);
    const prior = decodeGradientPrior(folder.cfg, bytes, 'test');
    assert.equal(DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, {}, 1, folder.weights, prior).options.lr, defaultDynamicEvalOptions(true).lr);
    const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, { lr: 1e-3, decay: 0 }, 1, folder.weights, prior);
    try {
      const text = doc(files[3].text.slice(0, 4000));
      const before = (await learner.score([text])).nats;
      await learner.learn(text);
      const after = (await learner.score([text])).nats;
      assert.ok(after < 0.9 * before, `${before} nats before, ${after} after`);
    } finally {
      await learner.dispose();
    }
    // The same prior in a model folder: eval --dynamic finds it there and learns with it.
    const withPrior = fs.mkdtempSync(path.join(os.tmpdir(), 'prior-'));
    saveModelFolder(withPrior, { ...folder, gradients: bytes });
    const some = readCorpus([path.join(corpusDir, 'pino', 'docs')]).files.filter((f) => f.text.length < 20_000).slice(0, 4);
    const result = await evaluateDynamic(withPrior, some, { cache: null, threads: 1 });
    fs.rmSync(withPrior, { recursive: true });
    assert.equal(result.learning.gradientPrior, true);
    assert.ok(result.bitsPerChar < result.static.bitsPerChar, `dynamic ${result.bitsPerChar} vs static ${result.static.bitsPerChar}`);
  });

  it('with decay, moves back toward the starting weights when it learns nothing new', async () => {
    const { folder, tokenizer, doc } = await setup();
    const first = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, { lr: 3e-3, decay: 0 });
    const text = doc(files[3].text.slice(0, 4000));
    await first.learn(text);
    const moved = first.distanceFromStart();
    // The same start, the learned weights, no learning rate: every step is the decay alone.
    const resting = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, { lr: 0, decay: 0.1 }, 1, first.weights);
    try {
      const { steps } = await resting.learn(doc(files[4].text.slice(0, 2000)));
      assert.ok(steps >= 5);
      const expected = moved * 0.9 ** steps;
      assert.ok(Math.abs(resting.distanceFromStart() - expected) < 1e-3 * moved, `${resting.distanceFromStart()} vs ${expected}`);
    } finally {
      await first.dispose();
      await resting.dispose();
    }
  });

  it('decayToward takes back the given share of the distance', () => {
    const w = Float32Array.of(1, -3, 5);
    decayToward(w, Float32Array.of(0, -1, 5), 0.25);
    assert.deepEqual([...w], [0.75, -2.5, 5]);
  });

  it('eval --dynamic: scores each file before learning from it, beside the static score', async () => {
    const { dir } = await setup();
    // Files the tiny model never trained on, of one project: what the first teaches helps the next.
    const some = readCorpus([path.join(corpusDir, 'pino', 'docs')]).files.filter((f) => f.text.length < 20_000).slice(0, 6);
    const result = await evaluateDynamic(dir, some, { dynamic: { lr: 1e-3, decay: 0.001 }, threads: 1 });
    assert.equal(result.files, 6);
    assert.ok(result.learning.steps > 0 && result.learning.stepsPerKB > 0);
    assert.equal(result.learning.gradientPrior, false, 'the tiny model has no gradients.bin');
    assert.ok(result.bitsPerChar < result.static.bitsPerChar, `dynamic ${result.bitsPerChar} vs static ${result.static.bitsPerChar}`);
    // The first file is scored before anything is learned: with one file the two scores agree.
    const one = await evaluateDynamic(dir, some.slice(0, 1), { threads: 1 });
    assert.ok(Math.abs(one.bitsPerChar - one.static.bitsPerChar) < 1e-4, `${one.bitsPerChar} vs ${one.static.bitsPerChar}`);
    const withCache = one.withCache!;
    assert.ok(Math.abs(withCache.bitsPerChar - withCache.static.bitsPerChar) < 1e-4, `${withCache.bitsPerChar} vs ${withCache.static.bitsPerChar}`);
    // The cache's score is the network's mixed with the cache: different, and the same as plain eval's.
    assert.ok(Math.abs(withCache.static.bitsPerChar - one.static.bitsPerChar) > 1e-3);
    const scored = await evaluateFolder(dir, some.slice(0, 1), { threads: 1 });
    assert.ok(Math.abs(scored.bitsPerChar - withCache.static.bitsPerChar) < 1e-4, `eval ${scored.bitsPerChar} vs ${withCache.static.bitsPerChar}`);
    // Both ways over the six files: learning helps with the cache too.
    assert.ok(result.withCache!.bitsPerChar < result.withCache!.static.bitsPerChar);
    const off = await evaluateDynamic(dir, some.slice(0, 1), { cache: null, threads: 1 });
    assert.equal(off.withCache, undefined);
  });
});
