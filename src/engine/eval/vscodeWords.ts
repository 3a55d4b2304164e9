// Baseline `vscode-words`: what VS Code's word-based suggestions offer, computed from the text
// before the cursor only (docs/architecture.md §5: nothing after the cursor exists in the simulation).
//
// VS Code (editorWorker `textualSuggest`) collects the distinct words of the document, skipping
// the word at the cursor; the suggest widget then filters them with `fuzzyScore` and sorts by
// score, then by label with JS `<`. An exact-case prefix match gets the highest score fuzzyScore
// gives (7 per character, no skipped characters), the same for every such word, so those words
// come first in code-unit order. Words that match only fuzzily (other case, camel-case humps)
// score lower and always sort after them; they can never outrank the word being typed, which is an
// exact-case prefix match, so this baseline returns only exact-case prefix matches, in code-unit
// order. Quick suggestions start with the first typed character: nothing at k = 0.

import type { CompletionSystem } from './completionSystem';
import { TypedDocumentWords } from '../text/documentWords';

/** VS Code's word-based suggestions over the text before the cursor. */
export class VscodeWords implements CompletionSystem {
  readonly name = 'vscode-words';
  private readonly words = new TypedDocumentWords();

  startFile(_path: string): void {
    this.words.reset();
  }

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    if (typed === '') return [];
    this.words.update(textBeforeCursor);
    const out: string[] = [];
    this.words.forEachWithPrefix(typed, (e) => {
      if (e.word !== typed) out.push(e.word);
      return out.length < limit;
    });
    return out;
  }
}
