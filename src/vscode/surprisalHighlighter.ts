// The surprisal view: highlights the tokens the model found most surprising in the active document,
// graded by how many bits each cost, with the figure in the hover (and the word a likely typo misspells). Surprising code is where typos
// and bugs often sit (Ray et al. 2016, "On the naturalness of buggy code").
import * as vscode from 'vscode';
import { SURPRISAL_HIGHLIGHTS } from '../engine/runtime/surprisal';
import { PerplexityStatusBar, ScoredDocument } from './perplexityStatusBar';
const gradeAlphas = [0.12, 0.22, 0.35];

export class SurprisalHighlighter implements vscode.Disposable {
  private enabled = false;
  private readonly grades = gradeAlphas.map((alpha) =>
    vscode.window.createTextEditorDecorationType({ backgroundColor: `rgba(255, 120, 0, ${alpha})`, borderRadius: '2px' }),
  );
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly statusBar: PerplexityStatusBar) {
    this.disposables = [
      ...this.grades,
      statusBar.onDidScore((s) => this.enabled && this.decorate(s)),
      vscode.commands.registerCommand('recurrent.toggleSurprisal', () => this.toggle()),
    ];
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    this.statusBar.surprisingTokens = this.enabled ? SURPRISAL_HIGHLIGHTS : 0;
    void vscode.commands.executeCommand('setContext', 'recurrent.surprisal', this.enabled);
    if (!this.enabled) for (const editor of vscode.window.visibleTextEditors) for (const g of this.grades) editor.setDecorations(g, []);
    this.statusBar.refresh(0);
    return this.enabled;
  }

  private decorate({ document, version, score }: ScoredDocument): void {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (!editor || document.version !== version || !score.surprising?.length) return;
    const bits = score.surprising.map((s) => s.bits);
    const lo = Math.min(...bits);
    const hi = Math.max(...bits);
    const grades = this.grades;
    const byGrade: vscode.DecorationOptions[][] = grades.map(() => []);
    for (const s of score.surprising) {
      const grade = hi > lo ? Math.min(grades.length - 1, Math.floor(((s.bits - lo) / (hi - lo)) * grades.length)) : grades.length - 1;
      const range = new vscode.Range(document.positionAt(s.start), document.positionAt(s.end));
      const typo = s.typoOf ? `; likely a typo of \`${s.typoOf}\`, which this file uses` : '';
      byGrade[grade].push({ range, hoverMessage: `Recurrent: ${s.bits.toFixed(1)} bits of surprisal (p ≈ ${Math.pow(2, -s.bits).toPrecision(2)})${typo}` });
    }
    grades.forEach((g, i) => editor.setDecorations(g, byGrade[i]));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
