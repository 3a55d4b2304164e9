// `recurrent eval --dynamic`: dynamic evaluation as Krause et al. score it. Each file, in the given
// order, is scored by the weights learned so far and then learned from, before the next; the same
// files scored by the unchanged model are reported beside it as "static". With the neural cache (as
// completion's scores use it), every file is scored both ways, so one run gives the network alone,
// the cache alone, dynamic evaluation alone and both together, on the same files.
import { defaultNeuralCache, gradientPriorOf, loadModelFolder, NeuralCacheOptions } from '../model';
import { languageOfPath, Tokenizer } from '../tokenizer';
import { CorpusFile } from './corpus';
import { DynamicEvalOptions, DynamicLearner } from './dynamicEval';
import { Document, summarize } from './evaluate';

interface Figures {
  readonly bitsPerChar: number;
  readonly perplexity: number;
}

export interface DynamicScore extends Figures {
  readonly files: number;
  readonly chars: number;
  readonly tokens: number;
  /** The same files scored by the model as it was loaded. */
  readonly static: Figures;
  /** Both again with the neural cache; absent when it is off. */
  readonly withCache?: Figures & { readonly static: Figures; readonly cache: NeuralCacheOptions };
  readonly learning: DynamicEvalOptions & { readonly gradientPrior: boolean; readonly steps: number; readonly stepsPerKB: number; readonly cpuSecondsPerKB: number };
  readonly seconds: number;
}

export async function evaluateDynamic(modelDir: string, files: readonly CorpusFile[], options: { dynamic?: Partial<DynamicEvalOptions>; cache?: NeuralCacheOptions | null; threads?: number; onProgress?: (m: string) => void } = {}): Promise<DynamicScore> {
  const started = Date.now();
  const cache = options.cache === undefined ? defaultNeuralCache() : options.cache;
  const folder = loadModelFolder(modelDir);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  options.onProgress?.(`tokenizing ${files.length} files…`);
  const docs: Document[] = files.map((f) => ({ ids: tokenizer.encode(f.text), chars: f.text.length, start: tokenizer.documentStart(languageOfPath(f.path)) }));
  const learner = DynamicLearner.create(folder.cfg, folder.weights, tokenizer.docStartId, options.dynamic, options.threads ?? 2, folder.weights, gradientPriorOf(folder, modelDir));
  let chars = 0;
  let tokens = 0;
  const figures = (nats: number): Figures => {
    const s = summarize({ files: docs.length, chars, tokens, nats });
    return { bitsPerChar: s.bitsPerChar, perplexity: s.perplexity };
  };
  let fixed = 0;
  let fixedCached = 0;
  let nats = 0;
  let natsCached = 0;
  let steps = 0;
  let learnCpu = 0;
  try {
    // Before any learning the learner's weights are the model's.
    ({ nats: fixed, chars, tokens } = await learner.score(docs));
    if (cache) fixedCached = (await learner.score(docs, cache)).nats;
    for (let i = 0; i < docs.length; i++) {
      nats += (await learner.score([docs[i]])).nats;
      if (cache) natsCached += (await learner.score([docs[i]], cache)).nats;
      const cpu = process.cpuUsage();
      steps += (await learner.learn(docs[i])).steps;
      const used = process.cpuUsage(cpu);
      learnCpu += (used.user + used.system) / 1e6;
      if ((i + 1) % 10 === 0 || i + 1 === docs.length) options.onProgress?.(`${i + 1}/${docs.length} files, ${steps} steps, ${(nats / Math.LN2 / docs.slice(0, i + 1).reduce((a, d) => a + d.chars, 0)).toFixed(3)} bits/char so far`);
    }
  } finally {
    await learner.dispose();
  }
  const kb = chars / 1024;
  return {
    files: docs.length, chars, tokens, ...figures(nats),
    static: figures(fixed),
    ...(cache ? { withCache: { ...figures(natsCached), static: figures(fixedCached), cache } } : {}),
    learning: { ...learner.options, gradientPrior: learner.hasPrior, steps, stepsPerKB: steps / kb, cpuSecondsPerKB: learnCpu / kb },
    seconds: (Date.now() - started) / 1000,
  };
}
