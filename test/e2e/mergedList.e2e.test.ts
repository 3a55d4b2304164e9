// The merged suggest list as a person sees it with the TypeScript service running: a word the model
// is confident about first, the service's items next, Recurrent's guesses after them (also after a
// `.`); in code only words of the file's language (no other language's keywords, no prose words).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { isRecurrentRow, removeWorkspaceFile, rowPercent, useWorkbench, workspaceText, writeWorkspaceFile } from './recurrent';
import { openFile, poll, readSuggestItems, screenshot, type SuggestItem, typeText, waitForSuggestItems } from './workbench';

/** recurrent.suggest.confidentProbability's default, in %. */
const CONFIDENT = 40;

function describeRows(items: SuggestItem[]): string {
  return items.map((i) => `${i.label}${isRecurrentRow(i) ? ` [${i.detail}]` : ''}`).join(' | ');
}

/** Asserts the policy on a merged list: Recurrent's rows above the first service row are all
 *  confident, and no unconfident one is above any service row. */
function assertPlacement(items: SuggestItem[]): void {
  const firstService = items.findIndex((i) => !isRecurrentRow(i));
  assert.ok(firstService >= 0, `no row of the language service: ${describeRows(items)}`);
  const lastService = items.length - 1 - [...items].reverse().findIndex((i) => !isRecurrentRow(i));
  items.forEach((item, index) => {
    if (!isRecurrentRow(item) || rowPercent(item) >= CONFIDENT) return;
    assert.ok(index > lastService, `${item.label} (${item.detail}) sits above the service's ${items[lastService].label}: ${describeRows(items)}`);
  });
}

/** The words of `family`'s code that Recurrent may offer (media/languageWords). */
function languageWords(family: string): Set<string> {
  const file = path.join(__dirname, '..', '..', 'media', 'languageWords', `${family}.txt.gz`);
  return new Set(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n'));
}

/** Waits for settled rows that include the language service's (it may still be starting). */
async function waitForServiceRows(page: Page): Promise<SuggestItem[]> {
  return poll(page, async () => {
    const items = await waitForSuggestItems(page, 10_000).catch(() => []);
    if (items.some((i) => !isRecurrentRow(i)) && items.some(isRecurrentRow)) return items;
    // Not there yet (the TypeScript server is starting): ask again.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    return undefined;
  }, 150_000, 'rows of both Recurrent and the TypeScript service');
}

describe('the merged suggest list in the browser workbench', function () {
  this.timeout(240_000);
  let page: Page;
  const workbench = useWorkbench();
  before(() => (page = workbench()));
  after(() => ['src/shop.ts', 'src/catalog.rs'].forEach(removeWorkspaceFile));

  it('lists a word the model is confident about first, then the TypeScript service\'s items', async () => {
    await openFile(page, 'src/inventory.ts');
    await page.keyboard.press('Control+End');
    // `existing` is declared the same way twice above and once here: the model is confident it
    // comes again; the service lists it too (a local), with the globals and keywords after it.
    await typeText(page, '\n\nexport function restock(inventory: Inventory, name: string): number {\n  const existing = inventory.totalValue();\n  return e');
    const items = await waitForServiceRows(page);
    await screenshot(page, 'merged-ts-confident-word-first');
    assert.equal(items[0].label, 'existing', describeRows(items));
    assert.ok(isRecurrentRow(items[0]) && rowPercent(items[0]) >= CONFIDENT, describeRows(items));
    assertPlacement(items);
    await page.keyboard.press('Escape');
  });

  it('after a `.`, lists the service\'s members above Recurrent\'s low-probability guesses', async () => {
    // Past the brace the editor closed by itself.
    await page.keyboard.press('Control+End');
    await typeText(page, '\n\nexport function isStocked(inventory: Inventory): boolean {\n  return inventory.');
    const items = await waitForServiceRows(page);
    await screenshot(page, 'merged-ts-members-after-dot');
    const members = ['add', 'remove', 'totalValue', 'lowStock'];
    const firstMember = items.findIndex((i) => members.includes(i.label));
    assert.ok(firstMember >= 0, `no member of Inventory: ${describeRows(items)}`);
    for (const item of items.slice(0, firstMember)) {
      assert.ok(isRecurrentRow(item) && rowPercent(item) >= CONFIDENT, `${item.label} buries the members: ${describeRows(items)}`);
    }
    assertPlacement(items);
    await page.keyboard.press('Escape');
  });

  it('offers no other language\'s keyword and no prose word in code', async () => {
    const jsts = languageWords('jsts');
    const source = 'export class Shop {\n  private count = 0;\n\n  constructor(private readonly title: string) {\n    ';
    writeWorkspaceFile('src/shop.ts', `${source}\n  }\n}\n`);
    await openFile(page, 'src/shop.ts');
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    // Inside a constructor at `s`, the model also thinks of Python's `self` and C's `struct`.
    await typeText(page, 's');
    const items = await waitForServiceRows(page);
    await screenshot(page, 'merged-ts-no-foreign-words');
    const ours = items.filter(isRecurrentRow).map((i) => i.label);
    assert.ok(ours.length, describeRows(items));
    // Allowed: TypeScript code's words, and the project's own (this file, the workspace's files).
    const project = new Set(workspaceText().match(/[\p{L}\p{N}_$]+/gu));
    for (const word of ours) assert.ok(jsts.has(word) || project.has(word), `${word} is neither a word of TypeScript code nor of the project: ${describeRows(items)}`);
    assert.ok(!ours.includes('self') && !ours.includes('struct'), describeRows(items));
    await page.keyboard.press('Escape');
  });

  it('offers in Rust code only words of Rust code or of the project', async () => {
    const rust = languageWords('rust');
    const source = 'use std::collections::HashMap;\n\npub struct Catalog {\n    items: HashMap<String, u32>,\n}\n\nimpl Catalog {\n    pub fn new() -> Self {\n        ';
    writeWorkspaceFile('src/catalog.rs', `${source}\n    }\n}\n`);
    await openFile(page, 'src/catalog.rs');
    await page.keyboard.press('Control+Home');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await typeText(page, 'C');
    const items = await poll(page, async () => {
      const rows = await waitForSuggestItems(page, 20_000);
      return rows.some(isRecurrentRow) ? rows : undefined;
    }, 60_000, 'Recurrent rows at "C"');
    await screenshot(page, 'merged-rust-no-prose-words');
    // The project's own names (this file's, the workspace's: `CSV` is tools/report.py's) are allowed too.
    const project = new Set(workspaceText().match(/[\p{L}\p{N}_$]+/gu));
    for (const item of items.filter(isRecurrentRow)) {
      assert.ok(rust.has(item.label) || project.has(item.label), `${item.label} is neither a word of Rust code nor of the project: ${describeRows(items)}`);
    }
    assert.deepEqual(items.filter((i) => /^(Catherine|Captain)$/.test(i.label)), [], describeRows(items));
    await page.keyboard.press('Escape');
    assert.deepEqual(await readSuggestItems(page), []);
  });
});
