// Wires the engine to the editor: builds the parts, registers the contributions, owns the disposables.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Recurrent', { log: true });
  context.subscriptions.push(log);
  log.info('[main] activated');
}

export function deactivate(): void {}
