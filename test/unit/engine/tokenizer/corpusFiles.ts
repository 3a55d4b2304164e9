// Test helpers: the shared corpus (../shared/corpus next to the checkout, or $RECURRENT_CORPUS),
// listed in a stable order, and a small tokenizer trained once per test run on a slice of it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Tokenizer, trainTokenizer } from '../../../../src/engine/tokenizer';

export const CORPUS_DIR = process.env.RECURRENT_CORPUS ?? resolve(__dirname, '../../../../../shared/corpus');

/** Every file under the corpus, sorted; [] when the corpus is not there. */
export function corpusFiles(): string[] {
  if (!existsSync(CORPUS_DIR)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  walk(CORPUS_DIR);
  return out.sort();
}

/** A file's text as an editor would see it: UTF-8 with U+FFFD for invalid bytes. */
export function readText(file: string): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(readFileSync(file));
}

/** Every `step`-th corpus file (offset `start`), as text. */
export function sampleTexts(step: number, start = 0): { file: string; text: string }[] {
  return corpusFiles()
    .filter((_, i) => i % step === start)
    .map((file) => ({ file, text: readText(file) }));
}

let small: Tokenizer | undefined;
/** A 2048-id tokenizer trained on ~1% of the corpus (about 1 MB); trained once and shared. */
export function smallTokenizer(): Tokenizer {
  small ??= trainTokenizer(sampleTexts(100).map((s) => s.text), { vocabSize: 2048 });
  return small;
}
