// Messages between the extension host (or CLI) and the engine worker. Plain data only.
import type { Language } from '../tokenizer/language';
import type { ProjectMixing } from '../memory/projectCounts';
import type { SurprisingSpan } from './surprisal';

/** The new text before the cursor is `old.slice(0, keep) + append`, `length` units long. */
export interface TextSync {
  readonly keep: number;
  readonly append: string;
  readonly length: number;
  /** The document's language (tokenizer/language), told to a model with language tokens; `other` when absent. */
  readonly language?: Language;
}

export interface CompleteOptions {
  readonly maxItems: number;
  /** Ghost text is offered when the best word has at least this probability. */
  readonly inlineMinProbability: number;
  /** Let ghost text run past the current word while the model stays this confident per token. */
  readonly inlineNextWords: boolean;
  /** In code, only words the file's language or the user's own text contains (runtime/languageFilter). */
  readonly languageWordsOnly: boolean;
}

export interface CompletionResult {
  /** The identifier already typed before the cursor of this request's own text: every item
   *  continues it, and the editor's ranges are it. */
  readonly typed: string;
  readonly items: { word: string; probability: number }[];
  /** Ghost text to show after the cursor, or "". */
  readonly inline: string;
  /** Tokens the model had to read for this request (0 when only the search ran). */
  readonly tokensFed: number;
  /** The weights that answered: 0 for the model folder's, else the learned weights' version. */
  readonly modelVersion: number;
}

export interface ScoreResult {
  readonly chars: number;
  readonly tokens: number;
  readonly bitsPerChar: number;
  readonly perplexity: number;
  /** The most surprising spans (runtime/surprisal), when asked for. */
  readonly surprising?: SurprisingSpan[];
}

export interface ModelInfo {
  readonly dir: string;
  readonly cell: string;
  readonly vocabSize: number;
  readonly embedSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly meta: Record<string, unknown>;
  /** Distinct words in the folder's word memory (0: none). */
  readonly memoryWords: number;
}

export type Request =
  | { readonly kind: 'load'; readonly modelDir: string; readonly neuralCache?: boolean }
  | { readonly kind: 'complete'; readonly doc: string; readonly sync: TextSync; readonly options: CompleteOptions }
  | { readonly kind: 'score'; readonly text: string; readonly surprising: number; readonly language?: Language }
  | { readonly kind: 'close'; readonly doc: string }
  | { readonly kind: 'useWeights'; readonly file: string }
  | { readonly kind: 'stats' }
  | { readonly kind: 'project'; readonly op: ProjectOp };

/** A workspace file for the project memory: its project-relative path (`/`), where to read it, and its stamp. */
export interface ProjectFile {
  readonly path: string;
  readonly fsPath: string;
  readonly mtimeMs: number;
  readonly size: number;
}

/** What the project memory is asked (runtime/projectMemory). */
export type ProjectOp =
  /** `roots`: document ids (URI strings) of the workspace folders and the name their paths start
   *  with (multi-root) or '', so a document's folder can be found; no storageFile: in memory only. */
  | { readonly op: 'open'; readonly storageFile?: string; readonly roots: readonly { readonly uri: string; readonly name: string }[]; readonly maxFileBytes?: number; readonly mixing?: Partial<ProjectMixing>; readonly cpuBudget?: number }
  | { readonly op: 'index'; readonly files: readonly ProjectFile[] }
  | { readonly op: 'changed'; readonly files: readonly ProjectFile[] }
  | { readonly op: 'removed'; readonly paths: readonly string[] }
  | { readonly op: 'renamed'; readonly pairs: readonly { readonly from: string; readonly to: string }[] }
  | { readonly op: 'text'; readonly path: string; readonly text: string }
  | { readonly op: 'clear' }
  | { readonly op: 'status' }
  /** Answers once everything asked so far is done. */
  | { readonly op: 'settled' };

export interface ProjectStatus {
  readonly state: 'empty' | 'loading' | 'indexing' | 'saving' | 'ready';
  readonly files: number;
  readonly words: number;
  readonly tokens: number;
  /** Files of the last index request to read, and read so far. */
  readonly planned: number;
  readonly done: number;
  readonly skipped: Record<string, number>;
  /** Log lines since the last status (a memory file rebuilt, a file that could not be saved). */
  readonly notes?: readonly string[];
}

export interface Stats {
  readonly documents: number;
  readonly checkpointBytes: number;
  /** Resident memory of the engine's process (the worker's, when it runs in one). */
  readonly rssBytes: number;
  /** CPU time the engine's process has used (user and system), which drifts less than wall time on a shared machine. */
  readonly cpuSeconds: number;
  /** The engine's JS heap: in use, and the most it may grow to. */
  readonly heapUsedBytes: number;
  readonly heapLimitBytes: number;
}

export interface ResultOf {
  load: ModelInfo;
  complete: CompletionResult;
  score: ScoreResult;
  close: void;
  useWeights: { version: number };
  stats: Stats;
  project: ProjectStatus;
}

export type ToWorker = { readonly id: number; readonly request: Request } | { readonly cancel: number };

export type FromWorker =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly code?: ErrorCode };

/** `resync`: the worker lacks the document's text (new worker, or out of step): send it whole.
 *  `cancelled`: by the caller, or (a completion) overtaken by a newer one for the same document. */
export type ErrorCode = 'resync' | 'cancelled' | 'no-model';
