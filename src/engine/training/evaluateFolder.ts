// `recurrent eval`: bits per character and perplexity of a model folder on files, optionally per language.
import * as path from 'node:path';
import { defaultNeuralCache, loadModelFolder, NeuralCacheOptions } from '../model';
import { Language, languageOfPath, Tokenizer } from '../tokenizer';
import { CorpusFile } from './corpus';
import { Document, Score, scoreWeights, summarize } from './evaluate';

const languages: Record<string, string> = {
  ts: 'TypeScript', tsx: 'TypeScript', mts: 'TypeScript', cts: 'TypeScript',
  js: 'JavaScript', jsx: 'JavaScript', mjs: 'JavaScript', cjs: 'JavaScript',
  py: 'Python', pyi: 'Python', go: 'Go', rs: 'Rust', c: 'C', h: 'C', java: 'Java',
  md: 'Markdown', markdown: 'Markdown', txt: 'English prose', rst: 'English prose',
};

/** The language a file is reported under, by its extension. */
export function languageOf(file: string): string {
  return languages[path.extname(file).slice(1).toLowerCase()] ?? 'other';
}

export interface FolderScore {
  readonly files: number;
  readonly chars: number;
  readonly tokens: number;
  readonly bitsPerChar: number;
  readonly perplexity: number;
  readonly seconds: number;
  readonly languages?: Record<string, { files: number; chars: number; tokens: number; bitsPerChar: number; perplexity: number }>;
}

export interface EvaluateOptions {
  byLanguage?: boolean;
  threads?: number;
  /** The neural cache to mix in (default: defaultNeuralCache()); null scores the network alone. */
  cache?: NeuralCacheOptions | null;
  onProgress?: (m: string) => void;
  /** A model with language tokens is told each file's language: this one's, else its extension's (the ablation tells every file `other`). */
  language?: (file: string) => Language;
}

export async function evaluateFolder(modelDir: string, files: readonly CorpusFile[], options: EvaluateOptions = {}): Promise<FolderScore> {
  const started = Date.now();
  const folder = loadModelFolder(modelDir);
  const tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
  options.onProgress?.(`tokenizing ${files.length} files…`);
  const languageOfFile = options.language ?? languageOfPath;
  const docs: Document[] = files.map((f) => ({ ids: tokenizer.encode(f.text), chars: f.text.length, start: tokenizer.documentStart(languageOfFile(f.path)) }));
  const cache = options.cache === undefined ? defaultNeuralCache() : options.cache;
  const perDoc: number[] = new Array(docs.length).fill(0);
  options.onProgress?.(`scoring ${docs.reduce((a, d) => a + d.ids.length, 0)} tokens…`);
  const total = await scoreWeights(folder.cfg, folder.weights, tokenizer.docStartId, docs, {
    cache,
    threads: options.threads ?? 2,
    onTokenLogProbs: options.byLanguage ? (d, lp) => (perDoc[d] = -lp.reduce((a, b) => a + b, 0)) : undefined,
  });
  const s = summarize(total);
  const result: FolderScore = { files: s.files, chars: s.chars, tokens: s.tokens, bitsPerChar: s.bitsPerChar, perplexity: s.perplexity, seconds: (Date.now() - started) / 1000 };
  if (!options.byLanguage) return result;
  const groups = new Map<string, Score>();
  files.forEach((f, i) => {
    const lang = languageOf(f.path);
    const g = groups.get(lang) ?? { files: 0, chars: 0, tokens: 0, nats: 0 };
    groups.set(lang, { files: g.files + 1, chars: g.chars + docs[i].chars, tokens: g.tokens + docs[i].ids.length, nats: g.nats + perDoc[i] });
  });
  const byLanguage: NonNullable<FolderScore['languages']> = {};
  for (const [lang, g] of [...groups].sort()) {
    const x = summarize(g);
    byLanguage[lang] = { files: x.files, chars: x.chars, tokens: x.tokens, bitsPerChar: x.bitsPerChar, perplexity: x.perplexity };
  }
  return { ...result, languages: byLanguage };
}
