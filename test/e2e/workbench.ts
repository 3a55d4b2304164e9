// Drives the code-server workbench the way a person does (keyboard, palette, what is on screen) for
// the browser end-to-end tests. scripts/test/testE2e.mjs starts code-server and Chromium and passes
// their addresses in RECURRENT_E2E_* variables.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

function requiredEnv(key: string): string {
  const value = process.env[key];
  if (!value) throw new Error(`${key} is not set: run the browser tests with npm run test:e2e`);
  return value;
}

/** Where scripts/test/testE2e.mjs put things; throws when a test is run without it. */
export function e2eEnv(): { browserWs: string; url: string; workspace: string; screenshots: string } {
  return {
    browserWs: requiredEnv('RECURRENT_E2E_BROWSER_WS'),
    url: requiredEnv('RECURRENT_E2E_URL'),
    workspace: requiredEnv('RECURRENT_E2E_WORKSPACE'),
    screenshots: requiredEnv('RECURRENT_E2E_SCREENSHOTS'),
  };
}

/** The second workbench of scripts/test/testE2e.mjs, whose folder opens in Restricted Mode: its URL, and
 *  the model folder its workspace settings name in recurrent.modelPath. */
export function untrustedE2eEnv(): { url: string; customModel: string } {
  return { url: requiredEnv('RECURRENT_E2E_UNTRUSTED_URL'), customModel: requiredEnv('RECURRENT_E2E_CUSTOM_MODEL') };
}

const EDITOR = '.monaco-editor[data-uri]';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
const SUGGEST_ROWS = '.editor-widget.suggest-widget.visible .monaco-list-row';

/** Opens the workbench (the trusted one unless `url` says another) in a new browser page and waits
 *  until the workspace's files are listed. */
export async function openWorkbench(url = e2eEnv().url): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.connect(e2eEnv().browserWs);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return { browser, page };
}

/** Opens a workspace file (path relative to the workspace) with Quick Open and focuses its editor. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  await quickInput(page, 'Control+P', relativePath);
  const row = page.locator(QUICK_INPUT_ROWS).filter({ hasText: path.basename(relativePath) }).first();
  await row.waitFor();
  await page.keyboard.press('Enter');
  const editor = page.locator(`${EDITOR}[data-uri$="${relativePath}"]`);
  await editor.waitFor();
  await editor.locator('.view-lines').click();
}

/** Types into the focused editor one key at a time, as a person would. */
export async function typeText(page: Page, text: string, delayMs = 40): Promise<void> {
  await page.keyboard.type(text, { delay: delayMs });
}

/** The text of the visible lines of the active editor (VS Code renders spaces as U+00A0). */
export async function readEditorText(page: Page): Promise<string> {
  const text = await page.locator(`${EDITOR}.focused .view-lines`).innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** A row of the suggest widget: its label and its detail (shown on the focused row, in the DOM for all). */
export interface SuggestItem {
  readonly label: string;
  readonly detail: string;
}

/** The rows of the open suggest widget, top to bottom (by list index: the list reuses row elements
 *  out of order); [] when it is closed. */
export async function readSuggestItems(page: Page): Promise<SuggestItem[]> {
  const rows = await page.locator(SUGGEST_ROWS).evaluateAll((elements) =>
    elements.map((row) => ({
      index: Number(row.getAttribute('data-index')),
      label: row.querySelector('.label-name')?.textContent ?? '',
      detail: row.querySelector('.details-label')?.textContent ?? '',
    })),
  );
  return rows.sort((a, b) => a.index - b.index).map(({ label, detail }) => ({ label, detail }));
}

/** Labels of the rows of the open suggest widget, top to bottom; [] when it is closed. */
export async function readSuggestRows(page: Page): Promise<string[]> {
  return (await readSuggestItems(page)).map((item) => item.label);
}

/** Waits until the suggest widget shows rows that stay the same for `quietMs` (providers that
 *  answer late and re-asked incomplete lists have landed); returns them. */
export async function waitForSuggestItems(page: Page, timeoutMs = 30_000, quietMs = 600): Promise<SuggestItem[]> {
  let last = '';
  let since = Date.now();
  return poll(page, async () => {
    const items = await readSuggestItems(page);
    const key = JSON.stringify(items);
    if (key !== last) {
      last = key;
      since = Date.now();
      return undefined;
    }
    return items.length && Date.now() - since >= quietMs ? items : undefined;
  }, timeoutMs, 'the suggest widget to show settled rows');
}

/** Opens the suggest widget (Ctrl+Space) and waits for at least one row. */
export async function triggerSuggest(page: Page): Promise<string[]> {
  await page.keyboard.press('Control+Space');
  await page.locator(SUGGEST_ROWS).first().waitFor();
  return readSuggestRows(page);
}

/** Texts of the status bar items, left to right (icons are not text). */
export async function readStatusBar(page: Page): Promise<string[]> {
  const items = await page.locator('.part.statusbar .statusbar-item').allInnerTexts();
  return items.map((t) => t.trim()).filter(Boolean);
}

/** The rows the Command Palette offers for `query` right now (it stays open; Escape closes it). */
export async function findCommands(page: Page, query: string): Promise<string[]> {
  await quickInput(page, 'F1', `>${query}`);
  await page.locator(QUICK_INPUT_ROWS).first().waitFor();
  return page.locator(`${QUICK_INPUT_ROWS} .label-name`).allInnerTexts();
}

/** Waits until the open Command Palette lists `title` exactly (the workbench registers some
 *  commands a little after it shows); returns that row. */
export async function waitForCommand(page: Page, title: string, timeoutMs = 20_000): Promise<Locator> {
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page.locator(QUICK_INPUT_ROWS).filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  try {
    await row.waitFor({ timeout: timeoutMs });
  } catch {
    const offered = await page.locator(`${QUICK_INPUT_ROWS} .label-name`).allInnerTexts();
    throw new Error(`"${title}" is not in the Command Palette (offered: ${offered.join(' | ')})`);
  }
  return row;
}

/** Runs a command by its palette title, e.g. "Recurrent: Show Model Info". */
export async function runCommand(page: Page, title: string): Promise<void> {
  await quickInput(page, 'F1', `>${title}`);
  await (await waitForCommand(page, title)).click();
  // The palette closes, or the command reuses it for a question of its own.
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  const deadline = Date.now() + 10_000;
  while ((await page.locator(QUICK_INPUT).isVisible()) && (await input.inputValue()).startsWith('>')) {
    if (Date.now() > deadline) throw new Error(`the Command Palette stayed open after choosing "${title}"`);
    await page.waitForTimeout(50);
  }
}

/** Picks `label` in an open quick pick (after a command that asks). */
export async function pickQuickInput(page: Page, label: string): Promise<void> {
  await page.locator(QUICK_INPUT_ROWS).filter({ hasText: label }).first().click();
}

/** Shows the output channel `name` in the Output panel, retrying until an extension has created it
 *  (extensions activate a little after the workbench shows); returns the panel's text lines. */
export async function showOutputChannel(page: Page, name: string, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runCommand(page, 'Output: Show Output Channels...');
    const row = page.locator(QUICK_INPUT_ROWS).filter({ has: page.getByText(name, { exact: true }) });
    await page.locator(QUICK_INPUT_ROWS).first().waitFor();
    if (await row.count()) {
      await row.first().click();
      break;
    }
    await page.keyboard.press('Escape');
    if (Date.now() > deadline) throw new Error(`no output channel "${name}" after ${timeoutMs / 1000} s`);
    await page.waitForTimeout(1000);
  }
  const lines = page.locator('.part.panel .monaco-editor .view-lines .view-line');
  await lines.first().waitFor({ state: 'attached' });
  return (await lines.allInnerTexts()).map((line) => line.replace(/\u00a0/g, ' '));
}

/** Messages of the notification toasts currently shown. */
export async function readNotifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
}

/** Saves a PNG of the page under test-results/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = e2eEnv().screenshots;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

async function quickInput(page: Page, shortcut: string, text: string): Promise<void> {
  await page.keyboard.press(shortcut);
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.waitFor();
  await input.fill(text);
}

/** Calls `probe` every 100 ms until it returns something other than undefined/false. */
export async function poll<T>(page: Page, probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

/** Waits for the CSS animations of an element (fade-ins) to finish, so a screenshot shows it whole. */
export async function settle(element: Locator): Promise<void> {
  // An element that went away meanwhile has nothing left to settle.
  await element.evaluate((e) => Promise.all(e.getAnimations({ subtree: true }).map((a: { finished: Promise<unknown> }) => a.finished))).catch(() => undefined);
}

/** The notification toast whose text matches `text` (title, message and buttons). */
export function notification(page: Page, text: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-list-item').filter({ hasText: text });
}

/** Waits for a notification toast matching `text` to show (done fading in); returns its message. */
export async function waitForNotification(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast.notification-fade-in-done').filter({ has: page.locator('.notification-list-item').filter({ hasText: text }) }).first();
  try {
    await toast.waitFor({ timeout: timeoutMs });
  } catch {
    throw new Error(`no notification matching ${text} (shown: ${(await readNotifications(page)).join(' | ') || 'none'})`);
  }
  await settle(toast);
  return toast.locator('.notification-list-item-message').innerText();
}

/** Expands a notification (a `notification()` locator) whose message is cut off, so all of it shows. */
export async function expandNotification(page: Page, item: Locator): Promise<void> {
  const expanded = async () => /\bexpanded\b/.test((await item.getAttribute('class')) ?? '');
  if (await expanded()) return;
  await item.hover();
  await item.locator('.codicon-notifications-expand').first().click();
  await poll(page, expanded, 5_000, 'the notification to expand');
}

/** The buttons of a notification toast, e.g. "Cancel". */
export function notificationButton(toast: Locator, label: string): Locator {
  return toast.locator('.notification-list-item-buttons-container .monaco-button').filter({ hasText: label });
}

/** Closes every notification (toasts and the notification center). */
export async function clearNotifications(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.locator('.notifications-toasts .notification-list-item').first().waitFor({ state: 'detached', timeout: 10_000 });
}

const HOVER = '.workbench-hover, .monaco-hover:not(.hidden)';

/** Moves the mouse to an empty spot of the activity bar and waits until no hover shows. */
export async function dismissHover(page: Page): Promise<void> {
  await page.mouse.move(5, 450);
  await page.locator(HOVER).filter({ visible: true }).first().waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Hovers `target` and returns the text of the hover that opens. */
export async function readHover(page: Page, target: Locator | { x: number; y: number }, timeoutMs = 15_000): Promise<string> {
  const hover = page.locator(HOVER).filter({ visible: true }).filter({ hasText: /\S/ });
  return poll(page, async () => {
    if ('x' in target) {
      // A small move over the target makes the editor start its hover timer again.
      await page.mouse.move(target.x - 1, target.y);
      await page.mouse.move(target.x, target.y);
    } else {
      await target.hover();
    }
    try {
      await hover.first().waitFor({ timeout: 2_000 });
    } catch {
      return undefined;
    }
    await settle(hover.first());
    return (await hover.first().innerText()).replace(/\u00a0/g, ' ');
  }, timeoutMs, 'a hover');
}

/** The open modal dialog: its text and its buttons' labels. */
export async function readDialog(page: Page, timeoutMs = 15_000): Promise<{ text: string; buttons: string[] }> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: timeoutMs });
  const text = (await dialog.locator('.dialog-message-row').innerText()).replace(/\u00a0/g, ' ');
  const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((b) => b.trim());
  return { text, buttons };
}
