// `npm run train:base -- CORPUS [options]`: trains the bundled base model from scratch with a fixed
// seed: tokenizer, then model, resumable from its checkpoint (a run can take more than one sitting).
// Run it in the background with a log; the finished model folder replaces media/models/base.
// With --words-only it rebuilds just the folder's word memories (words.bin, words.<kind>.bin) from the training files.
// With --init DIR it continues training the model folder DIR (its sizes and tokenizer; with language
// tokens when its tokenizer has them, see scripts/research/addLanguageTokens.ts) instead of starting
// anew; --export-best saves the best weights of the checkpoint in --work to --out without training.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CellType, initWeights, KindWords, kindWordsFile, loadModelFolder, MODEL_FILES, ModelConfig, ModelFolder, saveModelFolder, Weights } from '../../src/engine/model';
import { NgramModel } from '../../src/engine/ngram/ngramModel';
import { corpusMemoryOptions, kindMemoryOptions } from '../../src/engine/ngram/wordMemory';
import type { NgramOptions } from '../../src/engine/ngram/ngramEstimate';
import { Language, languageOfPath, Tokenizer, trainTokenizer, WORD_MEMORY_KINDS, WordMemoryKind } from '../../src/engine/tokenizer';
import { CorpusFile, splitBaseCorpus } from '../../src/engine/training/corpus';
import { mulberry32 } from '../../src/engine/random';
import { shuffled } from '../../src/engine/training/batches';
import { Document } from '../../src/engine/training/evaluate';
import { evaluateFolder } from '../../src/engine/training/evaluateFolder';
import { readCheckpointBest } from '../../src/engine/training/checkpoint';
import { defaultTrainOptions, train, TrainOptions } from '../../src/engine/training/trainer';

type Values = ReturnType<typeof parseOptions>['values'];
type Log = (message: string) => void;

function parseOptions() {
  return parseArgs({
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
      // Rebuild only the word memories of the model folder in --out, from the same training files.
      'words-only': { type: 'boolean', default: false },
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
}

async function main(): Promise<void> {
  const { values, positionals } = parseOptions();
  const corpusDir = positionals[0];
  if (!corpusDir) throw new Error('usage: npm run train:base -- CORPUS_DIR [--out DIR] [--work DIR] [--vocab N] [--embed N] [--hidden N] [--cell gru|lstm|rnn] [--layers 1|2] [--max-minutes M]');
  const work = values.work!;
  fs.mkdirSync(work, { recursive: true });
  const log = openLog(path.join(work, 'train.log'));
  const seed = Number(values.seed);
  const started = Date.now();
  const modelDir = path.resolve(values.out!);

  const { trainFiles, validFiles } = splitCorpus(corpusDir, work, log);
  if (values['words-only']) {
    const folder = loadModelFolder(modelDir);
    const { wordMemory, ...memories } = rememberWords(trainFiles, log);
    saveModelFolder(modelDir, { ...folder, meta: { ...folder.meta, wordMemory }, ...memories });
    log(`saved ${modelDir} with a new word memory`);
    return;
  }
  const init = values.init ? loadModelFolder(values.init) : undefined;
  const tokenizer = init ? initTokenizer(init, values.init!, log) : loadOrTrainTokenizer(path.join(work, `tokenizer-${values.vocab}.json`), trainFiles, values, seed, log);
  const { trainDocs, validDocs } = encodeFiles(tokenizer, trainFiles, validFiles, Number(values['train-fraction']), seed, log);
  const cfg = init?.cfg ?? modelConfig(tokenizer, values);
  const options = trainOptions(values, seed);
  log(`model ${JSON.stringify(cfg)}; options ${JSON.stringify(options)}`);
  const checkpointFile = path.join(work, 'checkpoint.bin');
  const run = { work, modelDir, cfg, tokenizer, trainFiles, validFiles, init, initDir: values.init, options, started, log };
  if (values['export-best']) {
    const best = readCheckpointBest(checkpointFile, cfg);
    log(`exporting the best weights of ${checkpointFile} (step ${best.step}, slice ${best.bestBitsPerChar.toFixed(4)} bpc)`);
    await saveScored(run, best.weights, { steps: best.step, stopped: 'exported from the checkpoint', history: best.history, options });
    return;
  }
  const result = await trainModel(cfg, init?.weights ?? initWeights(cfg, seed), tokenizer, trainDocs, validDocs, options, values, seed, checkpointFile, log);

  if (values['slice-only']) {
    saveModelFolder(modelDir, { cfg, weights: result.weights, tokenizerJSON: tokenizer.toJSON() });
    log(`saved ${modelDir} (slice only: ${result.trainTokens} tokens in ${Math.round((Date.now() - started) / 1000)} s)`);
    return;
  }
  await saveScored(run, result.weights, { trainTokens: result.trainTokens, steps: result.steps, stopped: result.stopped, history: result.history, options });
}

/**
 * Saves `weights` to --out with the word memory (the --init folder's, else one of the training
 * files), after scoring every validation file, by language, with the saved folder itself (as
 * `recurrent eval` will).
 */
async function saveScored(
  run: { work: string; modelDir: string; cfg: ModelConfig; tokenizer: Tokenizer; trainFiles: readonly CorpusFile[]; validFiles: readonly CorpusFile[]; init?: ModelFolder; initDir?: string; options: TrainOptions; started: number; log: Log },
  weights: Weights,
  training: Record<string, unknown>,
): Promise<void> {
  const { work, modelDir, cfg, tokenizer, trainFiles, validFiles, init, log } = run;
  const tmpDir = path.join(work, 'model-unscored');
  saveModelFolder(tmpDir, { cfg, weights, tokenizerJSON: tokenizer.toJSON() });
  const validation = await evaluateFolder(tmpDir, validFiles, { byLanguage: true, threads: run.options.threads });
  fs.writeFileSync(path.join(work, 'validation.json'), JSON.stringify(validation, null, 2));
  const { wordMemory, ...memories } = init?.words ? { words: init.words, kindWords: init.kindWords, wordMemory: init.meta.wordMemory } : rememberWords(trainFiles, log);
  saveModelFolder(modelDir, {
    cfg,
    weights,
    tokenizerJSON: tokenizer.toJSON(),
    ...memories,
    meta: {
      wordMemory,
      name: 'recurrent-base',
      created: new Date().toISOString(),
      parent: run.initDir ? path.resolve(run.initDir) : null,
      training: {
        corpus: 'shared/corpus (see README model card)', trainFiles: trainFiles.length, validFiles: validFiles.length,
        seconds: (Date.now() - run.started) / 1000, hardware: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`, ...training,
      },
      metrics: { validation },
    },
  });
  log(`saved ${modelDir}; validation ${validation.bitsPerChar.toFixed(4)} bpc; per language ${JSON.stringify(validation.languages)}`);
}

/** Logs to stderr and appends to `file`, each line stamped with the time. */
function openLog(file: string): Log {
  return (m) => {
    const line = `${new Date().toISOString()} ${m}`;
    process.stderr.write(line + '\n');
    fs.appendFileSync(file, line + '\n');
  };
}

/** The corpus split into training and validation files (5% of each source, by hash); the validation list goes to the work folder. */
function splitCorpus(corpusDir: string, work: string, log: Log): { trainFiles: CorpusFile[]; validFiles: CorpusFile[] } {
  const { train: trainFiles, valid: validFiles, skipped } = splitBaseCorpus(corpusDir);
  fs.writeFileSync(path.join(work, 'validation-files.txt'), validFiles.map((f) => path.join(corpusDir, f.path)).join('\n') + '\n');
  log(`corpus: ${trainFiles.length + validFiles.length} files (skipped ${JSON.stringify(skipped)}); ${trainFiles.length} train, ${validFiles.length} validation`);
  return { trainFiles, validFiles };
}

/** The word memories of the training files: words.bin of all of them, words.<kind>.bin of each kind's; and model.json's account of them. */
function rememberWords(trainFiles: readonly CorpusFile[], log: Log): { words: Uint8Array; kindWords: KindWords; wordMemory: Record<string, unknown> } {
  const remember = (files: readonly CorpusFile[], name: string, options: NgramOptions) => {
    const t0 = Date.now();
    const words = NgramModel.train(files.map((f) => f.text), options).encode();
    log(`${name}: ${(words.length / 1e6).toFixed(2)} MB from ${files.length} files in ${Math.round((Date.now() - t0) / 1000)} s`);
    return words;
  };
  const kindWords: KindWords = {};
  const kinds: Record<string, unknown> = {};
  for (const [kind, languages] of Object.entries(WORD_MEMORY_KINDS) as [WordMemoryKind, readonly Language[]][]) {
    const files = trainFiles.filter((f) => languages.includes(languageOfPath(f.path)));
    kindWords[kind] = remember(files, kindWordsFile(kind), kindMemoryOptions());
    kinds[kind] = { ...kindMemoryOptions(), languages, files: files.length };
  }
  return { words: remember(trainFiles, MODEL_FILES.words, corpusMemoryOptions()), kindWords, wordMemory: { ...corpusMemoryOptions(), files: trainFiles.length, kinds } };
}

/** The tokenizer of the --init folder, whose training continues. */
function initTokenizer(init: ModelFolder, dir: string, log: Log): Tokenizer {
  const tokenizer = Tokenizer.fromJSON(init.tokenizerJSON);
  log(`continuing from ${path.resolve(dir)}: ${JSON.stringify(init.cfg)}, ${tokenizer.languageIds.size ? 'with' : 'without'} language tokens`);
  return tokenizer;
}

/** Tokenizer: trained on an even sample of the training files only, cached across sittings in `file`. */
function loadOrTrainTokenizer(file: string, trainFiles: readonly CorpusFile[], values: Values, seed: number, log: Log): Tokenizer {
  if (fs.existsSync(file)) return Tokenizer.load(file);
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
  const tokenizer = trainTokenizer(texts, { vocabSize: Number(values.vocab) });
  fs.writeFileSync(file, JSON.stringify(tokenizer.toJSON()));
  log(`tokenizer: ${tokenizer.vocabSize} ids from ${texts.length} files (${(size / 1e6).toFixed(1)} MB) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return tokenizer;
}

/** The training files (a shuffled `fraction` of them) and the validation files as token ids, each with its start tokens (its language's, when the tokenizer has language tokens). */
function encodeFiles(tokenizer: Tokenizer, trainFiles: readonly CorpusFile[], validFiles: readonly CorpusFile[], fraction: number, seed: number, log: Log): { trainDocs: Document[]; validDocs: Document[] } {
  const t1 = Date.now();
  const encode = (f: CorpusFile): Document => ({ ids: Int32Array.from(tokenizer.encode(f.text)), chars: f.text.length, start: tokenizer.documentStart(languageOfPath(f.path)) });
  const trainDocs = shuffled(trainFiles, mulberry32(seed + 1)).slice(0, Math.ceil(trainFiles.length * fraction)).map(encode);
  const validDocs = validFiles.map(encode);
  const count = (d: Document[]) => d.reduce((a, x) => a + x.ids.length, 0);
  log(`encoded ${count(trainDocs)} train and ${count(validDocs)} validation tokens in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  return { trainDocs, validDocs };
}

/** The configuration of a new model: the size flags. */
function modelConfig(tokenizer: Tokenizer, values: Values): ModelConfig {
  return {
    cell: values.cell as CellType,
    vocabSize: tokenizer.vocabSize,
    embedSize: Number(values.embed),
    hiddenSize: Number(values.hidden),
    layers: Number(values.layers) as 1 | 2,
  };
}

function trainOptions(values: Values, seed: number): TrainOptions {
  return {
    ...defaultTrainOptions(),
    batch: Number(values.batch), steps: Number(values.steps), lr: Number(values.lr), epochs: Number(values.epochs),
    maxMinutes: Number(values['max-minutes']), evalEverySteps: 1000, patience: Number(values.patience), warmupSteps: 200, seed,
    threads: Number(values.threads), checkpointEverySteps: Number(values['checkpoint-every']),
  };
}

/** Trains the model from `weights` (fresh, or the --init folder's), resuming from `checkpointFile` when it holds a run of the same model. */
async function trainModel(cfg: ModelConfig, weights: Weights, tokenizer: Tokenizer, trainDocs: Document[], validDocs: Document[], options: TrainOptions, values: Values, seed: number, checkpointFile: string, log: Log) {
  // Training watches a fixed slice of the validation files; all of them are scored at the end.
  let validBudget = Number(values['valid-tokens']);
  const validSlice = shuffled(validDocs, mulberry32(seed + 2)).filter((d) => (validBudget -= d.ids.length) >= 0);
  const result = await train({
    cfg,
    weights,
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
  return result;
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
