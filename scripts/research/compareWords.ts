// Where two completion systems differ, word by word: types files as `simulate` does and, for each
// word, records the k (typed characters) at which `recurrent` and `ngram-cache` first rank it top;
// prints the keystrokes each saves by kind of word (new to the document or seen before; camelCase
// or snake_case or plain) and the words that cost `recurrent` the most.
//   npx tsx scripts/research/compareWords.ts [--model DIR] [--max-words-per-file 150] [--worst 30] $(cat tune.txt)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NgramCache } from '../../src/engine/eval/ngramCache';
import { RecurrentSystem } from '../../src/engine/eval/recurrentSystem';
import type { CompletionSystem } from '../../src/engine/eval';
import { NgramModel } from '../../src/engine/ngram/ngramModel';
import { defaultCompleteOptions } from '../../src/engine/runtime/completeOptions';
import { defaultEngineClientOptions, EngineClient } from '../../src/engine/runtime/engineClient';
import { splitBaseCorpus } from '../../src/engine/training/corpus';
import { charCount, findWords, prefixLength } from '../../src/engine/text/words';

/** The first k at which `system` ranks `word` top, or null. */
async function firstTop(system: CompletionSystem, text: string, start: number, word: string): Promise<number | null> {
  for (let k = 0; k < charCount(word); k++) {
    const cut = prefixLength(word, k);
    const list = await system.rank(text.slice(0, start + cut), word.slice(0, cut), 10);
    if (list[0] === word) return k;
  }
  return null;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'media/models/base' },
      'max-words-per-file': { type: 'string', default: '150' },
      worst: { type: 'string', default: '30' },
    },
  });
  if (!positionals.length) throw new Error('usage: npx tsx scripts/research/compareWords.ts [--model DIR] [--max-words-per-file N] [--worst N] FILE…');
  const corpus = path.resolve(__dirname, '..', '..', '..', 'shared', 'corpus');
  const train = splitBaseCorpus(corpus).train.map((f) => f.text);
  const ngram = new NgramCache(NgramModel.train(train));
  const client = new EngineClient(defaultEngineClientOptions(path.resolve(__dirname, '..', '..', 'dist', 'worker.js')));
  await client.load(path.resolve(values.model!));
  const recurrent = new RecurrentSystem(client, { ...defaultCompleteOptions(), maxItems: 10 });
  const kinds = new Map<string, { words: number; chars: number; recurrent: number; ngram: number }>();
  const losses: { word: string; file: string; recurrent: number | null; ngram: number | null; cost: number }[] = [];
  try {
    for (const file of positionals) {
      const text = fs.readFileSync(file, 'utf8');
      recurrent.startFile(file);
      ngram.startFile(file);
      const seen = new Set<string>();
      for (const { start, word } of findWords(text).slice(0, Number(values['max-words-per-file']))) {
        const length = charCount(word);
        const r = await firstTop(recurrent, text, start, word);
        const n = await firstTop(ngram, text, start, word);
        const cost = (k: number | null) => (k === null ? length : k + 1);
        const kind = `${seen.has(word) ? 'seen before' : 'new'}, ${/[a-z][A-Z]|_/.test(word) ? 'camelCase/snake_case' : 'plain'}`;
        seen.add(word);
        const t = kinds.get(kind) ?? { words: 0, chars: 0, recurrent: 0, ngram: 0 };
        kinds.set(kind, { words: t.words + 1, chars: t.chars + length, recurrent: t.recurrent + length - cost(r), ngram: t.ngram + length - cost(n) });
        losses.push({ word, file: path.basename(file), recurrent: r, ngram: n, cost: cost(r) - cost(n) });
      }
    }
  } finally {
    await client.dispose();
  }
  const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1)}%`.padStart(7);
  process.stdout.write('kind of word                        words  chars | keystrokes saved: recurrent  ngram-cache\n');
  for (const [kind, t] of [...kinds].sort()) process.stdout.write(`${kind.padEnd(34)} ${String(t.words).padStart(6)} ${String(t.chars).padStart(6)} | ${pct(t.recurrent, t.chars).padStart(27)} ${pct(t.ngram, t.chars).padStart(12)}\n`);
  process.stdout.write(`\nwords that cost recurrent the most keystrokes against ngram-cache (k at which each first ranks it top):\n`);
  for (const l of losses.sort((a, b) => b.cost - a.cost).slice(0, Number(values.worst))) {
    process.stdout.write(`  +${l.cost}  ${l.word}  (${l.file}; recurrent ${l.recurrent ?? 'never'}, ngram-cache ${l.ngram ?? 'never'})\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
