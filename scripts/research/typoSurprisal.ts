// Does the surprisal ranking find typos? One deterministic typo per file (two adjacent letters
// swapped, or one dropped, inside an identifier of at least 4 characters), then the file is scored
// as `recurrent surprisal` does (the engine's score graph and runtime/surprisal's ranking, by word
// and, to compare, by token) with and without the neural cache; a typo is found when one of the
// file's top spans overlaps it.
//   npx tsx scripts/research/typoSurprisal.ts [--files 50] [--top 10] [--max-chars 40000] [--pools 20,100] $(scripts/research/projects.sh report | cut -f2)
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../../src/engine/random';
import { IncrementalEncoder } from '../../src/engine/tokenizer';
import { LanguageModel } from '../../src/engine/runtime/languageModel';
import { mostSurprising, SurprisalRanking } from '../../src/engine/runtime/surprisal';
import { readCorpus } from '../../src/engine/training/corpus';
import { scoreDocuments } from '../../src/engine/training/evaluate';

interface Typo {
  readonly text: string;
  /** UTF-16 range of the misspelt identifier in `text`. */
  readonly start: number;
  readonly end: number;
  readonly was: string;
  readonly now: string;
}

/** A typo inside an identifier of `text`, chosen by `seed` alone. */
export function injectTypo(text: string, seed: number): Typo | undefined {
  const random = mulberry32(seed);
  const words = [...text.matchAll(/[A-Za-z_][A-Za-z0-9_]{3,}/g)].filter((m) => /[a-z]{2}/i.test(m[0].slice(1, -1)));
  if (!words.length) return undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const m = words[Math.floor(random() * words.length)];
    const w = m[0];
    // Inside the word: never its first letter, so the typo stays an identifier.
    const i = 1 + Math.floor(random() * (w.length - 2));
    let now: string;
    if (random() < 0.5) {
      if (w[i] === w[i + 1] || !/[a-z]/i.test(w[i]) || !/[a-z]/i.test(w[i + 1])) continue;
      now = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    } else {
      if (!/[a-z]/i.test(w[i])) continue;
      now = w.slice(0, i) + w.slice(i + 1);
    }
    const start = m.index!;
    return { text: text.slice(0, start) + now + text.slice(start + w.length), start, end: start + now.length, was: w, now };
  }
  return undefined;
}

/** A stable seed from a path (FNV-1a). */
function seedOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { files: { type: 'string' }, top: { type: 'string' }, 'max-chars': { type: 'string' }, model: { type: 'string' }, pools: { type: 'string' } } });
  const pools = (values.pools ?? '').split(',').filter(Boolean).map(Number);
  const wanted = Number(values.files ?? 50);
  const top = Number(values.top ?? 10);
  const maxChars = Number(values['max-chars'] ?? 40_000);
  const modelDir = values.model ?? path.join(__dirname, '..', '..', 'media', 'models', 'base');
  // Files of 1,000 to maxChars characters, taken from the projects in turn, in path order.
  const perProject = positionals.map((p) => readCorpus([p], { maxFileBytes: 2 * 1024 * 1024 }).files.filter((f) => f.text.length >= 1000 && f.text.length <= maxChars).sort((a, b) => (a.path < b.path ? -1 : 1)));
  const files = [];
  for (let i = 0; files.length < wanted && perProject.some((l) => i < l.length); i++) for (const l of perProject) if (i < l.length && files.length < wanted) files.push(l[i]);
  const models = { network: await LanguageModel.load(modelDir, 1, null), cache: await LanguageModel.load(modelDir) };
  // By bits (by word and by token), and with likely typos among the costliest `pool` spans first.
  const rankings: Record<string, SurprisalRanking> = { 'by word': { unit: 'word', typoPool: 0 }, 'by token': { unit: 'token', typoPool: 0 } };
  for (const pool of pools) rankings[`by word, typos of ${pool} first`] = { unit: 'word', typoPool: pool };
  const found: Record<string, number> = {};
  let n = 0;
  for (const f of files) {
    const typo = injectTypo(f.text, seedOf(path.relative(process.cwd(), f.path)));
    if (!typo) continue;
    n++;
    const row: string[] = [];
    for (const [name, lm] of Object.entries(models)) {
      // What Engine.score does, keeping the log-probs to rank them both ways.
      const encoder = new IncrementalEncoder(lm.tokenizer, typo.text);
      let logProbs: Float32Array = new Float32Array();
      await scoreDocuments(lm.scoreGraph, lm.tokenizer.docStartId, [{ ids: encoder.ids, chars: typo.text.length }], { lanes: 1, chunk: 256, onTokenLogProbs: (_, lp) => (logProbs = lp) });
      for (const [how, ranking] of Object.entries(rankings)) {
        const rank = mostSurprising(encoder, logProbs, top, ranking).findIndex((s) => s.start < typo.end && s.end > typo.start);
        const key = `${name} ${how}`;
        found[key] = (found[key] ?? 0) + (rank >= 0 ? 1 : 0);
        row.push(`${key} ${rank >= 0 ? `#${rank + 1}` : '-'}`);
      }
    }
    console.error(`${f.path}: ${typo.was} → ${typo.now}: ${row.join(', ')}`);
  }
  await Promise.all(Object.values(models).map((m) => m.dispose()));
  console.log(JSON.stringify({ files: n, top, found: Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v / n])) }));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
