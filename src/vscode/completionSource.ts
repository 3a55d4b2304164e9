// One engine request per keystroke, shared by the suggest list and the ghost text: both providers
// ask for the same document and position, and the second one joins the first's request.
import * as vscode from 'vscode';
import { EngineClient } from '../engine/runtime/engineClient';
import { CompletionResult } from '../engine/runtime/protocol';
import { languageOfDocument } from '../engine/tokenizer/language';
import { readSettings } from './settings';

export class CompletionSource {
  private last?: { key: string; result: Promise<CompletionResult | undefined> };

  constructor(private readonly client: EngineClient, private readonly log: vscode.LogOutputChannel) {}

  /** Completions at `position`; undefined when superseded, cancelled or failed (failures are logged). */
  async get(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<CompletionResult | undefined> {
    const key = `${document.uri.toString()}@${document.version}:${document.offsetAt(position)}`;
    if (this.last?.key !== key) {
      const text = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
      const result = this.client.complete(document.uri.toString(), text, readSettings(document).complete, undefined, languageOfDocument(document.languageId, document.fileName)).catch((e: Error) => {
        this.log.warn(`[completion] ${e.message}`);
        return undefined;
      });
      this.last = { key, result };
    }
    const result = await this.last.result;
    return token.isCancellationRequested ? undefined : result;
  }
}
