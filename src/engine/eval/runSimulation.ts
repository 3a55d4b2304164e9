// `recurrent simulate`: the neural engine and the baselines typed through the same files.
// The n-gram baseline learns from the same data as the model: the training part of the corpus the
// model folder names (the shared corpus minus its validation files), or the files given.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultCompleteOptions } from '../runtime/completeOptions';
import { defaultEngineClientOptions, EngineClient } from '../runtime/engineClient';
import { CorpusFile, readCorpus, splitBaseCorpus } from '../training/corpus';
import { formatSimulationTable } from './formatSimulationTable';
import { Frequency } from './frequency';
import { NgramCache, NgramCacheOptions } from './ngramCache';
import { NgramModel } from '../ngram/ngramModel';
import type { CompletionSystem } from './completionSystem';
import { RecurrentSystem } from './recurrentSystem';
import { SessionLearning } from './sessionLearning';
import type { DynamicEvalOptions } from '../training/dynamicEval';
import { simulate, SimulationResult } from './simulate';
import { VscodeWords } from './vscodeWords';

export interface SimulationRun {
  readonly modelDir: string;
  readonly workerPath: string;
  /** In a session, each file's project (the folder it was read from) is its `project`. */
  readonly files: readonly (CorpusFile & { readonly project?: string })[];
  /**
   * Session mode (simulate --session): the files of each project are typed in order, each one
   * saved into the project once typed; the result also has `static`, the same positions typed
   * without any project files.
   */
  readonly session?: boolean;
  /** Options of the ngram-cache baseline (the tuning scripts vary them). */
  readonly ngramCache?: Partial<NgramCacheOptions>;
  readonly maxWords?: number;
  readonly maxWordsPerFile?: number;
  /** Folder the n-gram learns from; defaults to the shared corpus's training files. */
  readonly ngramTrain?: string;
  /** false: the recurrent system without its neural cache. */
  readonly neuralCache?: boolean;
  /** The learner (dist/learner.js): a session also types with `recurrent+learning` (eval/sessionLearning). */
  readonly learnerPath?: string;
  /** Its settings (the editor's defaults where absent; the tuning scripts vary them). */
  readonly learning?: Partial<DynamicEvalOptions>;
  readonly onProgress?: (message: string) => void;
}

const sharedCorpus = path.resolve(__dirname, '..', '..', 'shared', 'corpus');

/** A session's result: the session's figures, and the same positions typed without project files. */
export type SessionResult = SimulationResult & { mode: 'session'; static: Pick<SimulationResult, 'words' | 'systems'> };

export async function runSimulation(run: SimulationRun): Promise<(SimulationResult | SessionResult) & { table: string }> {
  const say = run.onProgress ?? (() => undefined);
  const ngramTexts = ngramTrainingTexts(run.ngramTrain);
  say(`training the n-gram baseline on ${ngramTexts.length} files…`);
  const ngram = NgramModel.train(ngramTexts);
  const client = new EngineClient({ ...defaultEngineClientOptions(run.workerPath), neuralCache: run.neuralCache });
  const cleanup: (() => Promise<void>)[] = [];
  try {
    await client.load(run.modelDir);
    const limit = 10;
    const systems = () => [new RecurrentSystem(client, { ...defaultCompleteOptions(), maxItems: limit }), new VscodeWords(), new Frequency(), new NgramCache(ngram, run.ngramCache)];
    const files = run.files.map((f) => ({ path: f.path, text: f.text, project: f.project }));
    const options = { maxWords: run.maxWords, maxWordsPerFile: run.maxWordsPerFile, limit };
    say(`typing ${run.files.length} files${run.session ? ' without project files' : ''}…`);
    const result = await simulate(files, systems(), options);
    if (!run.session) return { ...result, table: formatSimulationTable(result) };
    say(`typing them again as a session: each file saved into its project once typed…`);
    const sessionSystems: CompletionSystem[] = systems();
    if (run.learnerPath) {
      // Its own worker: the weights it learns must not reach the plain `recurrent`.
      const learningClient = new EngineClient({ ...defaultEngineClientOptions(run.workerPath), neuralCache: run.neuralCache });
      await learningClient.load(run.modelDir);
      const learning = new SessionLearning(learningClient, run.learnerPath, run.modelDir, run.learning);
      cleanup.push(() => learning.dispose(), () => learningClient.dispose());
      sessionSystems.splice(1, 0, new RecurrentSystem(learningClient, { ...defaultCompleteOptions(), maxItems: limit }, undefined, learning));
    }
    const session = await simulate(files, sessionSystems, { ...options, session: true });
    const both: SessionResult = { ...session, mode: 'session', static: { words: result.words, systems: result.systems } };
    return { ...both, table: `session (files 0…i−1 of each project saved while file i is typed):\n${formatSimulationTable(session)}\n\nstatic (the same positions without project files):\n${formatSimulationTable(result)}` };
  } finally {
    for (const c of cleanup) await c();
    await client.dispose();
  }
}

function ngramTrainingTexts(folder?: string): string[] {
  if (folder) return readCorpus([folder]).files.map((f) => f.text);
  if (!fs.existsSync(sharedCorpus)) throw new Error(`the n-gram baseline needs training text: ${sharedCorpus} is missing (pass --ngram-train DIR)`);
  // The base model's split, so the n-gram never sees the validation files either.
  return splitBaseCorpus(sharedCorpus).train.map((f) => f.text);
}
