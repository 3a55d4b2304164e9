// Baseline `frequency`: the words of the document so far, most frequent first (ties: the most
// recently seen first), filtered by the typed prefix; also answers at k = 0.

import type { CompletionSystem } from './completionSystem';
import { DocumentWords, type WordEntry } from './documentWords';
import { IncrementalLexer } from './incrementalLexer';
import { TopK } from './topK';
import { isCompletionWord } from './words';

/** True when `a` ranks before `b`: more occurrences, then more recent. */
function before(a: WordEntry, b: WordEntry): boolean {
  return a.count > b.count || (a.count === b.count && a.lastSeen > b.lastSeen);
}

/** Document word counts as a ranker. The typed text itself is never suggested. */
export class Frequency implements CompletionSystem {
  readonly name = 'frequency';
  private readonly words = new DocumentWords();
  private readonly lexer = new IncrementalLexer({
    reset: () => this.words.clear(),
    token: (t) => {
      if (isCompletionWord(t)) this.words.add(t);
    },
  });

  startFile(_path: string): void {
    this.lexer.reset();
  }

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    this.lexer.update(textBeforeCursor);
    const best = new TopK<WordEntry>(limit, before);
    this.words.forEachWithPrefix(typed, (e) => {
      if (e.word !== typed) best.offer(e);
    });
    return best.items.map((e) => e.word);
  }
}
