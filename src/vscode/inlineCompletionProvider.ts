// Ghost text: the rest of the current word when the model is confident; when the suggest widget is
// open, the rest of its selected item instead, so the two never disagree.
import * as vscode from 'vscode';
import { CompletionSource, typedRange } from './completionSource';
import { leadingWordChars } from '../engine/text/words';
import { allowingProjectWords, LanguageWordFilter } from './languageWordFilter';
import { isServed, readSettings } from './settings';

export function createInlineCompletionProvider(source: CompletionSource, filter: LanguageWordFilter): vscode.InlineCompletionItemProvider {
  return {
    async provideInlineCompletionItems(document, position, context, token) {
      const settings = readSettings(document);
      if (!isServed(document, settings) || !settings.inlineEnable) return undefined;
      const selected = context.selectedCompletionInfo;
      if (selected) return [new vscode.InlineCompletionItem(selected.text, selected.range)];
      const result = await source.get(document, position, token);
      if (!result?.inline) return undefined;
      // The same words as the suggest list: none the file's language cannot contain.
      const allows = settings.languageWordsOnly ? await filter.allowsAt(document, position) : undefined;
      if (allows && !allowingProjectWords(result, allows)(result.typed + leadingWordChars(result.inline))) return undefined;
      return [new vscode.InlineCompletionItem(result.typed + result.inline, typedRange(position, result))];
    },
  };
}
