import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { loadModelFolder } from '../../../../src/engine/model';
import { Tokenizer } from '../../../../src/engine/tokenizer';
import { DynamicLearner } from '../../../../src/engine/training/dynamicEval';
import { fineTune } from '../../../../src/engine/training/fineTune';
import { modelIdentity, noLearning, writeLearnedWeights } from '../../../../src/engine/training/learnedWeights';
import { evaluateWeights } from '../../../../src/engine/training/trainer';
import { tempDir } from '../../robustness/helpers';
import { sampleFiles, tinyModelDir } from '../../helpers/tinyModel';

describe('Train on Workspace after learning while the user worked', function () {
  this.timeout(120_000);

  it('starts from the learned weights of the model it fine-tunes, and ignores those of another', async () => {
    const dir = await tinyModelDir();
    const folder = loadModelFolder(dir);
    const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    const files = sampleFiles().slice(0, 4);
    const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, { lr: 3e-3 });
    await learner.learn({ ids: tokenizer.encode(files[2].text) });
    const file = path.join(tempDir('learned'), 'learned.bin');
    const write = (base: string) => writeLearnedWeights(file, { cfg: folder.cfg, base, version: 1, stats: noLearning }, learner.weights);
    const options = { epochs: 1, maxMinutes: 0.05, batch: 2, steps: 16 };
    // `before` is the score of the weights training starts from, on the held-out tails.
    write(modelIdentity(dir, folder.meta));
    const fromLearned = await fineTune({ files, fromDir: dir, outDir: path.join(tempDir('ft'), 'model'), options, learnedWeights: file });
    write('another model');
    const fromFolder = await fineTune({ files, fromDir: dir, outDir: path.join(tempDir('ft'), 'model'), options, learnedWeights: file });
    const tails = files.map((f) => f.text.slice(Math.floor(f.text.length * 0.9))).map((t) => t.slice(t.indexOf('\n') + 1)).map((t) => ({ ids: tokenizer.encode(t), chars: t.length }));
    const learned = await evaluateWeights(folder.cfg, learner.weights, tokenizer.docStartId, tails, 1);
    const plain = await evaluateWeights(folder.cfg, folder.weights, tokenizer.docStartId, tails, 1);
    assert.notEqual(learned.bitsPerChar.toFixed(4), plain.bitsPerChar.toFixed(4));
    assert.ok(Math.abs(fromLearned.before.bitsPerChar - learned.bitsPerChar) < 1e-3, `${fromLearned.before.bitsPerChar} vs learned ${learned.bitsPerChar}`);
    assert.ok(Math.abs(fromFolder.before.bitsPerChar - plain.bitsPerChar) < 1e-3, `${fromFolder.before.bitsPerChar} vs the folder's ${plain.bitsPerChar}`);
    await learner.dispose();
  });
});
