// `recurrent eval --dynamic`: dynamic evaluation as Krause et al. score it. Each file, in the given
// order, is scored by the weights learned so far and then learned from, before the next; the same
// files scored by the unchanged model are reported beside it as "static".
import { buildScoreModel, loadModelFolder, stateSize } from '../model';
import { createSession } from '../onnx/ortSession';
import { Tokenizer } from '../tokenizer';
import { CorpusFile } from './corpus';
import { DynamicEvalOptions, DynamicLearner } from './dynamicEval';
import { Document, scoreDocuments, summarize } from './evaluate';

export interface DynamicScore {
  readonly files: number;
  readonly chars: number;
  readonly tokens: number;
  readonly bitsPerChar: number;
  readonly perplexity: number;
  /** The same files scored by the model as it was loaded. */
  readonly static: { readonly bitsPerChar: number; readonly perplexity: number };
  readonly learning: DynamicEvalOptions & { readonly steps: number; readonly stepsPerKB: number; readonly cpuSecondsPerKB: number };
  readonly seconds: number;
}

export async function evaluateDynamic(modelDir: string, files: readonly CorpusFile[], options: { dynamic?: Partial<DynamicEvalOptions>; threads?: number; onProgress?: (m: string) => void } = {}): Promise<DynamicScore> {
  const started = Date.now();
  const threads = options.threads ?? 2;
  const folder = loadModelFolder(modelDir);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  options.onProgress?.(`tokenizing ${files.length} files…`);
  const docs: Document[] = files.map((f) => ({ ids: tokenizer.encode(f.text), chars: f.text.length }));

  const session = await createSession(buildScoreModel(folder.cfg, folder.weights), threads);
  let fixed;
  try {
    fixed = summarize(await scoreDocuments({ session, stateSize: stateSize(folder.cfg), layers: folder.cfg.layers }, tokenizer.docStartId, docs));
  } finally {
    await session.release();
  }

  const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, options.dynamic, threads);
  let nats = 0;
  let steps = 0;
  let learnCpu = 0;
  try {
    for (let i = 0; i < docs.length; i++) {
      nats += (await learner.score([docs[i]])).nats;
      const cpu = process.cpuUsage();
      steps += (await learner.learn(docs[i].ids)).steps;
      const used = process.cpuUsage(cpu);
      learnCpu += (used.user + used.system) / 1e6;
      if ((i + 1) % 10 === 0 || i + 1 === docs.length) options.onProgress?.(`${i + 1}/${docs.length} files, ${steps} steps, ${(nats / Math.LN2 / docs.slice(0, i + 1).reduce((a, d) => a + d.chars, 0)).toFixed(3)} bits/char so far`);
    }
  } finally {
    await learner.dispose();
  }
  const s = summarize({ files: docs.length, chars: fixed.chars, tokens: fixed.tokens, nats });
  const kb = s.chars / 1024;
  return {
    files: s.files, chars: s.chars, tokens: s.tokens, bitsPerChar: s.bitsPerChar, perplexity: s.perplexity,
    static: { bitsPerChar: fixed.bitsPerChar, perplexity: fixed.perplexity },
    learning: { ...learner.options, steps, stepsPerKB: steps / kb, cpuSecondsPerKB: learnCpu / kb },
    seconds: (Date.now() - started) / 1000,
  };
}
