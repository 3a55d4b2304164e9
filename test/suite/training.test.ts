// "Train on Workspace" on the fixture workspace: the adapted model, its report, cancellation that
// keeps the previous model, an empty selection that changes nothing, and the reset.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FineTuneResult } from '../../src/engine/training/fineTune';
import { recurrent, until } from './helpers';

describe('training on the workspace', function () {
  this.timeout(180_000);

  it('changes nothing when no file is left to train on', async () => {
    const api = await recurrent();
    const before = api.models.current;
    await vscode.workspace.getConfiguration('recurrent').update('training.exclude', ['**'], vscode.ConfigurationTarget.Workspace);
    try {
      const result = await vscode.commands.executeCommand<FineTuneResult | undefined>('recurrent.trainOnWorkspace');
      assert.equal(result, undefined);
      assert.equal(api.models.current, before);
    } finally {
      await vscode.workspace.getConfiguration('recurrent').update('training.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('keeps the previous model when cancelled', async () => {
    const api = await recurrent();
    const before = api.models.current!;
    // Enough text that training is still running when the cancel comes.
    const big = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'big.ts');
    const source = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'inventory.ts')));
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(Array.from({ length: 150 }, (_, i) => source.replaceAll('Inventory', `Inventory${i}`)).join('\n')));
    try {
      const running = vscode.commands.executeCommand<FineTuneResult | undefined>('recurrent.trainOnWorkspace');
      await new Promise((r) => setTimeout(r, 4000));
      const t0 = Date.now();
      await vscode.commands.executeCommand('recurrent.cancelTraining');
      assert.equal(await running, undefined);
      assert.ok(Date.now() - t0 < 1500, `cancelling took ${Date.now() - t0} ms`);
      assert.equal(api.models.current, before);
      assert.ok(!fs.existsSync(path.join(api.models.workspaceDir!, 'model.json')), 'a cancelled run left a model behind');
    } finally {
      await vscode.workspace.fs.delete(big);
    }
  });

  it('fine-tunes, switches to the adapted model and reports before and after', async () => {
    const api = await recurrent();
    const result = await vscode.commands.executeCommand<FineTuneResult>('recurrent.trainOnWorkspace');
    assert.ok(result, 'training gave no result');
    assert.ok(result.trainTokens > 0);
    assert.ok(Number.isFinite(result.before.bitsPerChar) && Number.isFinite(result.after.bitsPerChar));
    assert.ok(result.after.bitsPerChar <= result.before.bitsPerChar, `${result.before.bitsPerChar} -> ${result.after.bitsPerChar}`);
    assert.equal(api.models.current!.kind, 'workspace');
    for (const file of ['model.onnx', 'tokenizer.json', 'model.json']) assert.ok(fs.existsSync(path.join(api.models.workspaceDir!, file)), file);
    // What a window reload does: the preferred model is the adapted one.
    assert.equal((await api.models.loadPreferred()).kind, 'workspace');
    // Completion carries on with the adapted model.
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'inventory.ts'));
    const position = document.positionAt(document.getText().lastIndexOf('this.items') + 'this.it'.length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    assert.ok(list.items.some((i) => i.detail?.endsWith('· Recurrent')), 'no completions from the adapted model');
  });

  it('goes back to the base model on reset', async () => {
    const api = await recurrent();
    await vscode.commands.executeCommand('recurrent.resetToBaseModel');
    await until(() => api.models.current?.kind === 'base', 10_000, 'the base model');
    assert.ok(!fs.existsSync(api.models.workspaceDir!));
    assert.equal((await api.models.loadPreferred()).kind, 'base');
  });
});
