// Baseline `frequency`: the words of the document so far, most frequent first (ties: the most
// recently seen first), filtered by the typed prefix; also answers at k = 0. In a session the
// counts of the project's files so far are added to the document's.

import { DocumentWordsSystem } from './completionSystem';
import type { WordEntry } from '../text/documentWords';
import { TopK } from '../topK';

/** True when `a` ranks before `b`: more occurrences, then more recent. */
function before(a: WordEntry, b: WordEntry): boolean {
  return a.count > b.count || (a.count === b.count && a.lastSeen > b.lastSeen);
}

/** Document word counts as a ranker. The typed text itself is never suggested. */
export class Frequency extends DocumentWordsSystem {
  readonly name = 'frequency';

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    this.words.update(textBeforeCursor);
    const best = new TopK<WordEntry>(limit, before);
    this.words.forEachWithPrefix(typed, (e) => {
      if (e.word !== typed) best.offer(this.project.size ? { ...e, count: e.count + this.project.count(e.word) } : e);
    });
    // Project words the document lacks rank by their project counts, after any seen in the document at equal count.
    this.project.forEachWithPrefix(typed, (e) => {
      if (e.word !== typed && this.words.count(e.word) === 0) best.offer({ ...e, lastSeen: -1 });
    });
    return best.items.map((e) => e.word);
  }
}
