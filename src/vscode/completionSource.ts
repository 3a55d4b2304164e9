// One engine request per keystroke, shared by the suggest list and the ghost text: both providers
// ask for the same document and position, and the second one joins the first's request. Whether an
// answer is stale is decided by the engine's worker alone: an answer of `get` is always for its
// position; only the suggest list may take a later keystroke's (`list`).
import * as vscode from 'vscode';
import { EngineClient } from '../engine/runtime/engineClient';
import { CompletionResult } from '../engine/runtime/protocol';
import { languageOfDocument } from '../engine/tokenizer/language';
import { readSettings } from './settings';

interface Shared {
  readonly key: string;
  readonly uri: string;
  readonly position: vscode.Position;
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
    return token.isCancellationRequested ? undefined : this.join(this.request(document, position), token);
  }

  /**
   * The suggest list's items at `position` and the range they replace. When the engine dropped this
   * keystroke's request for a newer one in the same word, the words at the cursor: VS Code waits for
   * a pending list while the user types on and then filters it by the word at the cursor, and it
   * ends an automatic session whose answer is empty, so without them no list would open until the
   * next keystroke. None once the user has gone on past the word (see leftWord).
   */
  async list(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<{ result: CompletionResult; range: vscode.Range } | undefined> {
    const answer = await this.listAt(document, position, token);
    return answer && !leftWord(document, answer.range) ? answer : undefined;
  }

  private async listAt(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<{ result: CompletionResult; range: vscode.Range } | undefined> {
    if (token.isCancellationRequested) return undefined;
    let seen: Shared | undefined = this.request(document, position);
    // Each retry follows a request that a newer keystroke overtook or its other callers cancelled.
    for (let attempt = 0; seen && attempt < 4 && !token.isCancellationRequested; attempt++) {
      const result = await this.join(seen, token);
      if (result) {
        const start = seen.position.character - result.typed.length;
        return start <= position.character ? { result, range: new vscode.Range(position.line, start, position.line, position.character) } : undefined;
      }
      seen = this.laterThan(seen, position);
    }
    return undefined;
  }

  /** The request to follow after `seen` gave no answer: the newest one, when it is later in the same word. */
  private laterThan(seen: Shared, position: vscode.Position): Shared | undefined {
    const newer = this.last;
    if (!newer || newer === seen || newer.abort.signal.aborted || newer.uri !== seen.uri) return undefined;
    return newer.position.line === position.line && newer.position.character > position.character ? newer : undefined;
  }

  /** The engine request for this keystroke: the one in flight when it is for the same text and position. */
  private request(document: vscode.TextDocument, position: vscode.Position): Shared {
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
      this.last = { key, uri: document.uri.toString(), position, result, abort, waiting: 0 };
    }
    return this.last;
  }

  /**
   * Waits for `shared`'s answer as one more of its callers. When its last caller is cancelled, the
   * request is cancelled in the engine unless it is still the newest: the ghost text cancels its
   * request at every keystroke and asks again only after a pause, and a suggest list overtaken
   * meanwhile follows the newest request, which must then still be alive to answer. (The worker
   * drops a queued request once a newer one for its document arrives.)
   */
  private async join(shared: Shared, token: vscode.CancellationToken): Promise<CompletionResult | undefined> {
    shared.waiting++;
    let waiting = true;
    const leave = (cancelled: boolean) => {
      if (!waiting) return;
      waiting = false;
      if (--shared.waiting === 0 && cancelled && shared !== this.last) shared.abort.abort();
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

/**
 * Whether the cursor has gone on past `range`'s word on its line (a space typed, or the next word
 * begun) while its words were computed. VS Code keeps the items of a late list when the user starts
 * a new word and asks no provider that gave items again, so words for the old one would leave the
 * new one without any; an empty list makes it ask again there.
 */
function leftWord(document: vscode.TextDocument, range: vscode.Range): boolean {
  const cursor = vscode.window.visibleTextEditors.find((e) => e.document === document)?.selection.active;
  if (!cursor || cursor.line !== range.end.line || cursor.character <= range.end.character) return false;
  return (document.getWordRangeAtPosition(cursor)?.start.character ?? cursor.character) > range.end.character;
}

/** The range of the word typed before `position`, which an item of `result` replaces. */
export function typedRange(position: vscode.Position, result: CompletionResult): vscode.Range {
  return new vscode.Range(position.translate(0, -result.typed.length), position);
}
