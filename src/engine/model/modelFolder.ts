// The model folder (docs/architecture.md §3): model.onnx (the step graph with its weights), tokenizer.json
// (Hugging Face format) and model.json (config, provenance, metrics), and optionally words.bin
// (the word memory, ngram/wordMemory) with words.<kind>.bin beside it (the memory of one kind of
// text, tokenizer/language WORD_MEMORY_KINDS), and gradients.bin (dynamic evaluation's prior,
// model/gradientPrior). Written atomically; loading checks that
// the first three agree and names the faulty file when they do not.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildStepModel, readWeights } from './inferenceGraphs';
import { checkConfig, ModelConfig } from './modelConfig';
import { Weights } from './weights';
import { WORD_MEMORY_KINDS, WordMemoryKind } from '../tokenizer';

export const MODEL_FILES = { onnx: 'model.onnx', tokenizer: 'tokenizer.json', info: 'model.json', words: 'words.bin', gradients: 'gradients.bin' } as const;

/** The file of the word memory of one kind of text. */
export function kindWordsFile(kind: WordMemoryKind): string {
  return `words.${kind}.bin`;
}

/** The word memories of kinds of text, as read or to write (each decoded by its user). */
export type KindWords = Partial<Record<WordMemoryKind, Uint8Array>>;

/** model.json beyond the config: provenance and results, free-form below the top level. */
export interface ModelMeta {
  created?: string; // ISO date
  parent?: string | null; // the model this one was fine-tuned from
  training?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ModelFolder {
  cfg: ModelConfig;
  weights: Weights;
  onnx: Uint8Array;
  tokenizerJSON: unknown;
  meta: ModelMeta;
  /** words.bin as read (decoded by its user), if the folder has it. */
  words?: Uint8Array;
  /** words.<kind>.bin as read, for the kinds the folder has. */
  kindWords?: KindWords;
  /** gradients.bin as read (decoded by the learner), if the folder has it. */
  gradients?: Uint8Array;
}

const CONFIG_KEYS = ['cell', 'vocabSize', 'embedSize', 'hiddenSize', 'layers'] as const;

/** Number of token ids in a Hugging Face tokenizer.json: `model.vocab` plus added tokens not in it. */
export function tokenizerVocabSize(json: unknown): number {
  const j = json as { model?: { vocab?: unknown }; added_tokens?: unknown };
  const vocab = j?.model?.vocab;
  if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) throw new Error('has no "model.vocab" object');
  const ids = new Set<number>(Object.values(vocab as Record<string, number>));
  for (const t of Array.isArray(j.added_tokens) ? j.added_tokens : []) ids.add((t as { id: number }).id);
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0 || id >= ids.size) throw new Error(`has token id ${id}; ids must be 0..${ids.size - 1} without gaps`);
  }
  return ids.size;
}

function checkTokenizer(json: unknown, cfg: ModelConfig, where: string): void {
  let size: number;
  try {
    size = tokenizerVocabSize(json);
  } catch (e) {
    throw new Error(`${where} ${(e as Error).message}`);
  }
  if (size !== cfg.vocabSize) throw new Error(`${where} has ${size} tokens but the model's vocabulary size is ${cfg.vocabSize}`);
}

function writeFileSynced(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the renames are still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Siblings an interrupted save may leave: `.NAME.tmp-*` (new, incomplete) and `.NAME.old-*` (previous). */
function siblings(dir: string, kind: 'tmp' | 'old'): string[] {
  const parent = path.dirname(dir);
  const prefix = `.${path.basename(dir)}.${kind}-`;
  try {
    return fs.readdirSync(parent).filter((n) => n.startsWith(prefix)).map((n) => path.join(parent, n));
  } catch {
    return [];
  }
}

/** A save interrupted between its two renames leaves no folder but a `.old-` copy: put it back. */
function recoverInterruptedSave(dir: string): void {
  if (fs.existsSync(dir)) return;
  const [old] = siblings(dir, 'old');
  if (old) fs.renameSync(old, dir);
}

/**
 * Writes model.onnx, tokenizer.json, model.json and the word memories given into `dir` atomically:
 * everything goes to a sibling temp folder (fsynced), then the old folder is renamed away and the
 * new one renamed in. On any failure the previous folder stays as it was.
 */
export function saveModelFolder(dir: string, folder: { cfg: ModelConfig; weights: Weights; tokenizerJSON: unknown; meta?: ModelMeta; words?: Uint8Array; kindWords?: KindWords; gradients?: Uint8Array }): void {
  const { cfg, weights, tokenizerJSON, meta = {}, words, kindWords = {}, gradients } = folder;
  checkConfig(cfg);
  checkTokenizer(tokenizerJSON, cfg, 'the tokenizer');
  const onnx = buildStepModel(cfg, weights); // also checks the weights against the config
  const info = {
    format: 1,
    ...Object.fromEntries(CONFIG_KEYS.map((k) => [k, cfg[k]])),
    created: meta.created ?? new Date().toISOString(),
    parent: meta.parent ?? null,
    training: meta.training ?? {},
    metrics: meta.metrics ?? {},
    ...Object.fromEntries(Object.entries(meta).filter(([k]) => !['created', 'parent', 'training', 'metrics', 'format', ...CONFIG_KEYS].includes(k))),
  };
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  recoverInterruptedSave(target);
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    writeFileSynced(path.join(tmp, MODEL_FILES.onnx), onnx);
    writeFileSynced(path.join(tmp, MODEL_FILES.tokenizer), JSON.stringify(tokenizerJSON));
    writeFileSynced(path.join(tmp, MODEL_FILES.info), JSON.stringify(info, null, 2) + '\n');
    if (words) writeFileSynced(path.join(tmp, MODEL_FILES.words), words);
    for (const [kind, bytes] of Object.entries(kindWords) as [WordMemoryKind, Uint8Array][]) writeFileSynced(path.join(tmp, kindWordsFile(kind)), bytes);
    if (gradients) writeFileSynced(path.join(tmp, MODEL_FILES.gradients), gradients);
    fsyncDir(tmp);
    let old: string | null = null;
    if (fs.existsSync(target)) {
      old = `${parent}${path.sep}.${path.basename(target)}.old-${path.basename(tmp).split('.tmp-')[1]}`;
      fs.renameSync(target, old);
    }
    try {
      fs.renameSync(tmp, target);
    } catch (e) {
      if (old) fs.renameSync(old, target);
      throw e;
    }
    fsyncDir(parent);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function readFile(dir: string, name: string): Buffer {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`Model folder ${dir} has no ${name}.`);
    throw new Error(`Cannot read ${file}: ${(e as Error).message}`);
  }
}

function readJSON(dir: string, name: string): unknown {
  const text = readFile(dir, name).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path.join(dir, name)} is not valid JSON (truncated or corrupt?): ${(e as Error).message}`);
  }
}

/** Loads and cross-checks a model folder; every error names the file at fault. */
export function loadModelFolder(dir: string): ModelFolder {
  const abs = path.resolve(dir);
  recoverInterruptedSave(abs);
  if (!fs.existsSync(abs)) throw new Error(`Model folder ${abs} does not exist.`);
  const infoFile = path.join(abs, MODEL_FILES.info);
  const info = readJSON(abs, MODEL_FILES.info) as Record<string, unknown>;
  if (!info || typeof info !== 'object' || Array.isArray(info)) throw new Error(`${infoFile} is not a JSON object.`);
  if (info.format !== 1) throw new Error(`${infoFile} has format ${JSON.stringify(info.format)}; this version reads format 1.`);
  const declared = Object.fromEntries(CONFIG_KEYS.map((k) => [k, info[k]])) as unknown as ModelConfig;
  try {
    checkConfig(declared);
  } catch (e) {
    throw new Error(`${infoFile}: ${(e as Error).message}`);
  }

  const onnxFile = path.join(abs, MODEL_FILES.onnx);
  const onnx = new Uint8Array(readFile(abs, MODEL_FILES.onnx));
  let read: ReturnType<typeof readWeights>;
  try {
    read = readWeights(onnx);
  } catch (e) {
    throw new Error(`${onnxFile} is truncated or not a Recurrent model: ${(e as Error).message}`);
  }
  for (const k of CONFIG_KEYS) {
    if (read.cfg[k] !== declared[k]) throw new Error(`${infoFile} says ${k} ${declared[k]} but ${onnxFile} has ${read.cfg[k]}.`);
  }

  const tokenizerJSON = readJSON(abs, MODEL_FILES.tokenizer);
  checkTokenizer(tokenizerJSON, read.cfg, path.join(abs, MODEL_FILES.tokenizer));

  const meta: ModelMeta = Object.fromEntries(Object.entries(info).filter(([k]) => k !== 'format' && !(CONFIG_KEYS as readonly string[]).includes(k)));
  const optional = (name: string) => (fs.existsSync(path.join(abs, name)) ? new Uint8Array(readFile(abs, name)) : undefined);
  const kindWords: KindWords = {};
  for (const kind of Object.keys(WORD_MEMORY_KINDS) as WordMemoryKind[]) {
    const bytes = optional(kindWordsFile(kind));
    if (bytes) kindWords[kind] = bytes;
  }
  return { cfg: read.cfg, weights: read.weights, onnx, tokenizerJSON, meta, words: optional(MODEL_FILES.words), kindWords, gradients: optional(MODEL_FILES.gradients) };
}
