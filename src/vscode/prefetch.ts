// Reads ahead where the cursor rests. The first keystroke at a place would otherwise make the engine
// read all the text before it (seconds, for a long file on a busy machine), and neither the suggest
// list nor the ghost text could show in time. Once the cursor has rested a moment in a served
// document, the completion there is asked for in the background; the keystroke that follows costs
// the engine only its own text. While typing, the request is the one the keystroke already made
// (CompletionSource joins requests for the same place), so nothing extra runs; and it never reads
// ahead while a request waits, which it would overtake.
import * as vscode from 'vscode';
import { CompletionSource } from './completionSource';
import { isServed } from './settings';

/** How long the cursor rests before the engine reads ahead. */
const REST_MS = 300;

export function registerPrefetch(source: CompletionSource): vscode.Disposable {
  let timer: NodeJS.Timeout | undefined;
  const schedule = (editor: vscode.TextEditor | undefined) => {
    clearTimeout(timer);
    if (!editor) return;
    timer = setTimeout(() => {
      if (vscode.window.activeTextEditor !== editor || !isServed(editor.document)) return;
      void readAhead(source, editor.document, editor.selection.active);
    }, REST_MS);
  };
  schedule(vscode.window.activeTextEditor);
  return vscode.Disposable.from(
    vscode.window.onDidChangeActiveTextEditor(schedule),
    vscode.window.onDidChangeTextEditorSelection((e) => schedule(e.textEditor)),
    { dispose: () => clearTimeout(timer) },
  );
}

/**
 * Reads ahead at `position` unless a request is still waiting for its answer: a read-ahead must
 * never overtake (and so blank) a completion the editor asked for.
 */
async function readAhead(source: CompletionSource, document: vscode.TextDocument, position: vscode.Position): Promise<void> {
  if (source.busy) return;
  await source.get(document, position, neverCancelled);
}

const neverCancelled: vscode.CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
