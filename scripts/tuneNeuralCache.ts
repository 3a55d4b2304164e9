// The neural cache's λ, θ and N (model/cacheGraphs.ts defaultNeuralCache), and whether its key is the
// recurrent output hₜ or the projected vector P·hₜ + b, chosen by bits per character on TUNING files
// only: the network's log-probs from the score graph, every position's key from the advance graph,
// and the cache computed here for every (N, θ) at once from the same dot products, in float64.
//   npx tsx scripts/tuneNeuralCache.ts --max-chars 60000 $(cat /work/base/tune.txt) $(scripts/projects.sh tune | cut -f2)
import * as ort from 'onnxruntime-node';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAdvanceModel, buildScoreModel, CACHE_IO, CacheKey, loadModelFolder, stateSize } from '../src/engine/model';
import { createSession, int64Tensor } from '../src/engine/runtime/ortSession';
import { Tokenizer } from '../src/engine/tokenizer';
import { readCorpus } from '../src/engine/training/corpus';
import { scoreDocuments } from '../src/engine/training/evaluate';

const sizes = [256, 512, 1024, 2048, 4096];
const thetas: Record<CacheKey, number[]> = { projected: [0.02, 0.05, 0.1, 0.2, 0.3, 0.5], hidden: [0.05, 0.1, 0.2, 0.3, 0.5, 1] };
const lambdas = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4];

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' }, 'max-chars': { type: 'string' }, keys: { type: 'string' } } });
  const modelDir = values.model ?? path.join(__dirname, '..', 'media', 'models', 'base');
  const maxChars = Number(values['max-chars'] ?? 1e9);
  const folder = loadModelFolder(modelDir);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  // Each path (a project folder or a file) contributes at most maxChars characters, in file order.
  const docs: { ids: number[]; chars: number }[] = [];
  for (const p of positionals) {
    let chars = 0;
    for (const f of readCorpus([p], { maxFileBytes: 2 * 1024 * 1024 }).files) {
      if (chars >= maxChars) break;
      chars += f.text.length;
      docs.push({ ids: tokenizer.encode(f.text), chars: f.text.length });
    }
  }
  const chars = docs.reduce((a, d) => a + d.chars, 0);
  const netLogp: Float32Array[] = [];
  const score = await createSession(buildScoreModel(folder.cfg, folder.weights), 2);
  const net = await scoreDocuments({ session: score, stateSize: stateSize(folder.cfg), layers: folder.cfg.layers }, tokenizer.docStartId, docs, { onTokenLogProbs: (d, lp) => (netLogp[d] = lp) });
  console.log(`${docs.length} files, ${chars} chars, ${net.tokens} tokens; network alone ${(net.nats / Math.LN2 / chars).toFixed(4)} bits/char`);

  for (const key of (values.keys ?? 'projected,hidden').split(',') as CacheKey[]) {
    const advance = await createSession(buildAdvanceModel(folder.cfg, folder.weights, key), 2);
    const th = thetas[key];
    // nats[n][θ][λ]
    const nats = sizes.map(() => th.map(() => new Float64Array(lambdas.length)));
    for (let d = 0; d < docs.length; d++) {
      const ids = docs[d].ids;
      if (!ids.length) continue;
      const inputs = [tokenizer.docStartId, ...ids.slice(0, -1)];
      const out = await advance.run({ tokens: int64Tensor(inputs, [1, inputs.length]), state_in: new ort.Tensor('float32', new Float32Array(folder.cfg.layers * stateSize(folder.cfg)), [folder.cfg.layers, 1, stateSize(folder.cfg)]) });
      const keys = out[CACHE_IO.key].data as Float32Array;
      const D = keys.length / ids.length;
      const pNet0 = netLogp[d][0];
      for (const n of nats) for (const t of n) for (let l = 0; l < lambdas.length; l++) t[l] -= pNet0;
      const dots = new Float64Array(sizes[sizes.length - 1]);
      for (let p = 1; p < ids.length; p++) {
        const from = Math.max(0, p - sizes[sizes.length - 1]);
        let max = -Infinity;
        for (let i = from; i < p; i++) {
          let s = 0;
          for (let k = 0; k < D; k++) s += keys[p * D + k] * keys[i * D + k];
          dots[p - 1 - i] = s;
          if (s > max) max = s;
        }
        const pNet = Math.exp(netLogp[d][p]);
        th.forEach((theta, ti) => {
          let num = 0;
          let den = 0;
          let si = 0;
          for (let j = 0; j < p - from; j++) {
            const w = Math.exp(theta * (dots[j] - max));
            den += w;
            if (ids[p - 1 - j] === ids[p]) num += w;
            // The cache of size N sees the min(N, p) positions before p.
            while (si < sizes.length && Math.min(sizes[si], p) === j + 1) {
              const pc = num / den;
              for (let l = 0; l < lambdas.length; l++) nats[si][ti][l] -= Math.log((1 - lambdas[l]) * pNet + lambdas[l] * pc);
              si++;
            }
          }
        });
      }
    }
    await advance.release();
    let best = { bpc: Infinity, label: '' };
    console.log(`\nkey ${key}: bits/char by N, θ (rows) and λ (columns ${lambdas.join(' ')})`);
    sizes.forEach((size, si) => th.forEach((theta, ti) => {
      const bpc = Array.from(nats[si][ti], (x) => x / Math.LN2 / chars);
      console.log(`N ${String(size).padStart(4)} θ ${String(theta).padEnd(4)}  ${bpc.map((x) => x.toFixed(4)).join(' ')}`);
      bpc.forEach((x, l) => x < best.bpc && (best = { bpc: x, label: `N ${size} θ ${theta} λ ${lambdas[l]}` }));
    }));
    console.log(`best for key ${key}: ${best.label}: ${best.bpc.toFixed(4)} bits/char`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
