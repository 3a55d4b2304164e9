// The project memory in the real extension host: the fixture workspace's files are counted in the
// background, a word defined only in an unopened file is offered in a new one, and the tooltip says
// what the memory holds.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixtureUri, recurrent, until } from './helpers';

describe('project memory', function () {
  this.timeout(120_000);

  it('offers in a new file a word that only another, unopened workspace file defines', async () => {
    const api = await recurrent();
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith('ledger.ts')), 'ledger.ts must not be open');
    const status = await until(async () => {
      const s = await api.projectMemory.settled();
      return s && s.files > 0 && s.state === 'ready' ? s : undefined;
    }, 60_000, 'the project memory to index the workspace');
    assert.ok(status.files >= 4, `${status.files} files`);
    assert.match(api.projectMemory.describe(), /^Project memory: \d+ files, [\d,]+ words/);
    const uri = fixtureUri('src', 'billing', 'report.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('import { closingBalances } from "./ledger";\nconst totals = reconcileQua'));
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      const position = document.positionAt(document.getText().length);
      const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
      const ask = () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
      // A request overtaken by another for the same document (the read-ahead, say) answers nothing
      // and the editor asks again: so does the test, until Recurrent's rows come (or 15 s pass).
      let list = await ask();
      for (const deadline = Date.now() + 15_000; !list.items.some((i) => i.detail?.endsWith('· Recurrent')) && Date.now() < deadline; ) list = await ask();
      const labels = list.items.filter((i) => i.detail?.endsWith('· Recurrent')).map(label);
      assert.equal(labels[0], 'reconcileQuarterlyLedger', `Recurrent's rows: [${labels.join(', ')}]; every row: [${list.items.slice(0, 12).map(label).join(', ')}]; ${api.projectMemory.describe()}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
    // Deleted, it leaves the memory (and the next test starts from the workspace as it was).
    await until(async () => {
      const s = await api.projectMemory.settled();
      return s?.files === status.files ? s : undefined;
    }, 30_000, 'report.ts to leave the memory');
  });

  it('counts again a file changed on disk, and lists the workspace again for none of a build\'s or git\'s files', async () => {
    const api = await recurrent();
    const settled = () => until(async () => {
      const s = await api.projectMemory.settled();
      return s?.state === 'ready' ? s : undefined;
    }, 60_000, 'the project memory to settle');
    const before = await settled();
    const listings = api.projectMemory.listings;
    const written = [fixtureUri('dist', 'bundle.js'), fixtureUri('node_modules', 'left-pad', 'index.js'), fixtureUri('.git', 'index'), fixtureUri('src', 'logo.png')];
    const ledger = fixtureUri('src', 'billing', 'ledger.ts');
    const original = await vscode.workspace.fs.readFile(ledger);
    const encode = (text: string) => new TextEncoder().encode(text);
    try {
      for (const uri of written) await vscode.workspace.fs.writeFile(uri, encode('export const zanzibarBundleWord = 1;\n'));
      // A folder's own event too (its files' events may come alone or not at all).
      await vscode.workspace.fs.createDirectory(fixtureUri('out', 'types'));
      // As another editor or a checkout would: not through this window's documents.
      await vscode.workspace.fs.writeFile(ledger, encode(`${new TextDecoder().decode(original)}\nexport const zanzibarQuotient = 2;\n`));
      const after = await until(async () => {
        const s = await settled();
        return s.words > before.words ? s : undefined;
      }, 30_000, 'the changed file to be counted again');
      assert.equal(after.files, before.files);
      // Beyond the listing's delay (2 s): none of the written files may cause one.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal(api.projectMemory.listings, listings, 'the workspace was listed again');
    } finally {
      await vscode.workspace.fs.writeFile(ledger, original);
      for (const uri of written) await vscode.workspace.fs.delete(uri);
      for (const folder of ['dist', 'node_modules', '.git', 'out']) await vscode.workspace.fs.delete(fixtureUri(folder), { recursive: true });
    }
  });

  it('turned off, it forgets the workspace; turned on, it counts it again', async () => {
    const api = await recurrent();
    await vscode.workspace.getConfiguration('recurrent').update('projectMemory.enable', false, vscode.ConfigurationTarget.Workspace);
    try {
      await until(() => /off/.test(api.projectMemory.describe()), 10_000, 'the memory to turn off');
      assert.equal(api.projectMemory.current, undefined);
    } finally {
      await vscode.workspace.getConfiguration('recurrent').update('projectMemory.enable', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until(async () => {
      const s = await api.projectMemory.settled();
      return s && s.files > 0 ? s : undefined;
    }, 60_000, 'the memory to be rebuilt');
  });
});
