// The document's own words as a cache beside a model (see text/cacheMixture): how often each word
// occurred and which words followed each token, kept up to date as the text before the cursor grows.
// The engine mixes it with the network; the ngram-cache baseline (eval/ngramCache) with its n-gram.
import { CachePriors, cacheWeights, CacheWeights } from '../text/cacheMixture';
import { DocumentWords } from '../text/documentWords';
import { IncrementalLexer, NEWLINE } from '../text/incrementalLexer';
import { IDENTIFIER_CHARS } from '../text/identifier';
import { CodeFamily, CodePositions } from '../text/languageWords';
import { isCompletionWord } from '../text/words';
import { TopK } from '../topK';

/** Tokens kept for history(): enough for a 5-gram's context. */
const HISTORY = 4;

/** A last token that what follows may extend: a word or whitespace run, or half a surrogate pair. */
const joinable = new RegExp(`^[${IDENTIFIER_CHARS}\\s\\uD800-\\uDFFF]$`, 'u');

/**
 * From scripts/research/tuneCache.ts on 20 held-out files that are not the README's report files (150 words
 * each, 2,363 in all). With the first base model: keystrokes saved 46.6% at (400, 32), the six other
 * pairs tried (100 × 8, 32, 128; 400 × 8, 128; 1600 × 8) within 0.7 points; with the retrained one,
 * 47.3% at (400, 32) and 46.5–47.0% at unigram 100: the mixture is not sensitive to them.
 */
export function defaultCachePriors(): CachePriors {
  return { unigramPrior: 400, bigramPrior: 32 };
}

/** What the cache adds to one completion: P(w) = weight(w) + modelWeight·P_model(w). */
export interface CacheQuery {
  /** The best cached words that continue the typed word, heaviest first. */
  readonly words: readonly { readonly word: string; readonly weight: number }[];
  /** Sum of the weights of every cached word that continues the typed word. */
  readonly total: number;
  readonly modelWeight: number;
  /** The words the model scores exactly when the search missed them (default: `words`); the
   *  engine's nested scopes leave the project memory's out, since scoring them too cost each
   *  keystroke a model run of 8 more rows. */
  readonly exactWords?: readonly string[];
}

/** The cache's side of the mixture at the cursor: P(w) = weight(w) + weights.model·P_model(w). */
export interface CacheMixture {
  readonly weights: CacheWeights;
  /** weights.bigram·c(last w) + weights.unigram·c(w). */
  weight(word: string): number;
  /** Every cached word with its count, and what followed the last token with its count (the
   *  ngram-cache baseline searches them; the counts stay plain Maps so that the engine's worker
   *  keeps few objects for the garbage collector to walk). */
  counts(): { readonly words: [string, number][]; readonly followers: ReadonlyMap<string, number> };
}

export class DocumentCache {
  /** Every word with its count, for prefix lookup. */
  private readonly words = new DocumentWords();
  /** Per token: how often each token followed it. */
  private readonly followers = new Map<string, { total: number; counts: Map<string, number> }>();
  /** The last tokens read, oldest first. */
  private recent: string[] = [];
  private tokens = 0;
  /** Occurrences of each word in code, outside comments and strings (only for a family's document):
   *  the language filter lets through the words of the user's code, not of their prose. */
  private readonly codeWords = new Map<string, number>();
  private readonly code?: CodePositions;
  private readonly lexer = new IncrementalLexer({ reset: () => this.clear(), token: (t, offset) => this.add(t, offset) });

  /** `family`: the document's code family (text/languageWords), if it has one. */
  constructor(readonly family?: CodeFamily) {
    if (family) this.code = new CodePositions(family);
  }

  /** Reads what `text` adds to the text read so far; a text that does not continue it is read afresh. */
  update(text: string): void {
    this.code?.see(text);
    this.lexer.update(text);
  }

  reset(): void {
    this.lexer.reset();
  }

  /**
   * Forgets the counts an edit at `offset` (from the text's start) may have changed; `before` is the
   * UTF-16 unit before the offset. The lexer itself notices a text that stops short of what it read
   * or ends differently, not an edit further back, nor one that joins the last token it read.
   */
  edited(offset: number, before: string): void {
    const read = this.lexer.consumed;
    if (offset < read || (offset === read && joinable.test(before))) this.reset();
  }

  /** The mixture's cache side after the text read so far. */
  mixture(priors: CachePriors): CacheMixture {
    return this.mixtureAfter(this.lexer.pendingNewline ? NEWLINE : this.recent[this.recent.length - 1], priors);
  }

  /** The mixture after the token `last` (a project's cache asked at another document's cursor). */
  mixtureAfter(last: string | undefined, priors: CachePriors): CacheMixture {
    const after = last === undefined ? undefined : this.followers.get(last);
    const weights = cacheWeights(this.tokens, after?.total ?? 0, priors);
    return {
      weights,
      weight: (word) => weights.bigram * (after?.counts.get(word) ?? 0) + weights.unigram * this.words.count(word),
      counts: () => {
        const words: [string, number][] = [];
        this.words.forEachWithPrefix('', ({ word, count }) => void words.push([word, count]));
        return { words, followers: after?.counts ?? new Map() };
      },
    };
  }

  /** Calls `visit` with every cached word that starts with `prefix`, in UTF-16 order, until it returns false. */
  forEachWithPrefix(prefix: string, visit: (word: string) => boolean | void): void {
    this.words.forEachWithPrefix(prefix, ({ word }) => visit(word));
  }

  /** The cached words that continue `typed` (the word before the cursor), at most `limit` of them. */
  query(typed: string, priors: CachePriors, limit: number): CacheQuery {
    const mix = this.mixture(priors);
    const best = new TopK<{ word: string; weight: number }>(limit, (a, b) => a.weight > b.weight);
    let total = 0;
    this.forEachWithPrefix(typed, (word) => {
      if (word.length <= typed.length) return;
      const weight = mix.weight(word);
      total += weight;
      best.offer({ word, weight });
    });
    return { words: best.items, total, modelWeight: mix.weights.model };
  }

  /** Occurrences of `word` in the text read, and the tokens read (the open documents' scope reads them). */
  count(word: string): number {
    return this.words.count(word);
  }

  /** Whether the text read ends inside a comment or a string (false in a document of no code family). */
  endsInCommentOrString(): boolean {
    return this.code?.endsInCommentOrString(this.lexer.consumed) ?? false;
  }

  /** Occurrences of `word` in the code of the text read (0 in a document of no code family). */
  codeCount(word: string): number {
    return this.codeWords.get(word) ?? 0;
  }

  get tokenCount(): number {
    return this.tokens;
  }

  /** The last `n` tokens read, at most 4 (oldest first; a pending line break counts as one). */
  history(n = HISTORY): string[] {
    const h = this.lexer.pendingNewline ? [...this.recent, NEWLINE] : this.recent;
    return h.slice(-n);
  }

  private clear(): void {
    this.words.clear();
    this.followers.clear();
    this.codeWords.clear();
    this.code?.reset();
    this.recent = [];
    this.tokens = 0;
  }

  private add(token: string, offset: number): void {
    this.tokens++;
    if (isCompletionWord(token)) {
      this.words.add(token);
      if (this.code?.inCode(offset)) this.codeWords.set(token, (this.codeWords.get(token) ?? 0) + 1);
    }
    const previous = this.recent[this.recent.length - 1];
    if (previous !== undefined) {
      let f = this.followers.get(previous);
      if (!f) this.followers.set(previous, (f = { total: 0, counts: new Map() }));
      f.total++;
      f.counts.set(token, (f.counts.get(token) ?? 0) + 1);
    }
    this.recent.push(token);
    if (this.recent.length > HISTORY) this.recent.shift();
  }
}
