// Ghost text: the rest of the model's best word when it is confident, and nothing otherwise. With the
// suggest widget open it shows only while the selected row is that word, so the two never disagree
// and the ghost text is never a guess (the widget's first row, where the model is unsure, is one).
import * as vscode from 'vscode';
import { CompletionSource, typedRange } from './completionSource';
import { leadingWordChars } from '../engine/text/words';
import { isServed, readSettings } from './settings';

export function createInlineCompletionProvider(source: CompletionSource): vscode.InlineCompletionItemProvider {
  return {
    async provideInlineCompletionItems(document, position, context, token) {
      const settings = readSettings(document);
      if (!isServed(document, settings) || !settings.inlineEnable) return undefined;
      const result = await source.get(document, position, token);
      if (!result?.inline) return undefined;
      const selected = context.selectedCompletionInfo;
      if (selected && selected.text !== result.typed + leadingWordChars(result.inline)) return undefined;
      return [new vscode.InlineCompletionItem(result.typed + result.inline, typedRange(position, result))];
    },
  };
}
