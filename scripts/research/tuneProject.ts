// The weights of the project scopes, chosen by session simulations (`simulate --session`) of the
// TUNING projects only (scripts/research/projects.sh tune), never the report ones: for the engine, the
// project memory's share (maxShare, prior) and its folder's share of the unigram
// (memory/projectCounts.ts); for the ngram-cache baseline, its project cache's Dirichlet priors
// (eval/ngramCache.ts), so that the baseline is tuned as fairly as the engine. Prints keystrokes
// saved and MRR by k for each setting.
//   npx tsx scripts/research/tuneProject.ts --max-words-per-file 20 --share 0.3,0.5,0.7 --prior 2000 --folder 0.5 $(scripts/research/projects.sh tune | cut -f2)
//   npx tsx scripts/research/tuneProject.ts --ngram --project-unigram 400,1600,6400 $(scripts/research/projects.sh tune | cut -f2)
import { parseArgs } from 'node:util';
import { NgramCache, simulate } from '../../src/engine/eval';
import { NgramModel } from '../../src/engine/ngram/ngramModel';
import { InProcessSystem } from '../../src/engine/eval/inProcessSystem';
import { Engine } from '../../src/engine/runtime/engine';
import { readCorpus, splitBaseCorpus } from '../../src/engine/training/corpus';

const numbers = (s: string) => s.split(',').map(Number);
const pct = (x: number) => (100 * x).toFixed(1);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'media/models/base' },
      'max-words-per-file': { type: 'string', default: '20' },
      share: { type: 'string', default: '0.5' },
      prior: { type: 'string', default: '2000' },
      folder: { type: 'string', default: '0.5' },
      static: { type: 'boolean', default: false },
      ngram: { type: 'boolean', default: false },
      'project-unigram': { type: 'string', default: '1600' },
      'project-bigram': { type: 'string', default: '32' },
    },
  });
  const files = positionals.flatMap((dir) => readCorpus([dir], { maxFileBytes: 2 * 1024 * 1024 }).files.map((f) => ({ ...f, project: dir })));
  const maxWordsPerFile = Number(values['max-words-per-file']);
  const report = (label: string, r: Awaited<ReturnType<typeof simulate>>) => {
    for (const [name, m] of Object.entries(r.systems)) console.log(`${label} ${name}: keystrokes saved ${pct(m.keystrokesSaved)}%, MRR ${pct(m.mrr.k0)} / ${pct(m.mrr.k1)} / ${pct(m.mrr.k2)} (${r.words} words)`);
  };
  if (values.ngram) {
    console.error('training the n-gram on the corpus…');
    const ngram = NgramModel.train(splitBaseCorpus(`${__dirname}/../../../shared/corpus`).train.map((f) => f.text));
    for (const unigramPrior of numbers(values['project-unigram'])) {
      for (const bigramPrior of numbers(values['project-bigram'])) {
        const r = await simulate(files, [new NgramCache(ngram, { project: { unigramPrior, bigramPrior } })], { maxWordsPerFile, session: true });
        report(`project cache unigram ${unigramPrior} bigram ${bigramPrior}:`, r);
      }
    }
    report('static:', await simulate(files, [new NgramCache(ngram)], { maxWordsPerFile }));
    return;
  }
  const engine = new Engine();
  await engine.load(values.model);
  if (values.static) report('static:', await simulate(files, [new InProcessSystem(engine, {})], { maxWordsPerFile }));
  for (const maxShare of numbers(values.share)) {
    for (const prior of numbers(values.prior)) {
      for (const folderShare of numbers(values.folder)) {
        const r = await simulate(files, [new InProcessSystem(engine, { maxShare, prior, folderShare })], { maxWordsPerFile, session: true });
        report(`share ${maxShare} prior ${prior} folder ${folderShare}:`, r);
      }
    }
  }
  await engine.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
