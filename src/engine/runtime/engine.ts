// The engine as the worker runs it: one loaded model, the persistent state of each open document,
// and the requests of the protocol. Transport-free, so tests and the CLI can drive it directly.
import * as v8 from 'node:v8';
import { IncrementalEncoder, Language } from '../tokenizer';
import { scoreDocuments, summarize } from '../training/evaluate';
import { CachePriors } from '../text/cacheMixture';
import { defaultCachePriors } from './documentCache';
import { DocumentState } from './documentState';
import { LanguageModel } from './languageModel';
import { CompleteOptions, CompletionResult, ModelInfo, ScoreResult, Stats, TextSync } from './protocol';
import { continueGhostText } from './ghostText';
import { defaultSearchOptions, SearchMemo, SearchOptions, searchWords } from './wordSearch';

export class EngineError extends Error {
  constructor(message: string, readonly code: 'resync' | 'cancelled' | 'no-model') {
    super(message);
  }
}

export interface EngineOptions {
  /** Documents whose state is kept; the least recently used beyond these are dropped. */
  readonly maxDocuments: number;
  readonly cachePriors: CachePriors;
  /** The word search's budget. */
  readonly search: Pick<SearchOptions, 'beamWidth' | 'maxSteps' | 'maxDocumentWords' | 'memoryWeight'>;
}

export class Engine {
  private readonly options: EngineOptions;
  private model?: LanguageModel;
  private readonly documents = new Map<string, DocumentState>();
  /** The search of the document being typed in, kept from keystroke to keystroke. */
  private readonly memo = new SearchMemo();

  constructor(options: Partial<EngineOptions> = {}) {
    const { beamWidth, maxSteps, maxDocumentWords, memoryWeight } = defaultSearchOptions();
    this.options = { maxDocuments: 64, cachePriors: defaultCachePriors(), search: { beamWidth, maxSteps, maxDocumentWords, memoryWeight }, ...options };
  }

  async load(modelDir: string): Promise<ModelInfo> {
    const next = await LanguageModel.load(modelDir);
    const previous = this.model;
    this.model = next;
    this.documents.clear();
    await previous?.dispose();
    return this.info();
  }

  info(): ModelInfo {
    const lm = this.requireModel();
    return { dir: lm.dir, ...lm.cfg, meta: { ...lm.meta }, memoryWords: lm.memory?.words ?? { corpus: 0, workspace: 0 } };
  }

  /** Brings the document's text before the cursor up to date without running the model. */
  sync(doc: string, sync: TextSync): DocumentState {
    const lm = this.requireModel();
    let state = this.documents.get(doc);
    if (!state) {
      if (sync.keep !== 0) throw new EngineError(`unknown document ${doc}`, 'resync');
      state = new DocumentState(lm, '', { language: sync.language });
    } else if ((sync.language ?? 'other') !== state.language) {
      // The user changed the document's language mode: every state depends on it.
      state = new DocumentState(lm, state.text, { language: sync.language });
    }
    if (sync.keep > state.length || sync.keep + sync.append.length !== sync.length) {
      this.documents.delete(doc);
      throw new EngineError(`document ${doc} is out of step`, 'resync');
    }
    state.replace(sync.keep, sync.append);
    // Least recently used last: re-insert on every use.
    this.documents.delete(doc);
    this.documents.set(doc, state);
    while (this.documents.size > this.options.maxDocuments) this.documents.delete(this.documents.keys().next().value!);
    return state;
  }

  async complete(doc: string, sync: TextSync, options: CompleteOptions, signal?: AbortSignal): Promise<CompletionResult> {
    const lm = this.requireModel();
    const state = this.sync(doc, sync);
    const ctx = await state.completionContext();
    const search = this.options.search;
    const wanted = Math.max(options.maxItems, search.maxDocumentWords);
    const cache = state.documentCache();
    const memory = lm.memory;
    const result = await searchWords(lm, ctx, {
      ...search,
      maxItems: options.maxItems,
      cacheFor: (typed) => cache.query(typed, this.options.cachePriors, wanted),
      memoryFor: memory && ((prefix) => memory.query(cache.history(), prefix, wanted, state.language)),
      memo: this.memo,
      signal,
    });
    // The search takes the typed word from the tokenizer's pieces, which end words differently at
    // `$` and combining marks: offer nothing rather than words that do not continue the text.
    const word = state.wordBeforeCursor();
    if (result.typed !== word) return { word, items: [], inline: '', tokensFed: ctx.tokensFed };
    const best = result.items[0];
    let inline = best && best.probability >= options.inlineMinProbability ? best.word.slice(result.typed.length) : '';
    if (inline && options.inlineNextWords) inline += await continueGhostText(lm, ctx, inline, options.inlineMinProbability);
    return { word: result.typed, items: result.items, inline, tokensFed: ctx.tokensFed };
  }

  close(doc: string): void {
    this.documents.delete(doc);
  }

  /** Perplexity of a whole text from the start-of-document state; `between` runs between chunks. */
  async score(text: string, surprising: number, between?: () => Promise<void>, language?: Language): Promise<ScoreResult> {
    const lm = this.requireModel();
    const encoder = new IncrementalEncoder(lm.tokenizer, text);
    const ids = encoder.ids;
    let perToken: Float32Array | undefined;
    const score = summarize(await scoreDocuments(lm.scoreGraph, lm.tokenizer.docStartId, [{ ids, chars: text.length, start: lm.tokenizer.documentStart(language) }], {
      lanes: 1,
      chunk: 256,
      between,
      onTokenLogProbs: surprising > 0 ? (_, lp) => (perToken = lp) : undefined,
    }));
    const result: ScoreResult = { chars: score.chars, tokens: score.tokens, bitsPerChar: score.bitsPerChar, perplexity: score.perplexity };
    if (!perToken) return result;
    const order = [...perToken.keys()].sort((a, b) => perToken![a] - perToken![b]).slice(0, surprising);
    return {
      ...result,
      surprising: order.map((i) => ({
        start: encoder.tokenOffset(i),
        end: i + 1 < ids.length ? encoder.tokenOffset(i + 1) : text.length,
        bits: -perToken![i] / Math.LN2,
      })),
    };
  }

  stats(): Stats {
    let checkpointBytes = 0;
    for (const d of this.documents.values()) checkpointBytes += d.checkpointBytes;
    const heap = v8.getHeapStatistics();
    return { documents: this.documents.size, checkpointBytes, rssBytes: process.memoryUsage().rss, heapUsedBytes: heap.used_heap_size, heapLimitBytes: heap.heap_size_limit };
  }

  async dispose(): Promise<void> {
    this.documents.clear();
    await this.model?.dispose();
    this.model = undefined;
  }

  private requireModel(): LanguageModel {
    if (!this.model) throw new EngineError('no model is loaded', 'no-model');
    return this.model;
  }
}
