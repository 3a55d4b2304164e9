// The status-bar perplexity readout of the active document: scored in the worker with the sequence
// graph, debounced after edits, recomputed on editor switches, hidden for skipped languages.
import * as vscode from 'vscode';
import { EngineClient } from '../engine/runtime/engineClient';
import { ScoreResult } from '../engine/runtime/protocol';
import { languageOfDocument } from '../engine/tokenizer/language';
import { describeModel, ModelManager } from './modelManager';
import { isServed } from './settings';

/** Longer documents are scored on their first this many characters. */
export const maxScoredChars = 200_000;

export type Readout =
  | { readonly status: 'hidden' }
  | { readonly status: 'computing'; readonly previous?: ScoreResult }
  | { readonly status: 'ready'; readonly score: ScoreResult; readonly truncated: boolean }
  | { readonly status: 'error'; readonly message: string };

export interface ScoredDocument {
  readonly document: vscode.TextDocument;
  readonly version: number;
  readonly score: ScoreResult;
}

/** Text, tooltip and visibility of the item for a readout: a pure function, tested on its own. */
export function renderReadout(r: Readout, model: string, memory = ''): { text: string; tooltip: string; visible: boolean } {
  switch (r.status) {
    case 'hidden':
      return { text: '', tooltip: '', visible: false };
    case 'computing':
      return { text: `$(sync~spin) ppl${r.previous ? ` ${r.previous.perplexity.toFixed(1)}` : ''}`, tooltip: `Recurrent is scoring this document…\n\nModel: ${model}${memory ? `\n${memory}` : ''}`, visible: true };
    case 'error':
      return { text: '$(warning) ppl', tooltip: `Recurrent could not score this document: ${r.message}`, visible: true };
    case 'ready': {
      const s = r.score;
      const scope = r.truncated ? `its first ${s.chars.toLocaleString('en-US')} characters` : 'the whole document';
      return {
        text: `$(pulse) ppl ${s.perplexity.toFixed(1)}`,
        tooltip: [
          `Perplexity per token of ${scope}: ${s.perplexity.toFixed(2)}`,
          `${s.bitsPerChar.toFixed(3)} bits per character, ${s.tokens.toLocaleString('en-US')} tokens scored`,
          `Model: ${model}`,
          memory,
          'Click for model info.',
        ].filter(Boolean).join('\n'),
        visible: true,
      };
    }
  }
}

export class PerplexityStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('recurrent.perplexity', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private readonly scored = new vscode.EventEmitter<ScoredDocument>();
  readonly onDidScore = this.scored.event;
  private timer?: NodeJS.Timeout;
  private readout: Readout = { status: 'hidden' };
  private generation = 0;
  /** How many most-surprising tokens to ask for (0 when nobody shows them). */
  surprisingTokens = 0;
  private learningLine = '';
  /** What the project memory holds, a line of the tooltip (vscode/projectMemory). */
  private memoryLine = '';

  constructor(private readonly client: EngineClient, private readonly models: ModelManager, private readonly debounceMs = 750) {
    this.item.name = 'Recurrent Perplexity';
    this.item.command = 'recurrent.showModelInfo';
    this.disposables.push(
      this.item,
      this.scored,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document && e.contentChanges.length) this.refresh(this.debounceMs);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('recurrent') && this.refresh(0)),
      models.onDidChange(() => this.refresh(0)),
    );
  }

  get current(): Readout {
    return this.readout;
  }

  /** A line on what the model learned while the user worked (vscode/learning), shown with the model. */
  set learning(line: string) {
    this.learningLine = line;
    this.show(this.readout);
  }

  get tooltip(): string {
    return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
  }

  /** Shows what the project memory holds and its progress in the tooltip. */
  setProjectMemory(line: string): void {
    this.memoryLine = line;
    this.show(this.readout);
  }

  /** Scores the active document after `delayMs` (later calls replace earlier ones). */
  refresh(delayMs = 0): void {
    clearTimeout(this.timer);
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isServed(document) || !this.models.current) return this.show({ status: 'hidden' });
    // Keep showing the last figure while a new one is computed, however many edits come meanwhile.
    const previous = this.readout.status === 'ready' ? this.readout.score : this.readout.status === 'computing' ? this.readout.previous : undefined;
    this.show({ status: 'computing', previous });
    this.timer = setTimeout(() => void this.score(document), delayMs);
  }

  private async score(document: vscode.TextDocument): Promise<void> {
    const generation = ++this.generation;
    const version = document.version;
    const text = document.getText();
    const truncated = text.length > maxScoredChars;
    try {
      const language = languageOfDocument(document.languageId, document.fileName);
      const score = await this.client.score(truncated ? text.slice(0, maxScoredChars) : text, this.surprisingTokens, undefined, language);
      if (generation !== this.generation) return;
      this.show({ status: 'ready', score, truncated });
      this.scored.fire({ document, version, score });
    } catch (e) {
      if (generation === this.generation) this.show({ status: 'error', message: (e as Error).message });
    }
  }

  private show(readout: Readout): void {
    this.readout = readout;
    const model = (this.models.current ? describeModel(this.models.current) : 'none loaded') + (this.learningLine ? `\n${this.learningLine}` : '');
    const { text, tooltip, visible } = renderReadout(readout, model, this.memoryLine);
    this.item.text = text;
    this.item.tooltip = tooltip;
    if (visible) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
