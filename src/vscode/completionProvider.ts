// The suggest list: the model's words in the model's order, with their probability.
import * as vscode from 'vscode';
import { CompletionSource } from './completionSource';
import { isServed } from './settings';

export function registerCompletionProvider(source: CompletionSource): vscode.Disposable {
  const provider: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      if (!isServed(document)) return undefined;
      const result = await source.get(document, position, token);
      if (!result?.items.length) return undefined;
      const range = new vscode.Range(position.translate(0, -result.word.length), position);
      const items = result.items.map((item, rank) => {
        const c = new vscode.CompletionItem(item.word, vscode.CompletionItemKind.Text);
        c.range = range;
        c.detail = `${formatProbability(item.probability)} · Recurrent`;
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
  return vscode.languages.registerCompletionItemProvider({ pattern: '**' }, provider);
}

export function formatProbability(p: number): string {
  return p >= 0.995 ? '>99%' : p < 0.001 ? '<0.1%' : `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
}
