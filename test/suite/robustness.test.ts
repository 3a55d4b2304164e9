// Robustness in the real editor: the engine process killed under the editor, a damaged model named
// in settings falls back to the bundled one, and a model path is honoured in a trusted workspace.
// (code-server runs with --disable-workspace-trust here, so the restricted-mode branches of
// settings.ts and trainCommand.ts are tested by test/e2e/trust.e2e.test.ts in a second code-server.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
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
      // Granting trust fires two events that both ask for the preferred model: it loads once.
      const [active, again] = await Promise.all([api.models.loadPreferred(), api.models.loadPreferred()]);
      assert.equal(again, active);
      assert.equal(active.kind, 'custom');
      assert.equal(active.dir, custom);
    } finally {
      await setModelPath(undefined);
      await api.models.loadPreferred();
    }
  });

  it('the engine process killed: the editor runs on and completions come back after the restart', async () => {
    const api = await recurrent();
    const document = (await openFixture('src', 'inventory.ts')).document;
    const ours = (typed: string) => async () => {
      const position = document.positionAt(document.getText().lastIndexOf('this.items') + typed.length);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      return list.items.some((i) => i.detail?.endsWith('· Recurrent'));
    };
    const workerOf = () => (api.client as unknown as { worker?: ChildProcess }).worker;
    await until(ours('this.it'), 30_000, 'completions before the kill');
    const worker = workerOf()!;
    assert.notEqual(worker.pid, process.pid, 'the engine runs in the extension host\'s own process');
    process.kill(worker.pid!, 'SIGKILL');
    await until(() => worker.signalCode, 5_000, 'the engine process to die');
    const replacement = await until(() => (workerOf() !== worker ? workerOf() : undefined), 30_000, 'a new engine process');
    // At a position not asked about before, so the answer comes from the new process.
    await until(ours('this.ite'), 30_000, 'completions after the engine restarted');
    assert.equal(workerOf(), replacement);
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
});
