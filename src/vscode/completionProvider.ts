// The suggest list: the model's words in the model's order, with their probability.
import * as vscode from 'vscode';
import { CompletionSource, typedRange } from './completionSource';
import { isServed } from './settings';

export function registerCompletionProvider(source: CompletionSource): vscode.Disposable {
  const provider: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      if (!isServed(document)) return undefined;
      const result = await source.get(document, position, token);
      // Overtaken or cancelled: an incomplete empty list, so that the editor asks again as typing goes on.
      if (!result) return new vscode.CompletionList([], true);
      // The answer is for this position: every item continues the word typed before it.
      const range = typedRange(position, result);
      const items = result.items.map((item, rank) => {
        // The description shows on every row (the detail only on the focused one).
        const detail = `${formatProbability(item.probability)} · Recurrent`;
        const c = new vscode.CompletionItem({ label: item.word, description: detail }, vscode.CompletionItemKind.Text);
        c.range = range;
        c.detail = detail;
        // Every item matches the typed prefix the same way, so VS Code's fuzzy score ties and
        // sortText keeps the model's order; isIncomplete makes it ask again as the word grows.
        c.sortText = String(rank).padStart(4, '0');
        c.filterText = item.word;
        c.preselect = rank === 0;
        return c;
      });
      return new vscode.CompletionList(items, true);
    },
  };
  // After a `.` the next word (a member) is predicted at once, as language services do.
  return vscode.languages.registerCompletionItemProvider({ pattern: '**' }, provider, '.');
}

export function formatProbability(p: number): string {
  return p >= 0.995 ? '>99%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}
