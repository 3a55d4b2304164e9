// Baseline `ngram-cache`: the trained Kneser–Ney n-gram interpolated with a unigram + bigram cache
// of the current file (see cacheMixture), the classical strong baseline of code completion (Tu, Su &
// Devanbu, "On the Localness of Software", FSE 2014; Hellendoorn & Devanbu, FSE 2017).

import type { CompletionSystem } from './completionSystem';
import { CachePriors } from '../text/cacheMixture';
import { CacheMixture, DocumentCache } from '../runtime/documentCache';
import { NgramModel } from '../ngram/ngramModel';
import { RankSource, thresholdTop } from '../ngram/thresholdTop';
import { TopK } from '../topK';
import { isCompletionWord } from '../text/words';

export interface NgramCacheOptions extends CachePriors {
  /** The project cache's priors (session simulation): nested under the file's cache, above the n-gram. */
  readonly project: CachePriors;
}

/**
 * Defaults from a grid search (unigramPrior 50…3200 × bigramPrior 2…512) with the n-gram trained
 * on 95% of the corpus (all files but every 20th, sorted by path) and typed on 89 of the other
 * files (every 7th from the 4th of them, first 12,000 characters each; 44k words): keystrokes
 * saved 48.7% against 40.7% for the n-gram alone, MRR at k = 0 35.1% against 27.0%; the
 * neighbours of the optimum were within 0.3 points. Those files are not a clean held-out set
 * for reporting this baseline.
 */
export function defaultNgramCacheOptions(): NgramCacheOptions {
  return { unigramPrior: 1600, bigramPrior: 32, project: defaultProjectCachePriors() };
}

/** The project cache's priors: those of the file cache, not tuned (scripts/research/tuneProject.ts --ngram would). */
export function defaultProjectCachePriors(): CachePriors {
  return { unigramPrior: 1600, bigramPrior: 32 };
}

/** The n-gram + file cache as a ranker. The typed text itself is never suggested. */
export class NgramCache implements CompletionSystem {
  readonly name = 'ngram-cache';
  private readonly options: NgramCacheOptions;
  /** The file's words and what followed what: the same cache the engine keeps. */
  private readonly cache = new DocumentCache();
  /** The project's saved files so far (session simulation), one text after another; null outside a session. */
  private project: { cache: DocumentCache; text: string } | null = null;

  constructor(private readonly model: NgramModel, options: Partial<NgramCacheOptions> = {}) {
    if (model.order > 5) throw new Error('the ngram-cache baseline reads at most 4 tokens of history');
    this.options = { ...defaultNgramCacheOptions(), ...options };
  }

  startFile(_path: string): void {
    this.cache.reset();
  }

  startProject(): void {
    this.project = { cache: new DocumentCache(), text: '' };
  }

  addProjectFile(_path: string, text: string): void {
    const p = this.project ?? (this.project = { cache: new DocumentCache(), text: '' });
    p.text += `${text}\n`;
    p.cache.update(p.text);
  }

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    this.cache.update(textBeforeCursor);
    const model = this.model;
    const history = this.cache.history(model.order - 1).map((t) => model.id(t));
    // The mixture as P(w) = cache.weight(w) + c·P_KN(w | history); with a project, the file's cache
    // leaves m to the project's cache, which leaves the rest to the n-gram (Hellendoorn & Devanbu's nested cache).
    const file = this.cache.mixture(this.options);
    const project = this.project?.cache.mixtureAfter(this.cache.history(1)[0], this.options.project);
    const m = file.weights.model;
    const cache = project ? nestMixtures(file, project) : file;
    const c = project ? m * project.weights.model : m;

    if (typed === '') {
      // Every word is a candidate: read each part of the sum best-first and stop early.
      const kn = model.sources(history, c);
      const score = (word: string) => {
        const id = model.knownId(word);
        return cache.weight(word) + (id < 0 ? 0 : c * kn.prob(id));
      };
      return thresholdTop([...kn.sources, ...cacheSources(file), ...(project ? cacheSources(project).map((s) => scaled(s, m)) : [])], score, isCompletionWord, limit).items;
    }

    // The best words are among the n-gram's best under the prefix and the file's words under it
    // (the cache adds to no other word).
    const [lo, hi] = model.prefixRange(typed);
    const scores = model.score(history, lo, hi);
    const scored = new Map<string, number>();
    const top = scores.top(limit, model.knownId(typed));
    for (let i = 0; i < top.ids.length; i++) {
      const word = model.vocabulary.token(top.ids[i]);
      scored.set(word, cache.weight(word) + c * top.probs[i]);
    }
    const offerCached = (word: string) => {
      if (word === typed || scored.has(word)) return;
      const id = model.knownId(word);
      scored.set(word, cache.weight(word) + (id < 0 ? 0 : c * scores.prob(id)));
    };
    this.cache.forEachWithPrefix(typed, offerCached);
    this.project?.cache.forEachWithPrefix(typed, offerCached);
    const best = new TopK<[string, number]>(limit, (x, y) => x[1] > y[1]);
    for (const entry of scored) best.offer(entry);
    return best.items.map(([word]) => word);
  }
}

/** The cached words from the heaviest, for the threshold search over every word. */
function cacheSources(cache: CacheMixture): RankSource[] {
  const { words, followers } = cache.counts();
  return [countSource(words, cache.weights.unigram), countSource(followers, cache.weights.bigram)];
}

/** Keys from the most frequent, each contributing `weight` × its count. */
function countSource(counts: Iterable<[string, number]>, weight: number): RankSource {
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  let pos = 0;
  return {
    bound: () => (pos < sorted.length ? weight * sorted[pos][1] : 0),
    next: () => (pos < sorted.length ? sorted[pos++][0] : undefined),
  };
}

/** The file's cache with the project's nested under it: weight(w) = file(w) + m·project(w). */
function nestMixtures(file: CacheMixture, project: CacheMixture): Pick<CacheMixture, 'weight'> {
  const m = file.weights.model;
  return { weight: (word) => file.weight(word) + m * project.weight(word) };
}

/** A rank source whose contributions are `scale` times its own. */
function scaled(source: RankSource, scale: number): RankSource {
  return { bound: () => scale * source.bound(), next: () => source.next() };
}
