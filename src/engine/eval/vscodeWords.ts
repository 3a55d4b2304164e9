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
// order. Quick suggestions start with the first typed character: nothing at k = 0. In a session
// (simulate --session) the words of the project's files so far join the document's, as VS Code's
// `editor.wordBasedSuggestions: allDocuments` offers the words of every open document.

import { DocumentWordsSystem } from './completionSystem';

/** VS Code's word-based suggestions over the text before the cursor. */
export class VscodeWords extends DocumentWordsSystem {
  readonly name = 'vscode-words';

  rank(textBeforeCursor: string, typed: string, limit: number): string[] {
    if (typed === '') return [];
    this.words.update(textBeforeCursor);
    const out = new Set<string>();
    for (const words of [this.words, this.project]) {
      let taken = 0;
      words.forEachWithPrefix(typed, (e) => {
        if (e.word !== typed) out.add(e.word) && taken++;
        return taken < limit;
      });
    }
    return [...out].sort((a, b) => (a < b ? -1 : 1)).slice(0, limit);
  }
}
