// The neural cache's λ, θ and N (model/cacheGraphs.ts defaultNeuralCache), and whether its key is the
// recurrent output hₜ or the projected vector P·hₜ + b, chosen by bits per character on TUNING files
// only: the network's log-probs from the plain score graph, p_cache from the cache score graph run
// with λ = 1 for each (key, N, θ), and the mixture for every λ from the two.
//   npx tsx scripts/research/tuneNeuralCache.ts --max-chars 30000 [--keys projected,hidden] [--sizes 1024,2048]
//     [--projected-thetas 0.01,0.02] [--hidden-thetas 0.05] [--lambdas 0.2,0.3] $(cat tune.txt) $(scripts/research/projects.sh tune | cut -f2)
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CacheKey, loadModelFolder } from '../../src/engine/model';
import { languageOfPath, Tokenizer } from '../../src/engine/tokenizer';
import { readCorpus } from '../../src/engine/training/corpus';
import { Document, scoreWeights } from '../../src/engine/training/evaluate';

const list = (s: string | undefined, d: number[]) => (s ? s.split(',').map(Number) : d);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string' }, 'max-chars': { type: 'string' }, keys: { type: 'string' },
      sizes: { type: 'string' }, 'projected-thetas': { type: 'string' }, 'hidden-thetas': { type: 'string' }, lambdas: { type: 'string' },
    },
  });
  const sizes = list(values.sizes, [256, 512, 1024, 2048, 4096]).sort((a, b) => a - b);
  const thetas: Record<CacheKey, number[]> = { projected: list(values['projected-thetas'], [0.02, 0.05, 0.1, 0.2, 0.3, 0.5]), hidden: list(values['hidden-thetas'], [0.05, 0.1, 0.2, 0.3, 0.5, 1]) };
  const lambdas = list(values.lambdas, [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4]);
  const modelDir = values.model ?? path.join(__dirname, '..', '..', 'media', 'models', 'base');
  const maxChars = Number(values['max-chars'] ?? 1e9);
  const folder = loadModelFolder(modelDir);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  // Each path (a project folder or a file) contributes at most maxChars characters, in file order.
  const docs: Document[] = [];
  for (const p of positionals) {
    let chars = 0;
    for (const f of readCorpus([p], { maxFileBytes: 2 * 1024 * 1024 }).files) {
      if (chars >= maxChars) break;
      chars += f.text.length;
      docs.push({ ids: tokenizer.encode(f.text), chars: f.text.length, start: tokenizer.documentStart(languageOfPath(f.path)) });
    }
  }
  const chars = docs.reduce((a, d) => a + d.chars, 0);
  const netLogp: Float32Array[] = [];
  const net = await scoreWeights(folder.cfg, folder.weights, tokenizer.docStartId, docs, { threads: 2, onTokenLogProbs: (d, lp) => (netLogp[d] = lp) });
  console.log(`${docs.length} files, ${chars} chars, ${net.tokens} tokens; network alone ${(net.nats / Math.LN2 / chars).toFixed(4)} bits/char`);

  for (const key of (values.keys ?? 'projected,hidden').split(',') as CacheKey[]) {
    let best = { bpc: Infinity, label: '' };
    console.log(`\nkey ${key}: bits/char by N, θ (rows) and λ (columns ${lambdas.join(' ')})`);
    for (const size of sizes) {
      for (const theta of thetas[key]) {
        // λ = 1 − ε gives p_cache of every target but each document's first (ε keeps a log of 0
        // out of the score's sum); mixed here for every λ.
        const eps = 1e-6;
        const nats = new Float64Array(lambdas.length);
        await scoreWeights(folder.cfg, folder.weights, tokenizer.docStartId, docs, {
          cache: { size, theta, lambda: 1 - eps, completionLambda: 0, key },
          threads: 2,
          onTokenLogProbs: (d, lp) => lp.forEach((x, p) => {
            const pNet = Math.exp(netLogp[d][p]);
            const pCache = Math.max(0, (Math.exp(x) - eps * pNet) / (1 - eps));
            for (let l = 0; l < lambdas.length; l++) nats[l] -= p === 0 ? x : Math.log((1 - lambdas[l]) * pNet + lambdas[l] * pCache);
          }),
        });
        const bpc = Array.from(nats, (x) => x / Math.LN2 / chars);
        console.log(`N ${String(size).padStart(4)} θ ${String(theta).padEnd(5)}  ${bpc.map((x) => x.toFixed(4)).join(' ')}`);
        bpc.forEach((x, l) => x < best.bpc && (best = { bpc: x, label: `N ${size} θ ${theta} λ ${lambdas[l]}` }));
      }
    }
    console.log(`best for key ${key}: ${best.label}: ${best.bpc.toFixed(4)} bits/char`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
