// One engine request per keystroke, shared by the suggest list and the ghost text: both providers
// ask for the same document and position, and the second one joins the first's request. Whether an
// answer is stale is decided by the engine's worker alone: an answer here is always for its position.
import * as vscode from 'vscode';
import { EngineClient } from '../engine/runtime/engineClient';
import { CompletionResult } from '../engine/runtime/protocol';
import { languageOfDocument } from '../engine/tokenizer/language';
import { readSettings } from './settings';

interface Shared {
  readonly key: string;
  readonly result: Promise<CompletionResult | undefined>;
  readonly abort: AbortController;
  /** Callers still waiting whose editor has not cancelled them. */
  waiting: number;
}

export class CompletionSource {
  private last?: Shared;
  /** Requests whose answer has not arrived yet. */
  private pending = 0;

  constructor(private readonly client: EngineClient, private readonly log: vscode.LogOutputChannel) {}

  /** Whether a request is still waiting for the engine's answer. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /**
   * Completions at `position`, for the text before it; undefined when cancelled, overtaken by a
   * newer keystroke or failed (failures are logged). The request is cancelled in the engine once
   * every caller that shares it is.
   */
  async get(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<CompletionResult | undefined> {
    if (token.isCancellationRequested) return undefined;
    const key = `${document.uri.toString()}@${document.version}:${document.offsetAt(position)}`;
    if (this.last?.key !== key || this.last.abort.signal.aborted) {
      const text = document.getText(new vscode.Range(new vscode.Position(0, 0), position));
      const abort = new AbortController();
      const result = this.client.complete(document.uri.toString(), text, readSettings(document).complete, abort.signal, languageOfDocument(document.languageId, document.fileName)).catch((e: Error) => {
        this.log.warn(`[completion] ${e.message}`);
        return undefined;
      });
      this.pending++;
      void result.finally(() => this.pending--);
      this.last = { key, result, abort, waiting: 0 };
    }
    const shared = this.last;
    shared.waiting++;
    let waiting = true;
    const leave = (cancelled: boolean) => {
      if (!waiting) return;
      waiting = false;
      if (--shared.waiting === 0 && cancelled) shared.abort.abort();
    };
    const subscription = token.onCancellationRequested(() => leave(true));
    try {
      const result = await shared.result;
      return token.isCancellationRequested ? undefined : result;
    } finally {
      subscription.dispose();
      leave(false);
    }
  }
}

/** The range of the word typed before `position`, which an item of `result` replaces. */
export function typedRange(position: vscode.Position, result: CompletionResult): vscode.Range {
  return new vscode.Range(position.translate(0, -result.typed.length), position);
}
