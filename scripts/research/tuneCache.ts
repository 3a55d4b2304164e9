// The completion mixture's weights: the document cache's Dirichlet priors (runtime/documentCache.ts)
// and the word memory's share (runtime/wordSearch.ts), chosen by a grid search of the recurrent
// engine alone typed through held-out files that are not the README's report files. Prints
// keystrokes saved and MRR by k for each combination.
//   npx tsx scripts/research/validationSlice.ts ../shared/corpus | awk 'NR%30==5' > tune.txt
//   npx tsx scripts/research/tuneCache.ts --max-words-per-file 150 --unigram 400 --bigram 32 --memory 0.3,0.5,0.7 $(cat tune.txt)
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { simulate } from '../../src/engine/eval';
import { InProcessSystem } from '../../src/engine/eval/inProcessSystem';
import { Engine } from '../../src/engine/runtime/engine';
import { defaultSearchOptions } from '../../src/engine/runtime/wordSearch';
import { KIND_SHARE } from '../../src/engine/ngram/wordMemory';
import { CachePriors } from '../../src/engine/text/cacheMixture';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'media/models/base' },
      'max-words-per-file': { type: 'string', default: '150' },
      unigram: { type: 'string', default: '100,400,1600,6400' },
      bigram: { type: 'string', default: '8,32,128' },
      memory: { type: 'string', default: String(defaultSearchOptions().memoryWeight) },
      // In prose files, the prose memory's share of the word memory (ngram/wordMemory).
      'kind-share': { type: 'string', default: String(KIND_SHARE) },
      // The search's budget, as beamWidth,maxSteps,maxDocumentWords (the engine's defaults if not given).
      search: { type: 'string' },
    },
  });
  const files = positionals.map((p) => ({ path: p, text: fs.readFileSync(p, 'utf8') }));
  if (!files.length) throw new Error('usage: npx tsx scripts/research/tuneCache.ts [--model DIR] [--max-words-per-file N] [--unigram A,B] [--bigram C,D] [--memory M,N] [--kind-share S,T] [--search BEAM,STEPS,DOCWORDS] FILE…');
  const grid = (s: string) => s.split(',').map(Number);
  const defaults = defaultSearchOptions();
  const [beamWidth, maxSteps, maxDocumentWords] = values.search ? values.search.split(',').map(Number) : [defaults.beamWidth, defaults.maxSteps, defaults.maxDocumentWords];
  process.stdout.write('unigramPrior bigramPrior memory kindShare | keystrokes saved | MRR k0 / k1 / k2\n');
  for (const unigramPrior of grid(values.unigram!)) {
    for (const bigramPrior of grid(values.bigram!)) {
      for (const memoryWeight of grid(values.memory!)) for (const kindMemoryShare of grid(values['kind-share']!)) {
        const priors: CachePriors = { unigramPrior, bigramPrior };
        const engine = new Engine({ cachePriors: priors, search: { beamWidth, maxSteps, maxDocumentWords, memoryWeight }, kindMemoryShare });
        await engine.load(values.model!);
        const r = await simulate(files, [new InProcessSystem(engine)], { maxWordsPerFile: Number(values['max-words-per-file']) });
        await engine.dispose();
        const m = r.systems.recurrent;
        const pct = (x: number) => (100 * x).toFixed(1);
        process.stdout.write(`${String(unigramPrior).padStart(12)} ${String(bigramPrior).padStart(11)} ${String(memoryWeight).padStart(6)} ${String(kindMemoryShare).padStart(9)} | ${pct(m.keystrokesSaved).padStart(16)} | ${[m.mrr.k0, m.mrr.k1, m.mrr.k2].map(pct).join(' / ')}   (${r.words} words)\n`);
      }
    }
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
