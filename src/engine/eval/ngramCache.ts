// Baseline `ngram-cache`: the trained Kneser–Ney n-gram interpolated with a unigram + bigram cache
// of the current file, the classical strong baseline of code completion (Tu, Su & Devanbu,
// "On the Localness of Software", FSE 2014; Hellendoorn & Devanbu, FSE 2017).
//
// Mixing (Dirichlet smoothing with the n-gram as the prior): with N tokens in the file so far and
// C tokens seen after the previous token `v`,
//   P(w) = λb·c(v w)/C + (1 − λb)·[λu·c(w)/N + (1 − λu)·P_KN(w | history)],
//   λu = N / (N + unigramPrior),  λb = C / (C + bigramPrior),
// so the cache counts for little at the top of a file and more as the file shows its own words.

import type { CompletionSystem } from './completionSystem';
import { DocumentWords } from './documentWords';
import { IncrementalLexer, NEWLINE } from './incrementalLexer';
import { NgramModel } from './ngramModel';
import { TopK } from './topK';
import { isCompletionWord } from './words';

export interface NgramCacheOptions {
  /** Dirichlet strength of the n-gram against the cache's unigram counts, in tokens. */
  readonly unigramPrior: number;
  /** Dirichlet strength of the above against the cache's bigram counts, in tokens. */
  readonly bigramPrior: number;
}

/** Defaults, chosen by a small grid search on corpus files (see the report in eval/README). */
export function defaultNgramCacheOptions(): NgramCacheOptions {
  return { unigramPrior: 400, bigramPrior: 8 };
}

interface Followers {
  total: number;
  next: Map<string, number>;
}

/** The n-gram + file cache as a ranker. The typed text itself is never suggested. */
export class NgramCache implements CompletionSystem {
  readonly name = 'ngram-cache';
  private readonly options: NgramCacheOptions;
  private readonly words = new DocumentWords();
  private readonly followers = new Map<string, Followers>();
  private ids: number[] = [];
  private previous: string | null = null;
  private total = 0;
  private readonly lexer = new IncrementalLexer({ reset: () => this.clear(), token: (t) => this.add(t) });

  constructor(private readonly model: NgramModel, options: Partial<NgramCacheOptions> = {}) {
    this.options = { ...defaultNgramCacheOptions(), ...options };
  }

  startFile(): void {
    this.lexer.reset();
  }

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    this.lexer.update(textBeforeCursor);
    const model = this.model;
    const last = this.lexer.pendingNewline ? NEWLINE : this.previous;
    const history = this.ids.slice(-(model.order - 1));
    if (this.lexer.pendingNewline) history.push(model.id(NEWLINE));
    const [lo, hi] = model.prefixRange(typed);
    const scores = model.score(history, lo, hi);

    const n = this.total;
    const lu = n / (n + this.options.unigramPrior);
    const after = last === null ? undefined : this.followers.get(last);
    const c = after ? after.total : 0;
    const lb = c / (c + this.options.bigramPrior);
    const mix = (word: string, pKN: number) =>
      (c > 0 ? (lb * (after?.next.get(word) ?? 0)) / c : 0) +
      (1 - lb) * ((n > 0 ? (lu * (this.words.get(word)?.count ?? 0)) / n : 0) + (1 - lu) * pKN);

    // The best words overall are among the n-gram's best and the file's words (the cache adds
    // nothing to any other word).
    const scored = new Map<string, number>();
    const top = scores.top(limit, model.knownId(typed));
    for (let i = 0; i < top.ids.length; i++) {
      const word = model.vocabulary[top.ids[i]];
      scored.set(word, mix(word, top.probs[i]));
    }
    this.words.forEachWithPrefix(typed, ({ word }) => {
      if (word === typed || scored.has(word)) return;
      const id = model.knownId(word);
      scored.set(word, mix(word, id < 0 ? 0 : scores.prob(id)));
    });
    const best = new TopK<[string, number]>(limit, (a, b) => a[1] > b[1]);
    for (const entry of scored) best.offer(entry);
    return best.items.map(([word]) => word);
  }

  private clear(): void {
    this.words.clear();
    this.followers.clear();
    this.ids = [];
    this.previous = null;
    this.total = 0;
  }

  private add(token: string): void {
    this.ids.push(this.model.id(token));
    this.total++;
    if (isCompletionWord(token)) this.words.add(token);
    if (this.previous !== null) {
      let f = this.followers.get(this.previous);
      if (!f) this.followers.set(this.previous, (f = { total: 0, next: new Map() }));
      f.total++;
      f.next.set(token, (f.next.get(token) ?? 0) + 1);
    }
    this.previous = token;
  }
}
