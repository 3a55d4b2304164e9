// A whole training job as "Train on workspace" and `recurrent train` run it: read the model folder,
// tokenize and split the files, train, and save the result as a new model folder (atomically).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelFolder, saveModelFolder } from '../model';
import { languageOfPath, Tokenizer } from '../tokenizer';
import { CorpusFile } from './corpus';
import { Document } from './evaluate';
import { modelIdentity, readLearnedWeights } from './learnedWeights';
import { defaultTrainOptions, train, TrainOptions, TrainProgress } from './trainer';

export interface FineTuneRequest {
  readonly files: readonly CorpusFile[];
  readonly fromDir: string;
  readonly outDir: string;
  readonly options?: Partial<TrainOptions>;
  /** Share of each file (its last lines) held out to measure before and after. */
  readonly validFraction?: number;
  /** Recorded in model.json: what the model was adapted to. */
  readonly description?: string;
  /** Learned weights (dynamic evaluation) to start from instead of the folder's, if learned from that folder. */
  readonly learnedWeights?: string;
}

export interface FineTuneResult {
  readonly files: number;
  readonly trainTokens: number;
  readonly validTokens: number;
  readonly before: { readonly bitsPerChar: number; readonly perplexity: number };
  readonly after: { readonly bitsPerChar: number; readonly perplexity: number };
  readonly tokensPerSecond: number;
  readonly seconds: number;
  readonly stopped: string;
  readonly outDir: string;
}

export type FineTuneProgress =
  | { readonly phase: 'preparing' }
  | { readonly phase: 'prepared'; readonly files: number; readonly trainTokens: number; readonly validTokens: number }
  | ({ readonly phase: 'training' } & TrainProgress);

/** Fine-tunes the model in `fromDir` on the files; writes `outDir` only when training completes. */
export async function fineTune(request: FineTuneRequest, onProgress?: (p: FineTuneProgress) => void, signal?: AbortSignal): Promise<FineTuneResult> {
  const started = Date.now();
  checkCanSave(request.outDir);
  onProgress?.({ phase: 'preparing' });
  const base = startingModel(request.fromDir, request.learnedWeights);
  const tokenizer = Tokenizer.fromJSON(base.tokenizerJSON);
  const toDoc = (text: string, file: string): Document => ({ ids: tokenizer.encode(text), chars: text.length, start: tokenizer.documentStart(languageOfPath(file)) });
  // Every file gives its last tenth (whole lines) to validation: a workspace is often a handful of
  // files, and what matters is how well the model predicts more of the same code.
  const trainDocs: Document[] = [];
  const validDocs: Document[] = [];
  for (const f of request.files) {
    const cut = tailCut(f.text, request.validFraction ?? 0.1);
    trainDocs.push(toDoc(f.text.slice(0, cut), f.path));
    if (cut < f.text.length) validDocs.push(toDoc(f.text.slice(cut), f.path));
  }
  const trainTokens = trainDocs.reduce((a, d) => a + d.ids.length, 0);
  if (!trainDocs.length || trainTokens === 0) throw new Error('There is no text to train on.');
  onProgress?.({ phase: 'prepared', files: request.files.length, trainTokens, validTokens: validDocs.reduce((a, d) => a + d.ids.length, 0) });
  // Small workspaces get smaller batches so that an epoch still has steps to take.
  const defaults = defaultTrainOptions();
  const batch = Math.max(1, Math.min(request.options?.batch ?? defaults.batch, Math.floor(trainTokens / ((request.options?.steps ?? defaults.steps) * 4))));
  const options: TrainOptions = { ...defaults, lr: 1e-3, warmupSteps: 20, epochs: 3, evalEverySteps: 100, ...request.options, batch };
  const result = await train({
    cfg: base.cfg,
    weights: base.weights,
    docStartId: tokenizer.docStartId,
    train: trainDocs,
    valid: validDocs,
    options,
    signal,
    onProgress: (p) => onProgress?.({ phase: 'training', ...p }),
  });
  const measure = (s: { bitsPerChar: number; perplexity: number }) => ({ bitsPerChar: s.bitsPerChar, perplexity: s.perplexity });
  const seconds = (Date.now() - started) / 1000;
  saveOrExplain(request.outDir, {
    cfg: base.cfg,
    weights: result.weights,
    tokenizerJSON: base.tokenizerJSON,
    // The workspace's words are the project memory's (runtime/projectMemory), always current: not the model's.
    words: base.words,
    kindWords: base.kindWords,
    // The base's gradient statistics: fine-tuning moves the weights a little, not the scale of their gradients.
    gradients: base.gradients,
    meta: {
      parent: typeof base.meta.name === 'string' ? base.meta.name : request.fromDir,
      name: request.description ?? 'fine-tuned',
      created: new Date().toISOString(),
      training: {
        files: request.files.length, trainTokens: result.trainTokens, validTokens: validDocs.reduce((a, d) => a + d.ids.length, 0),
        steps: result.steps, seconds, stopped: result.stopped, hardware: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
        options,
      },
      metrics: { before: measure(result.before), after: measure(result.after) },
    },
  });
  return {
    files: request.files.length,
    trainTokens: result.trainTokens,
    validTokens: result.after.tokens,
    before: measure(result.before),
    after: measure(result.after),
    tokensPerSecond: result.tokensPerSecond,
    seconds,
    stopped: result.stopped,
    outDir: request.outDir,
  };
}

/** The model folder, with the weights learned from it while the user worked when there are any. */
function startingModel(fromDir: string, learnedWeights: string | undefined) {
  const base = loadModelFolder(fromDir);
  if (!learnedWeights || !fs.existsSync(learnedWeights)) return base;
  const learned = readLearnedWeights(learnedWeights);
  return learned.header.base === modelIdentity(fromDir, base.meta) ? { ...base, weights: learned.weights } : base;
}

/** Fails at once, before minutes of training, when no folder can be created next to `outDir`. */
function checkCanSave(outDir: string): void {
  const parent = path.dirname(path.resolve(outDir));
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.rmdirSync(fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}.probe-`)));
  } catch (e) {
    throw new Error(`Cannot save a model in ${parent}: ${(e as Error).message}`);
  }
}

/** saveModelFolder with an error that says where and that nothing changed (a full disk says only EFBIG/ENOSPC). */
function saveOrExplain(outDir: string, folder: Parameters<typeof saveModelFolder>[1]): void {
  try {
    saveModelFolder(outDir, folder);
  } catch (e) {
    throw new Error(`Cannot save the model in ${path.resolve(outDir)} (${(e as Error).message}); the previous model there, if any, is unchanged.`);
  }
}

function tailCut(text: string, fraction: number): number {
  const cut = Math.floor(text.length * (1 - fraction));
  const newline = text.indexOf('\n', cut);
  return newline < 0 ? cut : newline + 1;
}
