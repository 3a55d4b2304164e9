// Reads the `recurrent.*` settings once per use, with defaults and clamping.
import * as vscode from 'vscode';
import { defaultCompleteOptions } from '../engine/runtime/completeOptions';
import { CompleteOptions } from '../engine/runtime/protocol';
import { defaultFileFilterOptions } from '../engine/training/fileFilter';

export interface Settings {
  readonly enable: boolean;
  readonly skipLanguages: readonly string[];
  readonly inlineEnable: boolean;
  /** Recurrent's words of at least this probability rank above the language service's items. */
  readonly confidentProbability: number;
  readonly complete: CompleteOptions;
  readonly modelPath: string;
  readonly trainingExclude: readonly string[];
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  readonly maxMinutes: number;
}

/** Default of recurrent.suggest.confidentProbability (chosen in the real editor: README). */
export const CONFIDENT_PROBABILITY = 0.4;

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('recurrent', scope);
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  // package.json gives the editor the same defaults; these apply where it has none (tests).
  const complete = defaultCompleteOptions();
  return {
    enable: c.get('enable', true),
    skipLanguages: c.get<string[]>('skipLanguages', []),
    inlineEnable: c.get('inline.enable', true),
    confidentProbability: clamp(c.get('suggest.confidentProbability', CONFIDENT_PROBABILITY), 0, 1),
    complete: {
      maxItems: clamp(c.get('maxItems', complete.maxItems), 1, 50),
      inlineMinProbability: clamp(c.get('inline.minProbability', complete.inlineMinProbability), 0, 1),
      inlineNextWords: c.get('inline.nextWords', complete.inlineNextWords),
      languageWordsOnly: c.get('suggest.languageWordsOnly', complete.languageWordsOnly),
    },
    // A restricted workspace must not point the extension at files of its choosing.
    modelPath: vscode.workspace.isTrusted ? c.get('modelPath', '') : '',
    trainingExclude: c.get<string[]>('training.exclude', []),
    maxFileBytes: clamp(c.get('training.maxFileSizeKB', defaultFileFilterOptions().maxFileBytes / 1024), 1, 64 * 1024) * 1024,
    maxTotalBytes: clamp(c.get('training.maxTotalSizeMB', 50), 1, 4096) * 1024 * 1024,
    maxMinutes: clamp(c.get('training.maxMinutes', 10), 0.1, 24 * 60),
  };
}

/** Whether Recurrent serves this document at all. */
export function isServed(document: vscode.TextDocument, settings = readSettings(document)): boolean {
  // Output panels are documents too, but nobody types there.
  return settings.enable && document.uri.scheme !== 'output' && !settings.skipLanguages.includes(document.languageId);
}
