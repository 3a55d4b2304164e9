// `recurrent simulate`: the neural engine and the baselines typed through the same files.
// The n-gram baseline learns from the same data as the model: the training part of the corpus the
// model folder names (the shared corpus minus its validation files), or the files given.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../runtime/completeOptions';
import { defaultEngineClientOptions, EngineClient } from '../runtime/engineClient';
import { CorpusFile, readCorpus, splitByFile } from '../training/corpus';
import { formatSimulationTable } from './formatSimulationTable';
import { Frequency } from './frequency';
import { NgramCache } from './ngramCache';
import { NgramModel } from '../ngram/ngramModel';
import { RecurrentSystem } from './recurrentSystem';
import { simulate, SimulationResult } from './simulate';
import { VscodeWords } from './vscodeWords';

export interface SimulationRun {
  readonly modelDir: string;
  readonly workerPath: string;
  readonly files: readonly CorpusFile[];
  readonly maxWords?: number;
  readonly maxWordsPerFile?: number;
  /** Folder the n-gram learns from; defaults to the shared corpus's training files. */
  readonly ngramTrain?: string;
  /** false: the recurrent system without its neural cache. */
  readonly neuralCache?: boolean;
  readonly onProgress?: (message: string) => void;
}

const sharedCorpus = path.resolve(__dirname, '..', '..', 'shared', 'corpus');

export async function runSimulation(run: SimulationRun): Promise<SimulationResult & { table: string }> {
  const say = run.onProgress ?? (() => undefined);
  const ngramTexts = ngramTrainingTexts(run.ngramTrain);
  say(`training the n-gram baseline on ${ngramTexts.length} files…`);
  const ngram = NgramModel.train(ngramTexts);
  const client = new EngineClient({ ...defaultEngineClientOptions(run.workerPath), neuralCache: run.neuralCache });
  try {
    await client.load(run.modelDir);
    const limit = 10;
    say(`typing ${run.files.length} files…`);
    const result = await simulate(
      run.files.map((f) => ({ path: f.path, text: f.text })),
      [new RecurrentSystem(client, { ...defaultCompleteOptions(), maxItems: limit }), new VscodeWords(), new Frequency(), new NgramCache(ngram)],
      { maxWords: run.maxWords, maxWordsPerFile: run.maxWordsPerFile, limit },
    );
    return { ...result, table: formatSimulationTable(result) };
  } finally {
    await client.dispose();
  }
}

function ngramTrainingTexts(folder?: string): string[] {
  if (folder) return readCorpus([folder]).files.map((f) => f.text);
  if (!fs.existsSync(sharedCorpus)) throw new Error(`the n-gram baseline needs training text: ${sharedCorpus} is missing (pass --ngram-train DIR)`);
  // The same split as scripts/research/trainBase.ts, so the n-gram never sees the validation files either.
  return splitByFile(readCorpus([sharedCorpus], { maxFileBytes: 2 * 1024 * 1024 }).files, 0.05).train.map((f) => f.text);
}
