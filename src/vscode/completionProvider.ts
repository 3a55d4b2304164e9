// The suggest list: the model's words in the model's order, with their probability, placed among
// the language service's items by mergePolicy (the engine keeps them to the file's language).
import * as vscode from 'vscode';
import { CompletionSource } from './completionSource';
import { placeWords } from './mergePolicy';
import { isServed, readSettings } from './settings';

export function registerCompletionProvider(source: CompletionSource): vscode.Disposable {
  const provider: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      const settings = readSettings(document);
      if (!isServed(document, settings)) return undefined;
      const answer = await source.list(document, position, token);
      // Cancelled or failed: an incomplete empty list, so that the editor asks again as typing goes on.
      if (!answer) return new vscode.CompletionList([], true);
      const { result, range } = answer;
      const items = placeWords(result.items, settings.confidentProbability).map((item) => {
        // The description shows on every row (the detail only on the focused one).
        const detail = `${formatProbability(item.probability)} · Recurrent`;
        const c = new vscode.CompletionItem({ label: item.word, description: detail }, vscode.CompletionItemKind.Text);
        c.range = range;
        c.detail = detail;
        // Every item matches the typed prefix the same way, so VS Code's fuzzy score ties and
        // sortText keeps the model's order; isIncomplete makes it ask again as the word grows.
        c.sortText = item.sortText;
        c.filterText = item.word;
        c.preselect = item.preselect;
        return c;
      });
      if (!items.length) return undefined;
      return new vscode.CompletionList(items, true);
    },
  };
  // After a `.` the next word (a member) is predicted at once, as language services do.
  return vscode.languages.registerCompletionItemProvider({ pattern: '**' }, provider, '.');
}

export function formatProbability(p: number): string {
  return p >= 0.995 ? '>99%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}
