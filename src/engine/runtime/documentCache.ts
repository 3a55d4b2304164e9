// The document's own words as a cache beside the model (see text/cacheMixture): how often each word
// occurred and which words followed each token, kept up to date as the text before the cursor grows.
import { CachePriors, cacheWeights } from '../text/cacheMixture';
import { DocumentWords } from '../text/documentWords';
import { IncrementalLexer, NEWLINE } from '../text/incrementalLexer';
import { isCompletionWord } from '../text/words';

/** A last token that what follows may extend: a word or whitespace run, or half a surrogate pair. */
const joinable = /^[\p{L}\p{N}_$\s\uD800-\uDBFF]$/u;

/**
 * From scripts/tuneCache.ts on 20 held-out files that are not the README's report files (150 words
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
}

export class DocumentCache {
  private readonly words = new DocumentWords();
  private readonly followers = new Map<string, { total: number; counts: Map<string, number> }>();
  private previous: string | null = null;
  private beforePrevious: string | null = null;
  private tokens = 0;
  private readonly lexer = new IncrementalLexer({ reset: () => this.clear(), token: (t) => this.add(t) });

  /** Length of the text read into the counts (the lexer holds back a word that may still grow). */
  get consumed(): number {
    return this.lexer.consumed;
  }

  /** Reads what `text` adds to the text read so far; a text that does not continue it is read afresh. */
  update(text: string): void {
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

  /** The cached words that continue `typed` (the word before the cursor), at most `limit` of them. */
  query(typed: string, priors: CachePriors, limit: number): CacheQuery {
    const last = this.lexer.pendingNewline ? NEWLINE : this.previous;
    const after = last === null ? undefined : this.followers.get(last);
    const w = cacheWeights(this.tokens, after?.total ?? 0, priors);
    const best: { word: string; weight: number }[] = [];
    let total = 0;
    this.words.forEachWithPrefix(typed, ({ word, count }) => {
      if (word.length <= typed.length) return;
      const weight = w.bigram * (after?.counts.get(word) ?? 0) + w.unigram * count;
      total += weight;
      if (best.length === limit && weight <= best[limit - 1].weight) return;
      let i = best.length;
      while (i > 0 && best[i - 1].weight < weight) i--;
      best.splice(i, 0, { word, weight });
      if (best.length > limit) best.pop();
    });
    return { words: best, total, modelWeight: w.model };
  }

  /** The last two tokens read (oldest first; a pending line break counts as one). */
  history(): string[] {
    const h = [this.beforePrevious, this.previous].filter((t): t is string => t !== null);
    if (this.lexer.pendingNewline) h.push(NEWLINE);
    return h.slice(-2);
  }

  private clear(): void {
    this.words.clear();
    this.followers.clear();
    this.previous = null;
    this.beforePrevious = null;
    this.tokens = 0;
  }

  private add(token: string): void {
    this.tokens++;
    if (isCompletionWord(token)) this.words.add(token);
    if (this.previous !== null) {
      let f = this.followers.get(this.previous);
      if (!f) this.followers.set(this.previous, (f = { total: 0, counts: new Map() }));
      f.total++;
      f.counts.set(token, (f.counts.get(token) ?? 0) + 1);
    }
    this.beforePrevious = this.previous;
    this.previous = token;
  }
}
