// Workspace trust (issue 9) in a folder that opens in Restricted Mode (scripts/test/testE2e.mjs starts a
// second code-server with trust on for it, whose user settings point recurrent.modelPath at a copy of
// the bundled model): the setting is ignored (settings.ts), Train on Workspace asks for trust instead
// of reading files (trainCommand.ts), and once the user trusts the folder in the trust editor, the
// model in recurrent.modelPath takes over without a reload (the trust event in extension.ts).
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { perplexityItem, useWorkbench, waitForPerplexity } from './recurrent';
import {
  dismissHover, notification, notificationButton, openFile, poll, readHover, readNotifications, readStatusBar, runCommand, screenshot, untrustedE2eEnv,
  waitForNotification,
} from './workbench';

const TRUST_FIRST = 'Training reads every file of the workspace. Trust this workspace first.';
const MANAGE_TRUST = 'Manage Workspace Trust';
const TRAINING = 'Recurrent: training on workspace';
const RESTRICTED = 'Restricted Mode';

describe('workspace trust in the browser workbench', function () {
  this.timeout(120_000);
  const workbench = useWorkbench(() => untrustedE2eEnv().url);
  let page: Page;
  /** The folder recurrent.modelPath names in the user settings. */
  let customModel: string;

  before(() => {
    page = workbench();
    customModel = untrustedE2eEnv().customModel;
  });

  /** The status bar tooltip (it names the model in use), read by hovering the perplexity item. */
  async function statusBarTooltip(): Promise<string> {
    await dismissHover(page);
    return readHover(page, perplexityItem(page));
  }

  it('ignores recurrent.modelPath of a restricted workspace and completes with the bundled model', async () => {
    await poll(page, async () => (await readStatusBar(page)).includes(RESTRICTED), 30_000, `"${RESTRICTED}" in the status bar`);
    await openFile(page, 'src/inventory.ts');
    await waitForPerplexity(page);
    const tooltip = await statusBarTooltip();
    assert.match(tooltip, /bundled base model/);
    assert.ok(!tooltip.includes(customModel), `the restricted workspace chose the model: ${tooltip}`);
    await screenshot(page, 'trust-restricted-mode-bundled-model');
    await page.keyboard.press('Escape');
  });

  it('asks for trust instead of training on a restricted workspace', async () => {
    const shown = waitForNotification(page, TRUST_FIRST);
    await runCommand(page, 'Recurrent: Train on Workspace');
    await shown;
    const warning = notification(page, TRUST_FIRST).first();
    assert.ok(await notificationButton(warning, MANAGE_TRUST).isVisible(), `the trust warning has no "${MANAGE_TRUST}" button`);
    assert.ok(!(await readNotifications(page)).some((m) => m.includes(TRAINING)), 'training started in a restricted workspace');
    await screenshot(page, 'trust-train-asks-for-trust');
  });

  it('switches to the model in recurrent.modelPath once the workspace is trusted, without a reload', async () => {
    // A reload would drop this mark.
    await page.evaluate(() => ((globalThis as { recurrentE2eMark?: boolean }).recurrentE2eMark = true));
    await notificationButton(notification(page, TRUST_FIRST).first(), MANAGE_TRUST).click();
    // "Trust" exactly: the row also offers "Trust Parent".
    const trust = page.locator('.workspace-trust-editor .workspace-trust-buttons').getByRole('button', { name: 'Trust', exact: true });
    await trust.waitFor();
    await screenshot(page, 'trust-workspace-trust-editor');
    await trust.click();
    await poll(page, async () => !(await readStatusBar(page)).includes(RESTRICTED), 30_000, `"${RESTRICTED}" to leave the status bar`);

    // Back to the file (the perplexity item shows for it) by its tab: after the click on Trust,
    // Quick Open's Ctrl+P did not reach the workbench.
    await page.locator('.tabs-container .tab').filter({ hasText: 'inventory.ts' }).click();
    await poll(page, async () => (await statusBarTooltip()).includes(`from ${customModel}`), 30_000, `the tooltip to name ${customModel}`);
    // Settled, for the screenshot: the new model scores the document first.
    await waitForPerplexity(page);
    assert.ok((await statusBarTooltip()).includes(`from ${customModel}`), 'the model changed again after scoring');
    await screenshot(page, 'trust-trusted-custom-model');
    await page.keyboard.press('Escape');
    assert.ok(await page.evaluate(() => (globalThis as { recurrentE2eMark?: boolean }).recurrentE2eMark), 'the workbench reloaded');
  });
});
