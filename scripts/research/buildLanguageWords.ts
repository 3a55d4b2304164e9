// Writes media/languageWords/<family>.txt.gz: the words the code of each language family can contain
// (src/engine/text/languageWords.ts), counted in the code of the base model's training text.
//   npx tsx scripts/research/buildLanguageWords.ts [CORPUS_DIR]   (default ../shared/corpus)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CodeFamily, codeFamilyOfPath, countCodeWords, defaultLanguageWordRule, selectLanguageWords } from '../../src/engine/text/languageWords';

const root = path.resolve(__dirname, '..', '..');
const corpus = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'corpus'));
const outDir = path.join(root, 'media', 'languageWords');

const counts = new Map<CodeFamily, Map<string, number>>();
const walk = (dir: string): void => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    const family = entry.isFile() ? codeFamilyOfPath(entry.name) : undefined;
    if (!family) continue;
    if (!counts.has(family)) counts.set(family, new Map());
    countCodeWords(family, fs.readFileSync(file, 'utf8'), counts.get(family)!);
  }
};
walk(corpus);
fs.mkdirSync(outDir, { recursive: true });
for (const [family, words] of selectLanguageWords(counts)) {
  const file = path.join(outDir, `${family}.txt.gz`);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, zlib.gzipSync(`${words.join('\n')}\n`, { level: 9 }));
  fs.renameSync(temp, file);
  process.stdout.write(`${path.relative(root, file)}: ${words.length} words of ${counts.get(family)!.size} seen, ${fs.statSync(file).size} bytes\n`);
}
process.stdout.write(`rule: at least ${defaultLanguageWordRule.minCount} occurrences, at most ${defaultLanguageWordRule.maxForeignRatio}× rarer than in another family\n`);
