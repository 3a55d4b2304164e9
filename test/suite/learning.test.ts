// Learning while the user works, in the real extension host: saving an edited file makes the model
// learn (the learned weights appear in the workspace storage, the status bar says what was learned,
// completions come from the learned weights), and Reset to Base Model drops them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { defaultCompleteOptions } from '../../src/engine/runtime/completeOptions';
import { fixtureUri, recurrent, until } from './helpers';

describe('learning while the user works', function () {
  this.timeout(180_000);

  it('learns from a saved file: weights file, status bar tooltip, completions from the learned weights', async () => {
    const api = await recurrent();
    await vscode.commands.executeCommand('recurrent.resetToBaseModel');
    await until(() => api.models.current?.kind === 'base' && api.learning.status.includes('nothing learned yet'), 30_000, 'a fresh learner');
    assert.ok(api.learning.file && !fs.existsSync(api.learning.file));
    const uri = fixtureUri('src', 'inventory.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    await until(() => api.statusBar.current.status === 'ready', 30_000, 'the perplexity readout');
    const source = document.getText();
    const added = `\n${source.replaceAll('Inventory', 'Warehouse').replaceAll('quantity', 'stockLevel')}`;
    await editor.edit((e) => e.insert(document.positionAt(source.length), added));
    await document.save();
    const file = api.learning.file!;
    await until(() => fs.existsSync(file), 120_000, 'the learned weights file');
    await until(() => /KB learned; on that text [\d.]+ → [\d.]+ bits\/char/.test(api.statusBar.tooltip), 30_000, `the tooltip to say what was learned (it says: ${api.statusBar.tooltip})`);
    // The worker completes with the learned weights.
    const result = await until(async () => {
      const r = await api.client.complete('learning-probe', 'const w = new Ware', defaultCompleteOptions());
      return r && r.modelVersion > 0 ? r : undefined;
    }, 30_000, 'completions from the learned weights');
    assert.ok(result.modelVersion >= 1);

    await vscode.commands.executeCommand('recurrent.resetToBaseModel');
    await until(() => !fs.existsSync(file) && api.models.current?.kind === 'base', 30_000, 'the reset');
    const after = await api.client.complete('learning-probe', 'const w = new Ware', defaultCompleteOptions());
    assert.equal(after?.modelVersion, 0);
    // Leave the fixture as it was for the other suites.
    await editor.edit((e) => e.delete(new vscode.Range(document.positionAt(source.length), document.positionAt(document.getText().length))));
    await document.save();
  });
});
