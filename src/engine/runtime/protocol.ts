// Messages between the extension host (or CLI) and the engine worker. Plain data only.
import type { Language } from '../tokenizer/language';

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
}

export interface CompletionResult {
  /** The identifier part already typed before the cursor. */
  readonly word: string;
  readonly items: { word: string; probability: number }[];
  /** Ghost text to show after the cursor, or "". */
  readonly inline: string;
  /** Tokens the model had to read for this request (0 when only the search ran). */
  readonly tokensFed: number;
}

export interface ScoreResult {
  readonly chars: number;
  readonly tokens: number;
  readonly bitsPerChar: number;
  readonly perplexity: number;
  /** The most surprising tokens: UTF-16 range and −log2 p, when asked for. */
  readonly surprising?: { start: number; end: number; bits: number }[];
}

export interface ModelInfo {
  readonly dir: string;
  readonly cell: string;
  readonly vocabSize: number;
  readonly embedSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly meta: Record<string, unknown>;
  /** Distinct words in the folder's word memories (0: none). */
  readonly memoryWords: { readonly corpus: number; readonly workspace: number };
}

export type Request =
  | { readonly kind: 'load'; readonly modelDir: string }
  | { readonly kind: 'complete'; readonly doc: string; readonly sync: TextSync; readonly options: CompleteOptions }
  | { readonly kind: 'score'; readonly text: string; readonly surprising: number; readonly language?: Language }
  | { readonly kind: 'close'; readonly doc: string }
  | { readonly kind: 'stats' };

export interface Stats {
  readonly documents: number;
  readonly checkpointBytes: number;
  /** Resident memory of the engine's process (the worker's, when it runs in one). */
  readonly rssBytes: number;
  /** The engine's JS heap: in use, and the most it may grow to. */
  readonly heapUsedBytes: number;
  readonly heapLimitBytes: number;
}

export interface ResultOf {
  load: ModelInfo;
  complete: CompletionResult;
  score: ScoreResult;
  close: void;
  stats: Stats;
}

export type ToWorker = { readonly id: number; readonly request: Request } | { readonly cancel: number };

export type FromWorker =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly code?: ErrorCode };

/** `resync`: the worker lacks the document's text (new worker, or out of step): send it whole.
 *  `superseded`: a newer completion for the same document came before this one started. */
export type ErrorCode = 'resync' | 'cancelled' | 'superseded' | 'no-model';
