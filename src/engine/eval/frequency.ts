// Baseline `frequency`: the words of the document so far, most frequent first (ties: the most
// recently seen first), filtered by the typed prefix; also answers at k = 0.

import type { CompletionSystem } from './completionSystem';
import { TypedDocumentWords, type WordEntry } from '../text/documentWords';
import { TopK } from '../topK';

/** True when `a` ranks before `b`: more occurrences, then more recent. */
function before(a: WordEntry, b: WordEntry): boolean {
  return a.count > b.count || (a.count === b.count && a.lastSeen > b.lastSeen);
}

/** Document word counts as a ranker. The typed text itself is never suggested. */
export class Frequency implements CompletionSystem {
  readonly name = 'frequency';
  private readonly words = new TypedDocumentWords();

  startFile(_path: string): void {
    this.words.reset();
  }

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    this.words.update(textBeforeCursor);
    const best = new TopK<WordEntry>(limit, before);
    this.words.forEachWithPrefix(typed, (e) => {
      if (e.word !== typed) best.offer(e);
    });
    return best.items.map((e) => e.word);
  }
}
