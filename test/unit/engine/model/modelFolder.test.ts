import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildStepModel, loadModelFolder, saveModelFolder } from '../../../../src/engine/model';
import { ModelConfig } from '../../../../src/engine/model/modelConfig';
import { noisyWeights } from './ortHelpers';

const cfg: ModelConfig = { cell: 'gru', vocabSize: 6, embedSize: 3, hiddenSize: 4, layers: 1 };

/** A minimal Hugging Face tokenizer.json with `size` ids: byte-ish vocab plus one added special. */
function tokenizer(size: number): object {
  const vocab = Object.fromEntries([...Array(size - 1)].map((_, i) => [String.fromCharCode(97 + i), i]));
  return { version: '1.0', model: { type: 'BPE', vocab, merges: [] }, added_tokens: [{ id: size - 1, content: '<|doc|>', special: true }] };
}

describe('model folder', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-folder-'));
    dir = path.join(root, 'model');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const save = (seed = 1, meta = {}) => saveModelFolder(dir, { cfg, weights: noisyWeights(cfg, seed), tokenizerJSON: tokenizer(6), meta });
  const expectError = (pattern: RegExp) => assert.throws(() => loadModelFolder(dir), pattern);

  it('saves and loads config, weights, tokenizer and metadata', () => {
    const w = noisyWeights(cfg, 3);
    saveModelFolder(dir, { cfg, weights: w, tokenizerJSON: tokenizer(6), meta: { parent: 'base', training: { tokens: 10 }, metrics: { bitsPerChar: 1.5 } } });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'model.onnx', 'tokenizer.json']);
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(info.format, 1);
    assert.equal(info.hiddenSize, 4);
    assert.ok(!Number.isNaN(Date.parse(info.created)));
    const f = loadModelFolder(dir);
    assert.deepEqual(f.cfg, cfg);
    assert.deepEqual(f.weights, w);
    assert.deepEqual(f.onnx, buildStepModel(cfg, w));
    assert.deepEqual(f.tokenizerJSON, tokenizer(6));
    assert.deepEqual({ ...f.meta, created: undefined }, { created: undefined, parent: 'base', training: { tokens: 10 }, metrics: { bitsPerChar: 1.5 } });
  });

  it('carries the word memory when given, and only then', () => {
    const words = Uint8Array.from([1, 2, 3]);
    saveModelFolder(dir, { cfg, weights: noisyWeights(cfg, 1), tokenizerJSON: tokenizer(6), words });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'model.onnx', 'tokenizer.json', 'words.bin']);
    assert.deepEqual(loadModelFolder(dir).words, words);
    save(2);
    assert.equal(loadModelFolder(dir).words, undefined);
  });

  it('carries the word memories of kinds of text beside it', () => {
    const words = Uint8Array.from([1, 2, 3]);
    const prose = Uint8Array.from([4, 5]);
    saveModelFolder(dir, { cfg, weights: noisyWeights(cfg, 1), tokenizerJSON: tokenizer(6), words, kindWords: { prose } });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'model.onnx', 'tokenizer.json', 'words.bin', 'words.prose.bin']);
    assert.deepEqual(loadModelFolder(dir).kindWords, { prose });
    save(2);
    assert.deepEqual(loadModelFolder(dir).kindWords, {});
  });

  it('replaces an existing folder and leaves no temporary siblings', () => {
    save(1);
    fs.writeFileSync(path.join(dir, 'stale.txt'), 'x');
    save(2);
    assert.deepEqual(fs.readdirSync(root), ['model']);
    assert.ok(!fs.existsSync(path.join(dir, 'stale.txt')));
    assert.deepEqual(loadModelFolder(dir).weights, noisyWeights(cfg, 2));
  });

  it('keeps the previous folder intact when a save fails', () => {
    save(1);
    const before = fs.readdirSync(dir).map((n) => fs.readFileSync(path.join(dir, n)));
    // Passes the vocabulary check, then fails while being written.
    const failing = { ...tokenizer(6), toJSON: () => { throw new Error('disk full'); } };
    assert.throws(() => saveModelFolder(dir, { cfg, weights: noisyWeights(cfg, 2), tokenizerJSON: failing }), /disk full/);
    assert.throws(() => saveModelFolder(dir, { cfg, weights: noisyWeights(cfg, 2), tokenizerJSON: tokenizer(7) }), /has 7 tokens but the model's vocabulary size is 6/);
    assert.deepEqual(fs.readdirSync(root), ['model']);
    assert.deepEqual(fs.readdirSync(dir).map((n) => fs.readFileSync(path.join(dir, n))), before);
  });

  it('recovers the previous folder after a save interrupted between its renames', () => {
    save(1);
    fs.renameSync(dir, path.join(root, '.model.old-abc123'));
    assert.deepEqual(loadModelFolder(dir).weights, noisyWeights(cfg, 1));
  });

  it('names a missing folder or file', () => {
    assert.throws(() => loadModelFolder(dir), /does not exist/);
    for (const name of ['model.json', 'model.onnx', 'tokenizer.json']) {
      save();
      fs.rmSync(path.join(dir, name));
      expectError(new RegExp(`has no ${name.replace('.', '\\.')}`));
    }
  });

  it('names a truncated model.onnx', () => {
    save();
    const file = path.join(dir, 'model.onnx');
    const bytes = fs.readFileSync(file);
    for (const length of [0, 100, bytes.length >> 1, bytes.length - 7]) {
      fs.writeFileSync(file, bytes.subarray(0, length));
      expectError(/model\.onnx is truncated or not a Recurrent model/);
    }
  });

  it('names a truncated or unparsable JSON file', () => {
    for (const name of ['model.json', 'tokenizer.json']) {
      save();
      const file = path.join(dir, name);
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 20));
      expectError(new RegExp(`${name.replace('.', '\\.')} is not valid JSON`));
    }
  });

  it('names mismatches between model.json, model.onnx and tokenizer.json', () => {
    save();
    const infoFile = path.join(dir, 'model.json');
    const info = JSON.parse(fs.readFileSync(infoFile, 'utf8'));
    fs.writeFileSync(infoFile, JSON.stringify({ ...info, hiddenSize: 8 }));
    expectError(/model\.json says hiddenSize 8 but .*model\.onnx has 4/);
    fs.writeFileSync(infoFile, JSON.stringify({ ...info, cell: 'lstm' }));
    expectError(/model\.json says cell lstm but .*model\.onnx has gru/);
    fs.writeFileSync(infoFile, JSON.stringify({ ...info, layers: 3 }));
    expectError(/model\.json: layers must be 1 or 2/);
    fs.writeFileSync(infoFile, JSON.stringify({ ...info, format: 2 }));
    expectError(/model\.json has format 2/);
    fs.writeFileSync(infoFile, JSON.stringify(info));
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer(5)));
    expectError(/tokenizer\.json has 5 tokens but the model's vocabulary size is 6/);
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ model: {} }));
    expectError(/tokenizer\.json has no "model\.vocab" object/);
    const other: ModelConfig = { ...cfg, vocabSize: 7 };
    fs.writeFileSync(path.join(dir, 'model.onnx'), buildStepModel(other, noisyWeights(other, 1)));
    expectError(/model\.json says vocabSize 6 but .*model\.onnx has 7/);
  });
});
