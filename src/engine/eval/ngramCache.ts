// Baseline `ngram-cache`: the trained Kneser–Ney n-gram interpolated with a unigram + bigram cache
// of the current file (see cacheMixture), the classical strong baseline of code completion (Tu, Su &
// Devanbu, "On the Localness of Software", FSE 2014; Hellendoorn & Devanbu, FSE 2017).

import type { CompletionSystem } from './completionSystem';
import { cacheWeights, CachePriors } from '../text/cacheMixture';
import { DocumentWords } from '../text/documentWords';
import { IncrementalLexer, NEWLINE } from '../text/incrementalLexer';
import { CountOrder } from './countOrder';
import { NgramModel } from '../ngram/ngramModel';
import { thresholdTop } from '../ngram/thresholdTop';
import { TopK } from './topK';
import { isCompletionWord } from '../text/words';

export type NgramCacheOptions = CachePriors;

/**
 * Defaults from a grid search (unigramPrior 50…3200 × bigramPrior 2…512) with the n-gram trained
 * on 95% of the corpus (all files but every 20th, sorted by path) and typed on 89 of the other
 * files (every 7th from the 4th of them, first 12,000 characters each; 44k words): keystrokes
 * saved 48.7% against 40.7% for the n-gram alone, MRR at k = 0 35.1% against 27.0%; the
 * neighbours of the optimum were within 0.3 points. Those files are not a clean held-out set
 * for reporting this baseline.
 */
export function defaultNgramCacheOptions(): NgramCacheOptions {
  return { unigramPrior: 1600, bigramPrior: 32 };
}

/** The n-gram + file cache as a ranker. The typed text itself is never suggested. */
export class NgramCache implements CompletionSystem {
  readonly name = 'ngram-cache';
  private readonly options: NgramCacheOptions;
  /** The file's words, for prefix lookup. */
  private readonly words = new DocumentWords();
  /** The same counts, most frequent first, for the threshold search at k = 0. */
  private readonly wordCounts = new CountOrder();
  /** Per token: the counts of the tokens that followed it in the file. */
  private readonly followers = new Map<string, CountOrder>();
  private ids: number[] = [];
  private previous: string | null = null;
  private total = 0;
  private readonly lexer = new IncrementalLexer({ reset: () => this.clear(), token: (t) => this.add(t) });

  constructor(private readonly model: NgramModel, options: Partial<NgramCacheOptions> = {}) {
    this.options = { ...defaultNgramCacheOptions(), ...options };
  }

  startFile(_path: string): void {
    this.lexer.reset();
  }

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    this.lexer.update(textBeforeCursor);
    const model = this.model;
    const newline = this.lexer.pendingNewline;
    const history = this.ids.slice(-(model.order - 1));
    if (newline) history.push(model.id(NEWLINE));
    const last = newline ? NEWLINE : this.previous;
    // The mixture as P(w) = a·c(last w) + b·c(w) + c·P_KN(w | history).
    const after = last === null ? undefined : this.followers.get(last);
    const { bigram: a, unigram: b, model: c } = cacheWeights(this.total, after?.total ?? 0, this.options);
    const cached = (word: string) => a * (after?.count(word) ?? 0) + b * this.wordCounts.count(word);

    if (typed === '') {
      // Every word is a candidate: read each part of the sum best-first and stop early.
      const kn = model.sources(history, c);
      const sources = [...kn.sources, this.wordCounts.source(b)];
      if (after) sources.push(after.source(a));
      const score = (word: string) => {
        const id = model.knownId(word);
        return cached(word) + (id < 0 ? 0 : c * kn.prob(id));
      };
      return thresholdTop(sources, score, isCompletionWord, limit).items;
    }

    // The best words are among the n-gram's best under the prefix and the file's words under it
    // (the cache adds to no other word).
    const [lo, hi] = model.prefixRange(typed);
    const scores = model.score(history, lo, hi);
    const scored = new Map<string, number>();
    const top = scores.top(limit, model.knownId(typed));
    for (let i = 0; i < top.ids.length; i++) {
      const word = model.vocabulary.token(top.ids[i]);
      scored.set(word, cached(word) + c * top.probs[i]);
    }
    this.words.forEachWithPrefix(typed, ({ word }) => {
      if (word === typed || scored.has(word)) return;
      const id = model.knownId(word);
      scored.set(word, cached(word) + (id < 0 ? 0 : c * scores.prob(id)));
    });
    const best = new TopK<[string, number]>(limit, (x, y) => x[1] > y[1]);
    for (const entry of scored) best.offer(entry);
    return best.items.map(([word]) => word);
  }

  private clear(): void {
    this.words.clear();
    this.wordCounts.clear();
    this.followers.clear();
    this.ids = [];
    this.previous = null;
    this.total = 0;
  }

  private add(token: string): void {
    this.ids.push(this.model.id(token));
    this.total++;
    if (isCompletionWord(token)) {
      this.words.add(token);
      this.wordCounts.increment(token);
    }
    if (this.previous !== null) {
      let f = this.followers.get(this.previous);
      if (!f) this.followers.set(this.previous, (f = new CountOrder()));
      f.increment(token);
    }
    this.previous = token;
  }
}
