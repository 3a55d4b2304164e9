// `npm run train:base -- CORPUS [options]`: trains the bundled base model from scratch with a fixed
// seed: tokenizer, then model, resumable from its checkpoint (a run can take more than one sitting).
// Run it in the background with a log; the finished model folder replaces media/models/base.
// With --words-only it rebuilds just the folder's word memory (words.bin) from the training files.
// With --init DIR it continues training the model folder DIR (its sizes and tokenizer; with language
// tokens when its tokenizer has them, see scripts/addLanguageTokens.ts) instead of starting anew;
// --export-best saves the best weights of the checkpoint in --work to --out without training.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CellType, initWeights, loadModelFolder, ModelConfig, saveModelFolder, Weights } from '../src/engine/model';
import { LanguageCounts } from '../src/engine/ngram/languageCounts';
import { NgramModel } from '../src/engine/ngram/ngramModel';
import { corpusMemoryOptions } from '../src/engine/runtime/wordMemory';
import { languageOfPath, Tokenizer, trainTokenizer } from '../src/engine/tokenizer';
import { readCorpus, splitByFile } from '../src/engine/training/corpus';
import { mulberry32 } from '../src/engine/random';
import { shuffled } from '../src/engine/training/batches';
import { Document } from '../src/engine/training/evaluate';
import { evaluateFolder } from '../src/engine/training/evaluateFolder';
import { defaultTrainOptions, readCheckpointBest, train } from '../src/engine/training/trainer';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'media/models/base' },
      work: { type: 'string', default: 'runs/base' },
      vocab: { type: 'string', default: '8192' },
      embed: { type: 'string', default: '128' },
      hidden: { type: 'string', default: '384' },
      layers: { type: 'string', default: '1' },
      cell: { type: 'string', default: 'gru' },
      epochs: { type: 'string', default: '1' },
      'max-minutes': { type: 'string', default: '60' },
      'tokenizer-sample-mb': { type: 'string', default: '30' },
      'train-fraction': { type: 'string', default: '1' },
      'valid-tokens': { type: 'string', default: '300000' },
      batch: { type: 'string', default: '32' },
      steps: { type: 'string', default: '64' },
      lr: { type: 'string', default: '0.003' },
      seed: { type: 'string', default: '1' },
      patience: { type: 'string', default: '4' },
      // Candidate runs (the model card's size table): report the validation slice, skip the rest.
      'slice-only': { type: 'boolean', default: false },
      // Rebuild only the word memory (words.bin) of the model folder in --out, from the same training files.
      'words-only': { type: 'boolean', default: false },
      // Add only the word memory's counts per language (words-languages.bin) for the folder's words.bin.
      'word-languages-only': { type: 'boolean', default: false },
      // Continue training this model folder (the sizes flags are then ignored).
      init: { type: 'string' },
      // onnxruntime intra-op threads for training and scoring (1 leaves a core to other work).
      threads: { type: 'string', default: '2' },
      // Checkpoint between evaluations too (every N steps; 0: at evaluations only).
      'checkpoint-every': { type: 'string', default: '250' },
      // Export the checkpoint's best weights to --out (scored, with the word memory); no training.
      'export-best': { type: 'boolean', default: false },
    },
  });
  const corpusDir = positionals[0];
  if (!corpusDir) throw new Error('usage: npm run train:base -- CORPUS_DIR [--out DIR] [--work DIR] [--vocab N] [--embed N] [--hidden N] [--cell gru|lstm|rnn] [--layers 1|2] [--max-minutes M]');
  const work = values.work!;
  fs.mkdirSync(work, { recursive: true });
  const logFile = path.join(work, 'train.log');
  const log = (m: string) => {
    const line = `${new Date().toISOString()} ${m}`;
    process.stderr.write(line + '\n');
    fs.appendFileSync(logFile, line + '\n');
  };
  const seed = Number(values.seed);
  const started = Date.now();

  const corpus = readCorpus([corpusDir], { maxFileBytes: 2 * 1024 * 1024 });
  const { train: trainFiles, valid: validFiles } = splitByFile(corpus.files, 0.05);
  fs.writeFileSync(path.join(work, 'validation-files.txt'), validFiles.map((f) => path.join(corpusDir, f.path)).join('\n') + '\n');
  log(`corpus: ${corpus.files.length} files (skipped ${JSON.stringify(corpus.skipped)}); ${trainFiles.length} train, ${validFiles.length} validation`);
  const rememberWords = () => {
    const t0 = Date.now();
    const ngram = NgramModel.train(trainFiles.map((f) => f.text), corpusMemoryOptions());
    const words = ngram.encode();
    const languages = LanguageCounts.count(ngram.vocabulary.size, (w) => ngram.knownId(w), trainFiles.map((f) => ({ language: languageOfPath(f.path), text: f.text }))).encode();
    log(`word memory: ${(words.length / 1e6).toFixed(1)} MB and ${(languages.length / 1e6).toFixed(2)} MB of counts per language in ${Math.round((Date.now() - t0) / 1000)} s`);
    return { words, wordLanguages: languages };
  };
  if (values['word-languages-only']) {
    const modelDir = path.resolve(values.out!);
    const folder = loadModelFolder(modelDir);
    if (!folder.words) throw new Error(`${modelDir} has no word memory (words.bin).`);
    const ngram = NgramModel.decode(folder.words, path.join(modelDir, 'words.bin'));
    const wordLanguages = LanguageCounts.count(ngram.vocabulary.size, (w) => ngram.knownId(w), trainFiles.map((f) => ({ language: languageOfPath(f.path), text: f.text }))).encode();
    saveModelFolder(modelDir, { ...folder, wordLanguages });
    log(`saved ${modelDir} with counts per language (${(wordLanguages.length / 1e6).toFixed(2)} MB)`);
    return;
  }
  if (values['words-only']) {
    const modelDir = path.resolve(values.out!);
    const folder = loadModelFolder(modelDir);
    saveModelFolder(modelDir, { ...folder, meta: { ...folder.meta, wordMemory: { ...corpusMemoryOptions(), files: trainFiles.length } }, ...rememberWords() });
    log(`saved ${modelDir} with a new word memory`);
    return;
  }

  // Tokenizer: trained on an even sample of the training files only, cached across sittings.
  const tokenizerFile = path.join(work, `tokenizer-${values.vocab}.json`);
  const init = values.init ? loadModelFolder(values.init) : undefined;
  let tokenizer: Tokenizer;
  if (init) {
    tokenizer = Tokenizer.fromJSON(init.tokenizerJSON);
    log(`continuing from ${path.resolve(values.init!)}: ${JSON.stringify(init.cfg)}, ${tokenizer.languageIds.size ? 'with' : 'without'} language tokens`);
  } else if (fs.existsSync(tokenizerFile)) {
    tokenizer = Tokenizer.load(tokenizerFile);
  } else {
    const budget = Number(values['tokenizer-sample-mb']) * 1e6;
    const sample = shuffled(trainFiles, mulberry32(seed));
    const texts: string[] = [];
    let size = 0;
    for (const f of sample) {
      if (size + f.text.length > budget) continue;
      texts.push(f.text);
      size += f.text.length;
    }
    const t0 = Date.now();
    tokenizer = trainTokenizer(texts, { vocabSize: Number(values.vocab) });
    fs.writeFileSync(tokenizerFile, JSON.stringify(tokenizer.toJSON()));
    log(`tokenizer: ${tokenizer.vocabSize} ids from ${texts.length} files (${(size / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }

  const t1 = Date.now();
  const encode = (f: { path: string; text: string }): Document => ({ ids: Int32Array.from(tokenizer.encode(f.text)), chars: f.text.length, start: tokenizer.documentStart(languageOfPath(f.path)) });
  const fraction = Number(values['train-fraction']);
  const trainDocs = shuffled(trainFiles, mulberry32(seed + 1)).slice(0, Math.ceil(trainFiles.length * fraction)).map(encode);
  const validDocs = validFiles.map(encode);
  const count = (d: Document[]) => d.reduce((a, x) => a + x.ids.length, 0);
  log(`encoded ${count(trainDocs)} train and ${count(validDocs)} validation tokens in ${((Date.now() - t1) / 1000).toFixed(0)} s`);

  const cfg: ModelConfig = init?.cfg ?? {
    cell: values.cell as CellType,
    vocabSize: tokenizer.vocabSize,
    embedSize: Number(values.embed),
    hiddenSize: Number(values.hidden),
    layers: Number(values.layers) as 1 | 2,
  };
  const options = {
    ...defaultTrainOptions(),
    batch: Number(values.batch), steps: Number(values.steps), lr: Number(values.lr), epochs: Number(values.epochs),
    maxMinutes: Number(values['max-minutes']), evalEverySteps: 1000, patience: Number(values.patience), warmupSteps: 200, seed,
    threads: Number(values.threads), checkpointEverySteps: Number(values['checkpoint-every']),
  };
  log(`model ${JSON.stringify(cfg)}; options ${JSON.stringify(options)}`);
  // Training watches a fixed slice of the validation files; all of them are scored at the end.
  let validBudget = Number(values['valid-tokens']);
  const validSlice = shuffled(validDocs, mulberry32(seed + 2)).filter((d) => (validBudget -= d.ids.length) >= 0);
  const checkpointFile = path.join(work, 'checkpoint.bin');
  const modelDir = path.resolve(values.out!);
  if (values['export-best']) {
    const best = readCheckpointBest(checkpointFile, cfg);
    log(`exporting the best weights of ${checkpointFile} (step ${best.step}, slice ${best.bestBitsPerChar.toFixed(4)} bpc)`);
    await saveScored(best.weights, { steps: best.step, stopped: 'exported from the checkpoint', history: best.history, options });
    return;
  }
  const result = await train({
    cfg,
    weights: init?.weights ?? initWeights(cfg, seed),
    docStartId: tokenizer.docStartId,
    train: trainDocs,
    valid: validSlice,
    options,
    checkpointFile,
    onProgress: (p) => {
      if (p.step % 100 === 0 || p.validBitsPerChar !== undefined) {
        log(`step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s eta ${Math.round(p.etaSeconds / 60)} min${p.validBitsPerChar !== undefined ? ` valid ${p.validBitsPerChar.toFixed(4)} bpc` : ''}`);
      }
    },
  });
  log(`trained ${result.steps} steps (${result.stopped}): validation slice ${result.before.bitsPerChar.toFixed(4)} -> ${result.after.bitsPerChar.toFixed(4)} bpc, ${Math.round(result.tokensPerSecond)} tok/s`);

  if (values['slice-only']) {
    saveModelFolder(modelDir, { cfg, weights: result.weights, tokenizerJSON: tokenizer.toJSON() });
    log(`saved ${modelDir} (slice only: ${result.trainTokens} tokens in ${Math.round((Date.now() - started) / 1000)} s)`);
    return;
  }
  await saveScored(result.weights, { trainTokens: result.trainTokens, steps: result.steps, stopped: result.stopped, history: result.history, options });

  /** Saves `weights` to --out with the word memory, after scoring every validation file by language with the saved folder itself (as `recurrent eval` will). */
  async function saveScored(weights: Weights, training: Record<string, unknown>): Promise<void> {
    const tmpDir = path.join(work, 'model-unscored');
    saveModelFolder(tmpDir, { cfg, weights, tokenizerJSON: tokenizer.toJSON() });
    const validation = await evaluateFolder(tmpDir, validFiles, { byLanguage: true, threads: options.threads });
    fs.writeFileSync(path.join(work, 'validation.json'), JSON.stringify(validation, null, 2));
    saveModelFolder(modelDir, {
      cfg,
      weights,
      tokenizerJSON: tokenizer.toJSON(),
      ...(init?.words ? { words: init.words, wordLanguages: init.wordLanguages } : rememberWords()),
      meta: {
        wordMemory: init?.meta.wordMemory ?? { ...corpusMemoryOptions(), files: trainFiles.length },
        name: 'recurrent-base',
        created: new Date().toISOString(),
        parent: values.init ? path.resolve(values.init) : null,
        training: {
          corpus: 'shared/corpus (see README model card)', trainFiles: trainFiles.length, validFiles: validFiles.length,
          seconds: (Date.now() - started) / 1000, hardware: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`, ...training,
        },
        metrics: { validation },
      },
    });
    log(`saved ${modelDir}; validation ${validation.bitsPerChar.toFixed(4)} bpc; per language ${JSON.stringify(validation.languages)}`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
