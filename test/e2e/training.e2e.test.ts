// "Recurrent: Train on Workspace" as a person runs it from the Command Palette: the progress
// notification with its Cancel button, the before → after report, the adapted model named in the
// status bar tooltip and in Show Model Info; a run cancelled from the notification; and the reset.
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { perplexityItem, readFixtureFile, removeWorkspaceFile, restoreWorkspaceFixture, waitForPerplexity, writeWorkspaceFile } from './recurrent';
import {
  clearNotifications, dismissHover, expandNotification, notification, notificationButton, openFile, openWorkbench, poll, readDialog, readHover, runCommand, screenshot, waitForNotification,
} from './workbench';

const TRAINING = 'Recurrent: training on workspace';
const ADAPTED = /Recurrent adapted to this workspace: (\d+\.\d+) → (\d+\.\d+) bits\/char, perplexity (\d+(?:\.\d+)?) → (\d+(?:\.\d+)?)/;
const CANCELLED = 'Training cancelled. The previous model stays in use.';
const RESET = 'Recurrent is using the bundled base model again;';
/** Generated sources that make training take a while: long enough to see the progress (the fixture
 *  alone trains in a blink), and for the cancel test still running when Cancel is clicked. */
const MEDIUM_FILE = 'src/generated/someInventories.ts';
const BIG_FILE = 'src/generated/manyInventories.ts';

/** `copies` copies of the fixture's inventory.ts, each with its own class name. */
function inventories(copies: number): string {
  const source = readFixtureFile('src/inventory.ts');
  return Array.from({ length: copies }, (_, i) => source.replaceAll('Inventory', `Inventory${i}`)).join('\n');
}

describe('training on the workspace in the browser workbench', function () {
  this.timeout(150_000);
  let browser: Browser;
  let page: Page;
  /** The base model's perplexity of src/inventory.ts, as the status bar shows it. */
  let basePerplexity: number;

  before(async () => {
    ({ browser, page } = await openWorkbench());
    // The perplexity item (and its tooltip naming the model) shows for the active editor.
    await openFile(page, 'src/inventory.ts');
    basePerplexity = await waitForPerplexity(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  after(async () => {
    await browser?.close();
    removeWorkspaceFile(MEDIUM_FILE);
    removeWorkspaceFile(BIG_FILE);
    restoreWorkspaceFixture();
  });

  /** The status bar tooltip, read by hovering the perplexity item. */
  async function statusBarTooltip(): Promise<string> {
    await dismissHover(page);
    return readHover(page, perplexityItem(page));
  }

  it('trains with a cancellable progress notification, reports before → after and switches to the adapted model', async () => {
    assert.match(await statusBarTooltip(), /bundled base model/);
    writeWorkspaceFile(MEDIUM_FILE, inventories(40));
    // Watched for from before the command runs: the notification must not slip by.
    const shown = waitForNotification(page, TRAINING, 60_000);
    await runCommand(page, 'Recurrent: Train on Workspace');
    await shown;
    const progress = notification(page, TRAINING).first();
    assert.ok(await notificationButton(progress, 'Cancel').isVisible(), 'the progress notification has no Cancel button');
    await screenshot(page, 'training-progress-notification-with-cancel');

    const report = await waitForNotification(page, ADAPTED, 120_000);
    // The toast cuts the report off after "bits/char"; expanded, all of it shows.
    await expandNotification(page, notification(page, ADAPTED).first());
    const [, bitsBefore, bitsAfter, pplBefore, pplAfter] = ADAPTED.exec(report)!.map(Number);
    assert.ok(bitsAfter <= bitsBefore && pplAfter <= pplBefore, `training made the held-out text less predictable: ${report}`);
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    await screenshot(page, 'training-done-adapted-report');

    // The file it was trained on reads as more predictable now.
    const adapted = await waitForPerplexity(page, (value) => value !== basePerplexity);
    assert.ok(adapted < basePerplexity, `perplexity of src/inventory.ts went from ${basePerplexity} to ${adapted}`);
    await clearNotifications(page);
    await poll(page, async () => /adapted to this workspace/.test(await statusBarTooltip()), 30_000, 'the tooltip to name the adapted model');
    await screenshot(page, 'training-status-bar-tooltip-adapted-model');
    await page.keyboard.press('Escape');
    // Clicking the perplexity item opens Show Model Info.
    await perplexityItem(page).click();
    await dismissHover(page);
    const info = await readDialog(page);
    assert.match(info.text, /adapted to this workspace/);
    assert.ok(info.buttons.includes('Reset to Base Model'), `dialog buttons: ${info.buttons.join(', ')}`);
    await screenshot(page, 'model-info-adapted-model');
    await page.keyboard.press('Escape');
    await page.locator('.monaco-dialog-box').waitFor({ state: 'detached' });
    // Closing the dialog gives the focus back to the status bar item, whose tooltip then stays open.
    await page.locator('.monaco-editor .view-lines').first().click();
    removeWorkspaceFile(MEDIUM_FILE);
  });

  it('stops when Cancel is clicked in the notification and keeps the previous model', async () => {
    writeWorkspaceFile(BIG_FILE, inventories(150));
    await clearNotifications(page);
    await runCommand(page, 'Recurrent: Train on Workspace');
    const progress = notification(page, TRAINING).first();
    // Cancel once the files are read and tokenized, while the model trains.
    await poll(page, async () => /tokens|loss/.test(await progress.innerText().catch(() => '')), 60_000, 'training to start');
    await screenshot(page, 'training-large-workspace-running');
    await dismissHover(page);
    await notificationButton(progress, 'Cancel').click();
    await waitForNotification(page, CANCELLED, 30_000);
    await progress.waitFor({ state: 'detached', timeout: 10_000 });
    await expandNotification(page, notification(page, CANCELLED).first());
    await screenshot(page, 'training-cancelled-message');
    assert.match(await statusBarTooltip(), /adapted to this workspace/, 'the previous (adapted) model is no longer in use');
    await page.keyboard.press('Escape');
  });

  it('goes back to the bundled base model on Reset to Base Model', async () => {
    await clearNotifications(page);
    await runCommand(page, 'Recurrent: Reset to Base Model');
    await waitForNotification(page, RESET, 30_000);
    await screenshot(page, 'reset-to-base-model-message');
    await poll(page, async () => /bundled base model/.test(await statusBarTooltip()), 30_000, 'the tooltip to name the base model');
    const perplexity = await waitForPerplexity(page);
    assert.ok(Math.abs(perplexity - basePerplexity) < 0.05, `the base model again, but perplexity ${perplexity}, not ${basePerplexity}`);
    await page.keyboard.press('Escape');
  });
});
