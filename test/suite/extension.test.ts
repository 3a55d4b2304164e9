// The extension as VS Code sees it: installed under its id, activated by its activation event in
// the fixture workspace, contributing and registering its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'recurrent-dev.recurrent';
const COMMANDS = ['recurrent.trainOnWorkspace', 'recurrent.showModelInfo', 'recurrent.resetToBaseModel'];

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('extension', () => {
  it('is installed under its id', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among ${vscode.extensions.all.length} extensions`);
    assert.equal(extension.packageJSON.main, './dist/extension.js');
  });

  it('activates by itself once the workbench has started', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await until(() => extension.isActive, 30_000, 'activation on onStartupFinished');
  });

  it('contributes its commands to the Command Palette', () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string; category: string }[]);
    for (const command of COMMANDS) {
      const entry = contributed.find((c) => c.command === command);
      assert.ok(entry, `${command} is not contributed`);
      assert.equal(entry.category, 'Recurrent');
    }
  });

  it('registers its commands once active', async () => {
    const registered = await vscode.commands.getCommands(true);
    const missing = COMMANDS.filter((command) => !registered.includes(command));
    assert.deepEqual(missing, [], `not registered: ${missing.join(', ')}`);
  });

  it('runs in the fixture workspace', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'src', 'inventory.ts'));
    assert.equal(document.languageId, 'typescript');
    assert.match(document.getText(), /export class Inventory/);
  });

  // Later suites (one *.test.ts file each, listed in index.ts): completion items, inline
  // suggestions, the status bar, training.
});
