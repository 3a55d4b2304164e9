// Prints the paths of the corpus files held out from the base model's training (the same split as
// scripts/research/trainBase.ts), one per line, for `recurrent eval --files-from` and `recurrent simulate`.
//   npx tsx scripts/research/validationSlice.ts ../shared/corpus [--language TypeScript] > valid.txt
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { splitBaseCorpus } from '../../src/engine/training/corpus';
import { languageOf } from '../../src/engine/training/evaluateFolder';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { language: { type: 'string' } } });
const corpusDir = positionals[0];
if (!corpusDir) {
  process.stderr.write('usage: npx tsx scripts/research/validationSlice.ts CORPUS_DIR [--language NAME]\n');
  process.exit(2);
}
const { valid } = splitBaseCorpus(corpusDir);
for (const f of valid) {
  if (!values.language || languageOf(f.path) === values.language) process.stdout.write(path.join(corpusDir, f.path) + '\n');
}
