// Prose as a person types it: in Markdown the suggest list opens while typing (VS Code turns quick
// suggestions off there; Recurrent's configurationDefaults turn them on) with Recurrent's words, and
// the ghost text agrees with the selected row; VS Code's Markdown snippets come after Recurrent's
// words (Recurrent's configurationDefaults: editor.snippetSuggestions "bottom" there).
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertModelOrder, isRecurrentRow, readGhostText, useWorkbench, waitForPerplexity } from './recurrent';
import { openFile, poll, screenshot, typeText, waitForSuggestItems } from './workbench';

describe('prose in the browser workbench', function () {
  this.timeout(120_000);
  let page: Page;
  const workbench = useWorkbench();
  before(() => (page = workbench()));

  it('opens the suggest list in Markdown while typing, with Recurrent\'s words, the ghost text on its selected row', async () => {
    await openFile(page, 'README.md');
    // The model has loaded once the status bar shows the document's perplexity.
    await waitForPerplexity(page);
    await page.keyboard.press('Control+End');
    // No Ctrl+Space: the list must open by itself.
    await typeText(page, '\n\nEvery item has a quan');
    const items = await poll(page, async () => {
      const rows = await waitForSuggestItems(page);
      return rows.some(isRecurrentRow) ? rows : undefined;
    }, 30_000, 'Recurrent rows in Markdown');
    assertModelOrder(items, 'quan');
    const ghost = await poll(page, async () => (await readGhostText(page)) || undefined, 15_000, 'ghost text');
    const selected = await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused .label-name').innerText();
    assert.ok(`quan${ghost}`.startsWith(selected), `ghost text "${ghost}" does not continue the selected row ${selected}`);
    await screenshot(page, 'prose-markdown-list-while-typing');
    await page.keyboard.press('Escape');
  });

  it("lists Markdown's snippets (Insert image, Insert italic text…) after Recurrent's words", async () => {
    await openFile(page, 'README.md');
    await waitForPerplexity(page);
    await page.keyboard.press('Control+End');
    // At `i` VS Code's Markdown snippets image, inline math and italic match too.
    await typeText(page, '\n\nEach item is i');
    const items = await poll(page, async () => {
      const rows = await waitForSuggestItems(page);
      return rows.some(isRecurrentRow) && rows.some((r) => !isRecurrentRow(r)) ? rows : undefined;
    }, 30_000, 'Recurrent rows and snippet rows in Markdown');
    const shown = items.map((i) => `${i.label} [${i.detail}]`).join(' | ');
    const lastOurs = items.map(isRecurrentRow).lastIndexOf(true);
    const firstOther = items.findIndex((r) => !isRecurrentRow(r));
    assert.ok(lastOurs < firstOther, `a snippet row above a Recurrent row: ${shown}`);
    await screenshot(page, 'prose-markdown-snippets-below');
    await page.keyboard.press('Escape');
  });
});
