// A deterministic subset of folders for quick measurements: from each folder, its files in path
// order (with the training filters) until they add up to --max-chars characters or more.
//   npx tsx scripts/research/reportSubset.ts --max-chars 60000 $(scripts/research/projects.sh report | cut -f2) > subset.txt
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readCorpus } from '../../src/engine/training/corpus';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'max-chars': { type: 'string' } } });
const maxChars = Number(values['max-chars'] ?? 60_000);
for (const folder of positionals) {
  let chars = 0;
  for (const f of readCorpus([folder], { maxFileBytes: 2 * 1024 * 1024 }).files.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (chars >= maxChars) break;
    chars += f.text.length;
    console.log(path.resolve(folder, f.path));
  }
}
