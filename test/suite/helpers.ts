// Shared steps of the extension-host suites: the activated extension's API, fixture files, polling.
import * as vscode from 'vscode';
import type { RecurrentApi } from '../../src/extension';

export const EXTENSION_ID = 'recurrent-dev.recurrent';

/** The activated extension's API, once its model has loaded. */
export async function recurrent(): Promise<RecurrentApi> {
  const extension = vscode.extensions.getExtension<RecurrentApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  const api = await extension.activate();
  await api.ready;
  return api;
}

export function fixtureUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens a fixture file in an editor. */
export async function openFixture(...segments: string[]): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixtureUri(...segments));
  return vscode.window.showTextDocument(document);
}
