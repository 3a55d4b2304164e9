// Measures the model's gradient prior on its own training text (the trainer's split of
// shared/corpus) and writes it as the model folder's gradients.bin (src/engine/model/gradientPrior.ts):
// about --files files, the first --chunks 64-token chunks of each, as dynamic evaluation reads them.
//   npx tsx scripts/research/gradientPrior.ts --out DIR/gradients.bin [--files 300] [--chunks 4] [--floor 0.5] [--model DIR] [--corpus DIR]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeGradientPrior, loadModelFolder, PRIOR_CLIP_NORM, PRIOR_FLOOR } from '../../src/engine/model';
import { mulberry32 } from '../../src/engine/random';
import { languageOfPath, Tokenizer } from '../../src/engine/tokenizer';
import { splitBaseCorpus } from '../../src/engine/training/corpus';
import { defaultDynamicEvalOptions } from '../../src/engine/training/dynamicEval';
import { meanSquaredGradients } from '../../src/engine/training/gradientStatistics';

const root = path.join(__dirname, '..', '..');
const { values } = parseArgs({ options: {
  out: { type: 'string' }, files: { type: 'string', default: '300' }, chunks: { type: 'string', default: '4' }, floor: { type: 'string', default: String(PRIOR_FLOOR) },
  model: { type: 'string', default: path.join(root, 'media', 'models', 'base') },
  corpus: { type: 'string', default: path.join(root, '..', 'shared', 'corpus') },
} });
if (!values.out) throw new Error('--out FILE is required');

(async () => {
  const folder = loadModelFolder(values.model!);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  // Only files the model was trained on.
  const { train } = splitBaseCorpus(values.corpus!);
  const rand = mulberry32(7);
  const picked = train.filter(() => rand() < Number(values.files) / train.length);
  const streams = picked.map((f) => [...tokenizer.documentStart(languageOfPath(f.path)), ...tokenizer.encode(f.text)]);
  const { chunkTokens } = defaultDynamicEvalOptions();
  const { meanSquares, chunks } = await meanSquaredGradients(folder.cfg, folder.weights, streams, { chunkTokens, clipNorm: PRIOR_CLIP_NORM, maxChunks: Number(values.chunks), threads: 2 });
  fs.writeFileSync(values.out!, encodeGradientPrior(folder.cfg, meanSquares, Number(values.floor)));
  const rms = [...meanSquares].map(([name, { data }]) => `${name} ${Math.sqrt(data.reduce((a, b) => a + b, 0) / data.length).toExponential(2)}`);
  console.log(`${picked.length} files, ${chunks} chunks of ${chunkTokens} tokens; RMS per weight: ${rms.join(', ')}`);
})();
