// A tiny model folder for tests: a tokenizer trained on a few corpus files and briefly trained
// weights, so completions are real model output and tests stay fast.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initWeights, ModelConfig, saveModelFolder } from '../../../src/engine/model';
import { NgramModel } from '../../../src/engine/ngram/ngramModel';
import { trainTokenizer } from '../../../src/engine/tokenizer';
import { readCorpus } from '../../../src/engine/training/corpus';
import { defaultTrainOptions, train } from '../../../src/engine/training/trainer';

export const corpusDir = path.resolve(__dirname, '../../../../shared/corpus');

/** Small real source files to train and test on. */
export function sampleFiles() {
  return readCorpus([path.join(corpusDir, 'express'), path.join(corpusDir, 'koa')]).files;
}

let cached: Promise<string> | undefined;

/** Path of a tiny trained model folder (built once per test process). */
export function tinyModelDir(): Promise<string> {
  cached ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-tiny-'));
    const files = sampleFiles();
    const tokenizer = trainTokenizer(files.map((f) => f.text), { vocabSize: 600 });
    const cfg: ModelConfig = { cell: 'gru', vocabSize: tokenizer.vocabSize, embedSize: 24, hiddenSize: 48, layers: 1 };
    const docs = files.map((f) => ({ ids: tokenizer.encode(f.text), chars: f.text.length }));
    const result = await train({
      cfg, weights: initWeights(cfg, 7), docStartId: tokenizer.docStartId, train: docs.slice(1), valid: docs.slice(0, 1),
      options: { ...defaultTrainOptions(), batch: 8, steps: 32, epochs: 2, lr: 0.01, warmupSteps: 10, evalEverySteps: 1000 },
    });
    saveModelFolder(dir, { cfg, weights: result.weights, tokenizerJSON: tokenizer.toJSON(), meta: { name: 'tiny', created: new Date().toISOString() } });
    return dir;
  })();
  return cached;
}

/** A word memory (words.bin) of the tiny model's sample files. */
export function tinyWordMemory(): Uint8Array {
  return NgramModel.train(sampleFiles().map((f) => f.text), { order: 3, minCount: 1 }).encode();
}
