// Learning while the user works (dynamic evaluation): when a file is saved, and when typing pauses,
// the text written since the model last learned from that document goes to the learning process
// (engine/runtime/learningClient), which takes gradient steps on it within a CPU budget and writes
// the learned weights into the workspace's storage; the engine then completes with them.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { EngineClient } from '../engine/runtime/engineClient';
import { Learned, LearningClient } from '../engine/runtime/learningClient';
import { languageOfDocument } from '../engine/tokenizer/language';
import { decodeTrainable, skipReasonForPath } from '../engine/training/fileFilter';
import { modelIdentity, readLearnedHeader } from '../engine/training/learnedWeights';
import { ActiveModel, ModelManager } from './modelManager';
import { isServed } from './settings';

/** Typing paused this long: learn what was typed since. */
const idleMs = 20_000;
/** At least this much text around a change is learned (a few characters teach nothing)… */
const minChars = 1024;
/** …and at most this much (the end of the change), so that one paste costs a bounded time. */
const maxChars = 32 * 1024;

export interface LearningSettings {
  readonly enable: boolean;
  /** A fraction of one core. */
  readonly cpuBudget: number;
}

export function readLearningSettings(): LearningSettings {
  const c = vscode.workspace.getConfiguration('recurrent');
  return { enable: c.get('learning.enable', true), cpuBudget: Math.min(1, Math.max(0.01, c.get('learning.cpuBudget', 0.1))) };
}

/**
 * The span of `now` that differs from `before`, widened to whole lines and to at least minChars
 * (reaching back before the change), at most maxChars; '' when nothing changed.
 */
export function changedText(before: string, now: string): string {
  if (before === now) return '';
  let start = 0;
  const shorter = Math.min(before.length, now.length);
  while (start < shorter && before.charCodeAt(start) === now.charCodeAt(start)) start++;
  let end = now.length;
  let endBefore = before.length;
  while (end > start && endBefore > start && before.charCodeAt(endBefore - 1) === now.charCodeAt(end - 1)) { end--; endBefore--; }
  if (end === start) return ''; // only deletions
  start = Math.max(0, Math.min(start, end - minChars));
  end = Math.min(now.length, Math.max(end, start + minChars));
  start = Math.max(start, end - maxChars);
  start = now.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = now.indexOf('\n', end);
  end = lineEnd < 0 ? now.length : lineEnd + 1;
  return now.slice(start, end);
}

/** The status bar's line on what has been learned. */
export function describeLearning(l: Learned | undefined, settings: LearningSettings): string {
  if (!settings.enable) return '';
  const budget = `${Math.round(settings.cpuBudget * 100)}% of one core`;
  if (!l || l.stats.texts === 0) return `Learning from your edits (on save and when you pause; up to ${budget}): nothing learned yet.`;
  const s = l.stats;
  const kb = s.chars / 1024;
  return `Learning from your edits (up to ${budget}): ${kb < 10 ? kb.toFixed(1) : Math.round(kb)} KB learned; on that text ${(s.bitsBefore / s.chars).toFixed(2)} → ${(s.bitsAfter / s.chars).toFixed(2)} bits/char.`;
}

export class Learning implements vscode.Disposable {
  private learner?: LearningClient;
  private learned?: Learned;
  /** The model the learner runs for. */
  private startedFor?: ActiveModel;
  /** Per document: the text as last learned from (or as first seen). */
  private readonly snapshots = new Map<string, string>();
  private idleTimer?: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires the status line whenever it changes. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly engine: EngineClient,
    private readonly models: ModelManager,
    private readonly learnerPath: string,
    /** The learned-weights file in the workspace's storage; undefined without a workspace. */
    readonly file: string | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    for (const d of vscode.workspace.textDocuments) this.remember(d);
    this.disposables.push(
      this.changed,
      models.onDidChange((m) => this.start(m)),
      vscode.workspace.onDidOpenTextDocument((d) => this.remember(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.snapshots.delete(d.uri.toString())),
      vscode.workspace.onDidSaveTextDocument((d) => this.learnFrom(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!e.contentChanges.length || !this.learner) return;
        clearTimeout(this.idleTimer);
        this.idleTimer = setTimeout(() => e.document.isClosed || this.learnFrom(e.document), idleMs);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('recurrent.learning')) return;
        const settings = readLearningSettings();
        // On or off: reload the model, whose change event starts or stops the learner.
        if (!settings.enable || !this.learner) void this.models.loadPreferred();
        else this.learner.cpuBudget = settings.cpuBudget;
        this.changed.fire(this.status);
      }),
    );
  }

  /** The status bar's line on learning ('' when off). */
  get status(): string {
    return this.learner ? describeLearning(this.learned, readLearningSettings()) : '';
  }

  /** Drops what was learned (Reset to Base Model): the learner stops and the file goes. */
  async reset(): Promise<void> {
    await this.stop();
    if (this.file) await fs.promises.rm(this.file, { force: true });
  }

  /** Starts learning for the model now in use, going on from what was learned for it before. */
  private async start(model: ActiveModel): Promise<void> {
    if (this.learner && this.startedFor === model) return;
    await this.stop();
    const settings = readLearningSettings();
    if (!settings.enable || !this.file || !vscode.workspace.isTrusted) return;
    this.startedFor = model;
    const learner = new LearningClient(this.learnerPath, { modelDir: model.dir, file: this.file, cpuBudget: settings.cpuBudget }, (m) => this.log.warn(`[learning] ${m}`));
    this.learner = learner;
    learner.onDidLearn((l) => {
      if (this.learner !== learner || this.models.current !== model) return;
      if (l.version !== this.learned?.version) this.use(l);
    });
    // What was learned for this model before (a reload, say) is used at once; the learner itself
    // starts with the first text to learn.
    try {
      const header = fs.existsSync(this.file) ? readLearnedHeader(this.file) : undefined;
      if (header && header.base === modelIdentity(model.dir, model.info.meta)) this.use({ version: header.version, stats: header.stats, file: this.file });
    } catch (e) {
      this.log.warn(`[learning] ${(e as Error).message}; it is replaced by what is learned next`);
    }
    this.changed.fire(this.status);
  }

  private use(l: Learned): void {
    this.learned = l;
    this.changed.fire(this.status);
    if (l.version === 0) return;
    this.engine.useWeights(l.file).then(
      ({ version }) => this.log.info(`[learning] completing with learned weights v${version} (${l.stats.chars} characters learned)`),
      (e: Error) => this.log.warn(`[learning] the engine could not use the learned weights: ${e.message}`),
    );
  }

  private async stop(): Promise<void> {
    const learner = this.learner;
    this.learner = undefined;
    this.learned = undefined;
    this.startedFor = undefined;
    clearTimeout(this.idleTimer);
    await learner?.dispose();
    this.changed.fire(this.status);
  }

  private remember(d: vscode.TextDocument): void {
    if (learnable(d)) this.snapshots.set(d.uri.toString(), d.getText());
  }

  private learnFrom(d: vscode.TextDocument): void {
    if (!this.learner || !learnable(d)) return;
    const key = d.uri.toString();
    const now = d.getText();
    const before = this.snapshots.get(key);
    this.snapshots.set(key, now);
    if (before === undefined) return;
    const text = changedText(before, now);
    // The filters of Train on Workspace: never learn a secret, a bundle or generated text.
    if (!text || 'skip' in decodeTrainable(d.uri.path, new TextEncoder().encode(text), { maxFileBytes: maxChars * 4 })) return;
    this.learner.learn(text, languageOfDocument(d.languageId, d.fileName));
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }
}

/** Files of the workspace that Recurrent serves, and that Train on Workspace would read. */
function learnable(d: vscode.TextDocument): boolean {
  return isServed(d) && d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri) !== undefined && !skipReasonForPath(d.uri.path) && d.getText().length <= 1 << 20;
}
