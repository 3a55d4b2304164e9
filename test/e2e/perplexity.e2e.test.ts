// The perplexity readout in the status bar and the surprisal highlights, as a person sees them: a
// number that follows the edits (with a spinner while it is recomputed), its tooltip, and orange
// highlights on the most surprising tokens that the toggle command turns on and off.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { perplexityItem, readPerplexity, removeWorkspaceFile, surprisalHighlights, useWorkbench, waitForPerplexity, writeWorkspaceFile } from './recurrent';
import { openFile, poll, readHover, runCommand, screenshot, typeText } from './workbench';

const TOGGLE = 'Recurrent: Toggle Surprisal Highlighting';

describe('perplexity and surprisal in the browser workbench', function () {
  this.timeout(120_000);
  let page: Page;
  const workbench = useWorkbench();
  before(() => (page = workbench()));

  it('shows the perplexity of the file in the status bar and updates it after typing', async () => {
    await openFile(page, 'src/inventory.ts');
    const before = await waitForPerplexity(page);
    assert.ok(before > 1 && Number.isFinite(before), `perplexity ${before}`);
    const tooltip = await readHover(page, perplexityItem(page));
    assert.match(tooltip, /Perplexity per token of the whole document: \d+\.\d\d/);
    assert.match(tooltip, /bits per character, [\d,]+ tokens scored/);
    assert.match(tooltip, /Model: .*bundled base model/);
    await screenshot(page, 'status-bar-perplexity-with-tooltip');
    await page.keyboard.press('Escape');

    await page.locator('.monaco-editor.focused .view-lines').click();
    await page.keyboard.press('Control+End');
    await typeText(page, '\nqzv xkj wpq zzq vqx jjk');
    // Each keystroke restarts a 750 ms wait, during which the item shows a spinner.
    const computing = await readPerplexity(page);
    assert.ok(computing?.computing, `no spinner right after typing: ${computing?.text}`);
    await screenshot(page, 'status-bar-perplexity-recomputing');
    const after = await waitForPerplexity(page, (value) => value !== before);
    assert.ok(after > before, `noise should make the file more surprising: ppl ${before} -> ${after}`);
    await screenshot(page, 'status-bar-perplexity-higher-after-noise');
  });

  it('highlights the most surprising tokens when toggled on, with their bits in the hover, and clears them when toggled off', async () => {
    assert.deepEqual(await surprisalHighlights(page), [], 'highlights before the toggle');
    await runCommand(page, TOGGLE);
    const boxes = await poll(page, async () => {
      const found = await surprisalHighlights(page);
      return found.length ? found : undefined;
    }, 30_000, 'surprisal highlights');
    await screenshot(page, 'surprisal-highlights-on');

    // A highlight, hovered, says how surprising it was. The widest ones are tried first, their
    // boxes read again each time (the layout may shift as the editor settles).
    assert.ok(boxes.length > 0);
    let hover = '';
    for (let attempt = 0; attempt < 4 && !/bits of surprisal/.test(hover); attempt++) {
      const current = (await surprisalHighlights(page)).sort((a, b) => b.width - a.width);
      const box = current[Math.min(attempt, current.length - 1)];
      hover = await readHover(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, 6_000).catch(() => '');
    }
    assert.match(hover, /Recurrent: \d+(\.\d)? bits of surprisal \(p ≈ [\d.e+-]+\)/);
    await screenshot(page, 'surprisal-highlight-hover-bits');
    await page.mouse.move(5, 5);

    await runCommand(page, TOGGLE);
    await poll(page, async () => (await surprisalHighlights(page)).length === 0, 15_000, 'the highlights to go');
    await screenshot(page, 'surprisal-highlights-off');
  });

  it('names the word a likely typo misspells in the hover of its highlight', async () => {
    const text = [
      'export function total(prices: number[]): number {',
      '  let sum = 0;',
      '  for (const price of prices) sum += price;',
      '  if (sum < 0) return 0;',
      '  retrun sum;',
      '}',
      '',
    ].join('\n');
    writeWorkspaceFile('src/total.ts', text);
    await openFile(page, 'src/total.ts');
    await waitForPerplexity(page);
    await runCommand(page, TOGGLE);
    try {
      // The typo's text on screen, and a highlight under it.
      const word = page.locator('.monaco-editor.focused .view-line span span', { hasText: /^\s*retrun$/ }).first();
      const typo = await poll(page, async () => {
        const at = await word.boundingBox();
        if (!at) return undefined;
        const center = { x: at.x + at.width / 2, y: at.y + at.height / 2 };
        const boxes = await surprisalHighlights(page);
        return boxes.some((b) => center.x > b.x && center.x < b.x + b.width && center.y > b.y && center.y < b.y + b.height) ? center : undefined;
      }, 30_000, 'a highlight on the typo');
      await screenshot(page, 'surprisal-typo-highlighted');
      const hover = await readHover(page, typo);
      assert.match(hover, /bits of surprisal .*; likely a typo of `?return`?, which this file uses/);
      await screenshot(page, 'surprisal-typo-hover');
      await page.mouse.move(5, 5);
    } finally {
      await runCommand(page, TOGGLE);
      removeWorkspaceFile('src/total.ts');
    }
  });
});
