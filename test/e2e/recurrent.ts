// What Recurrent puts on screen, read from the workbench DOM for the browser tests: its rows in the
// suggest widget, ghost text, the perplexity item, surprisal highlights; plus files the tests add to
// the temporary workspace copy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { e2eEnv, openWorkbench, poll, screenshot, type SuggestItem } from './workbench';

/** Recurrent's rows say "NN% · Recurrent" in their detail. */
export function isRecurrentRow(item: SuggestItem): boolean {
  return item.detail.endsWith('· Recurrent');
}

/** The probability (in %) a Recurrent row shows; ">99%" counts as 99.5 and "<0.1%" as 0.05. */
export function rowPercent(item: SuggestItem): number {
  const m = /^([<>]?)(\d+(?:\.\d+)?)% · Recurrent$/.exec(item.detail);
  assert.ok(m, `no probability in the detail "${item.detail}" of ${item.label}`);
  const value = Number(m[2]);
  return m[1] === '>' ? value + 0.5 : m[1] === '<' ? value / 2 : value;
}

/** Asserts that Recurrent's rows (at least `min`) all continue `prefix` and run from the most to the
 *  least probable; returns them. */
export function assertModelOrder(items: SuggestItem[], prefix: string, min = 2): SuggestItem[] {
  const ours = items.filter(isRecurrentRow);
  const shown = items.map((i) => `${i.label} [${i.detail}]`).join(' | ');
  assert.ok(ours.length >= min, `expected at least ${min} Recurrent rows for "${prefix}": ${shown}`);
  for (const item of ours) assert.ok(item.label.startsWith(prefix) && item.label.length > prefix.length, `${item.label} does not continue "${prefix}": ${shown}`);
  const percents = ours.map(rowPercent);
  for (let i = 1; i < percents.length; i++) {
    assert.ok(percents[i] <= percents[i - 1], `Recurrent rows out of the model's order at ${ours[i].label}: ${shown}`);
  }
  return ours;
}

/** The ghost text shown in the focused editor ("" when none). */
export async function readGhostText(page: Page): Promise<string> {
  const parts = await page.locator('.monaco-editor.focused .view-lines .ghost-text-decoration').allTextContents();
  return parts.join('').replace(/\u00a0/g, ' ');
}

/** Recurrent's perplexity item in the status bar ("ppl 12.3" after its icon). */
export function perplexityItem(page: Page): Locator {
  return page.locator('.part.statusbar .statusbar-item').filter({ hasText: /^\s*ppl\b/ });
}

export interface PerplexityReadout {
  /** The number shown, if any. */
  readonly value?: number;
  /** The spinner shows (a new score is on its way). */
  readonly computing: boolean;
  readonly text: string;
}

/** What the perplexity item shows now; undefined while it is hidden. */
export async function readPerplexity(page: Page): Promise<PerplexityReadout | undefined> {
  const item = perplexityItem(page);
  if (!(await item.count())) return undefined;
  const text = (await item.first().innerText()).trim();
  const computing = (await item.first().locator('.codicon-sync, .codicon-modifier-spin').count()) > 0;
  const m = /^ppl\s+(\d+(?:\.\d+)?)$/.exec(text);
  return { value: m ? Number(m[1]) : undefined, computing, text };
}

/** Waits for a settled perplexity (pulse icon, a number) that passes `accept`. */
export async function waitForPerplexity(page: Page, accept: (value: number) => boolean = () => true, timeoutMs = 60_000): Promise<number> {
  const readout = await poll(page, async () => {
    const r = await readPerplexity(page);
    return r && !r.computing && r.value !== undefined && accept(r.value) ? r : undefined;
  }, timeoutMs, 'a perplexity in the status bar');
  return readout.value!;
}

/** Surprisal highlights in the active editor: the boxes of the decoration elements whose background
 *  is the orange rgba(255, 120, 0, α) of SurprisalHighlighter. */
export async function surprisalHighlights(page: Page): Promise<{ x: number; y: number; width: number; height: number }[]> {
  return page.locator('.monaco-editor.focused .view-overlays div').evaluateAll((elements) =>
    elements
      .filter((e) => /^rgba\(255, 120, 0, 0?\.\d+\)$/.test(e.ownerDocument.defaultView?.getComputedStyle(e).backgroundColor ?? ''))
      .map((e) => e.getBoundingClientRect())
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
  );
}

/** Writes a file into the temporary workspace copy (path relative to its root). */
export function writeWorkspaceFile(relativePath: string, text: string): string {
  const file = path.join(e2eEnv().workspace, relativePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** The text of every file of the temporary workspace copy, joined (what the project memory reads). */
export function workspaceText(): string {
  const root = e2eEnv().workspace;
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(root, f))
    .filter((f) => fs.statSync(f).isFile() && !f.includes(`${path.sep}.vscode${path.sep}`))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

export function removeWorkspaceFile(relativePath: string): void {
  fs.rmSync(path.join(e2eEnv().workspace, relativePath), { force: true });
}

const fixtureDir = path.join(__dirname, '..', 'fixtures', 'workspace');

/** A file of the fixture workspace as committed (path relative to its root). */
export function readFixtureFile(relativePath: string): string {
  return fs.readFileSync(path.join(fixtureDir, relativePath), 'utf8');
}

/** Puts the fixture's files back as they were: code-server saves edits after a second (files.autoSave
 *  is "afterDelay" in the browser), and every test file should start from the same workspace. */
export function restoreWorkspaceFixture(): void {
  fs.cpSync(fixtureDir, e2eEnv().workspace, { recursive: true, force: true });
}

/**
 * Opens a workbench for the enclosing describe() (the main code-server's unless `url` says
 * otherwise): a screenshot of every failed test, and at the end the browser closed and the fixture
 * workspace restored. Returns the page (valid once before() ran).
 */
export function useWorkbench(url?: () => string): () => Page {
  let browser: Browser | undefined;
  let page: Page | undefined;
  before(async () => {
    ({ browser, page } = await openWorkbench(url?.()));
  });
  afterEach(async function () {
    if (page && this.currentTest?.state === 'failed') await screenshot(page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
  after(async () => {
    await browser?.close();
    restoreWorkspaceFixture();
  });
  return () => page!;
}
