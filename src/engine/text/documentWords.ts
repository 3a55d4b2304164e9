// The distinct words of one document so far, with counts and recency, kept sorted so that the
// words starting with a prefix are one binary search away.

import { IncrementalLexer } from './incrementalLexer';
import { isCompletionWord } from './words';

/** A word of the document and what the baselines know about it. */
export interface WordEntry {
  readonly word: string;
  /** Occurrences so far. */
  count: number;
  /** Sequence number of the latest occurrence (larger = more recent). */
  lastSeen: number;
}

/** Distinct words of a document with counts, recency and prefix lookup. */
export class DocumentWords {
  private readonly byWord = new Map<string, WordEntry>();
  /** Entries in UTF-16 code-unit order of their words (JS `<`, as VS Code sorts labels). */
  private readonly sorted: WordEntry[] = [];
  private seq = 0;

  /** Number of distinct words. */
  get size(): number {
    return this.sorted.length;
  }

  /** Occurrences of `word` so far. */
  count(word: string): number {
    return this.byWord.get(word)?.count ?? 0;
  }

  /** Forgets every word. */
  clear(): void {
    this.byWord.clear();
    this.sorted.length = 0;
    this.seq = 0;
  }

  /** Records one occurrence of `word`. */
  add(word: string): void {
    const entry = this.byWord.get(word);
    if (entry) {
      entry.count++;
      entry.lastSeen = ++this.seq;
      return;
    }
    const created: WordEntry = { word, count: 1, lastSeen: ++this.seq };
    this.byWord.set(word, created);
    this.sorted.splice(this.lowerBound(word), 0, created);
  }

  /** Calls `visit` for each word starting with `prefix`, in code-unit order; stops when it returns false. */
  forEachWithPrefix(prefix: string, visit: (entry: WordEntry) => boolean | void): void {
    for (let i = prefix ? this.lowerBound(prefix) : 0; i < this.sorted.length; i++) {
      const entry = this.sorted[i];
      if (!entry.word.startsWith(prefix)) return;
      if (visit(entry) === false) return;
    }
  }

  private lowerBound(word: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid].word < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The words of the text before the cursor, kept up to date as it grows (the two word baselines). */
export class TypedDocumentWords extends DocumentWords {
  private readonly lexer = new IncrementalLexer({
    reset: () => this.clear(),
    token: (t) => {
      if (isCompletionWord(t)) this.add(t);
    },
  });

  /** A new file: forget every word. */
  reset(): void {
    this.lexer.reset();
  }

  /** Reads whatever `textBeforeCursor` adds to the text seen so far. */
  update(textBeforeCursor: string): void {
    this.lexer.update(textBeforeCursor);
  }
}
