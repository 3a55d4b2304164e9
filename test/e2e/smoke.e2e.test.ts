// The packaged extension as a user meets it: installed from the VSIX into code-server, the fixture
// workspace open, a file edited by typing, the extension's commands in the Command Palette.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  findCommands, openFile, readEditorText, readStatusBar, screenshot, triggerSuggest, typeText, waitForCommand,
} from './workbench';
import { useWorkbench } from './recurrent';

describe('Recurrent in the browser workbench', function () {
  this.timeout(120_000);
  let page: Page;
  const workbench = useWorkbench();
  before(() => (page = workbench()));

  it('opens a file and types into it', async () => {
    await openFile(page, 'src/inventory.ts');
    await page.keyboard.press('Control+End');
    await typeText(page, '\nexport function restock(inventory: Inventory) {\n');
    const text = await readEditorText(page);
    assert.match(text, /export function restock\(inventory: Inventory\) \{/);
    const status = await readStatusBar(page);
    assert.ok(status.some((item) => /^Ln \d+, Col \d+$/.test(item)), `no cursor position in the status bar: ${status.join(' | ')}`);
    await screenshot(page, '02-typed');
  });

  it('shows completions for a prefix typed in the editor', async () => {
    await typeText(page, 'inventory.low');
    const rows = await triggerSuggest(page);
    assert.ok(rows.includes('lowStock'), `suggestions: ${rows.join(' | ')}`);
    await screenshot(page, '03-suggest');
    await page.keyboard.press('Escape');
  });

  it('offers its commands in the Command Palette', async () => {
    await findCommands(page, 'Recurrent:');
    for (const title of ['Recurrent: Show Model Info', 'Recurrent: Train on Workspace', 'Recurrent: Reset to Base Model']) {
      await waitForCommand(page, title);
    }
    await screenshot(page, '04-command-palette');
    await page.keyboard.press('Escape');
  });

  // Recurrent's rows in the suggest widget, ghost text, the perplexity readout, surprisal and
  // training are checked in completion, perplexity and training.e2e.test.ts.
});
