// Robustness in the real editor: a damaged model named in settings falls back to the bundled one,
// a model path is honoured only in a trusted workspace, and completions come back after the engine
// worker dies. (code-server runs with --disable-workspace-trust: every workspace is trusted here, so
// the restricted-mode branches of settings.ts and trainCommand.ts cannot run in this suite; the
// manifest's restrictedConfigurations is checked by test/unit/robustness/trust.test.ts.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { EXTENSION_ID, openFixture, recurrent, until } from './helpers';

/** A copy of the model folder in use, for the tests to damage. */
function copyOfModel(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'recurrent-suite-model-'));
  for (const name of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, name), path.join(copy, name));
  return copy;
}

async function setModelPath(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('recurrent').update('modelPath', value, vscode.ConfigurationTarget.Global);
}

describe('robustness', function () {
  this.timeout(120_000);

  it('runs trusted (so recurrent.modelPath is honoured) and uses the model it names', async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    const api = await recurrent();
    const custom = copyOfModel(api.models.current!.dir);
    try {
      await setModelPath(custom);
      const active = await api.models.loadPreferred();
      assert.equal(active.kind, 'custom');
      assert.equal(active.dir, custom);
    } finally {
      await setModelPath(undefined);
      await api.models.loadPreferred();
    }
  });

  it('falls back to the bundled model when the model in recurrent.modelPath is damaged', async () => {
    const api = await recurrent();
    const base = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'media', 'models', 'base');
    const damaged = copyOfModel(base);
    const tokenizer = path.join(damaged, 'tokenizer.json');
    fs.writeFileSync(tokenizer, fs.readFileSync(tokenizer).subarray(0, 1000));
    try {
      await setModelPath(damaged);
      const active = await api.models.loadPreferred();
      assert.equal(active.kind, 'base');
      assert.equal(active.dir, base);
      const document = (await openFixture('src', 'inventory.ts')).document;
      const position = document.positionAt(document.getText().lastIndexOf('this.items') + 'this.it'.length);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      assert.ok(list.items.some((i) => i.detail?.endsWith('· Recurrent')), 'no completions from the fallback model');
    } finally {
      await setModelPath(undefined);
    }
  });

  it('completes again after the engine worker dies, reporting the crash once', async () => {
    const api = await recurrent();
    const crashes: Error[] = [];
    api.client.onDidCrash((e) => crashes.push(e));
    const document = (await openFixture('src', 'inventory.ts')).document;
    // A new position on every call: the completion source reuses the answer for an unchanged one.
    const text = document.getText();
    const positions = [...text.matchAll(/this\.it/g)].map((m) => document.positionAt(m.index + m[0].length));
    assert.ok(positions.length > 1);
    let calls = 0;
    const ours = async () => {
      const position = positions[calls++ % positions.length];
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      return list.items.some((i) => i.detail?.endsWith('· Recurrent'));
    };
    assert.ok(await ours());
    const worker = (api.client as unknown as { worker?: Worker }).worker;
    assert.ok(worker, 'the engine has no worker');
    await worker.terminate();
    await until(() => crashes.length > 0, 5_000, 'the crash event');
    await until(ours, 30_000, 'completions after the restart');
    const replacement = (api.client as unknown as { worker?: Worker }).worker;
    assert.ok(replacement && replacement !== worker, 'the answer did not come from a new worker');
    assert.equal(crashes.length, 1);
  });
});
