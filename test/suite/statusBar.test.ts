// The status-bar perplexity readout and the surprisal view, on real documents.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFixture, recurrent, until } from './helpers';

describe('status bar', () => {
  it('shows the perplexity of the active document and follows its edits', async () => {
    const api = await recurrent();
    const editor = await openFixture('src', 'inventory.ts');
    const first = await until(() => (api.statusBar.current.status === 'ready' ? api.statusBar.current : undefined), 30_000, 'a perplexity');
    assert.equal(first.status, 'ready');
    const before = first.score;
    assert.ok(before.perplexity > 1 && Number.isFinite(before.perplexity));
    assert.equal(before.chars, editor.document.getText().length);
    // Appending noise makes the document less predictable: the readout must change.
    await editor.edit((b) => b.insert(editor.document.positionAt(editor.document.getText().length), '\nqzv xkj wpq zzq vqx jjk\n'));
    const after = await until(() => {
      const r = api.statusBar.current;
      return r.status === 'ready' && r.score.chars !== before.chars ? r.score : undefined;
    }, 30_000, 'a new perplexity after the edit');
    assert.notEqual(after.perplexity, before.perplexity);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('is hidden for a skipped language', async () => {
    const api = await recurrent();
    await openFixture('tools', 'report.py');
    await vscode.workspace.getConfiguration('recurrent').update('skipLanguages', ['python'], vscode.ConfigurationTarget.Global);
    try {
      await until(() => api.statusBar.current.status === 'hidden', 10_000, 'the item to hide');
    } finally {
      await vscode.workspace.getConfiguration('recurrent').update('skipLanguages', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('highlights the most surprising tokens when toggled on', async () => {
    const api = await recurrent();
    await openFixture('src', 'inventory.ts');
    assert.equal(await vscode.commands.executeCommand('recurrent.toggleSurprisal'), true);
    try {
      const scored = await until(() => {
        const r = api.statusBar.current;
        return r.status === 'ready' && r.score.surprising?.length ? r.score : undefined;
      }, 30_000, 'surprising tokens');
      const bits = scored.surprising!.map((s) => s.bits);
      assert.ok(bits.every((b) => b > 0));
      assert.deepEqual(bits, [...bits].sort((a, b) => b - a));
    } finally {
      assert.equal(await vscode.commands.executeCommand('recurrent.toggleSurprisal'), false);
    }
  });
});
