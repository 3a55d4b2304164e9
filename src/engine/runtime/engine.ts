// The engine as the worker runs it: one loaded model, the persistent state of each open document,
// and the requests of the protocol. Transport-free, so tests and the CLI can drive it directly.
import * as v8 from 'node:v8';
import { IncrementalEncoder, Language } from '../tokenizer';
import { scoreDocuments, summarize } from '../training/evaluate';
import { modelIdentity, readLearnedWeights } from '../training/learnedWeights';
import { CachePriors } from '../text/cacheMixture';
import type { CodeFamily } from '../text/languageWords';
import { defaultNeuralCache, NeuralCacheOptions } from '../model';
import { defaultCachePriors } from './documentCache';
import { DocumentState } from './documentState';
import { LanguageModel, PreparedWeights } from './languageModel';
import { CompleteOptions, CompletionResult, ModelInfo, ProjectOp, ProjectStatus, ScoreResult, Stats, TextSync } from './protocol';
import { defaultProjectMixing, ProjectMixing } from '../memory/projectCounts';
import { KIND_SHARE } from '../ngram/wordMemory';
import { defaultOpenDocumentsPriors, documentScope, nestAll, OpenDocumentsPriors, openDocumentsScope } from './cacheScopes';
import { ProjectMemory } from './projectMemory';
import { continueGhostText } from './ghostText';
import { languageFilter, LanguageWordLists } from './languageFilter';
import { mostSurprising } from './surprisal';
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
  /** In a document of a kind with a word memory of its own (prose), that memory's share of the word memory (ngram/wordMemory). */
  readonly kindMemoryShare: number;
  /** The neural cache that completion and scores mix in; null: the network alone. */
  readonly neuralCache: NeuralCacheOptions | null;
  readonly openDocuments: OpenDocumentsPriors;
  readonly projectMixing: ProjectMixing;
  /** Resolves when no request waits (the worker's): the project memory works only then. */
  readonly idle: () => Promise<void>;
  /** The folder of the languages' word lists (media/languageWords); none: no language filter. */
  readonly languageWordsDir?: string;
}

export class Engine {
  private readonly options: EngineOptions;
  private model?: LanguageModel;
  private readonly documents = new Map<string, DocumentState>();
  /** The search of the document being typed in, kept from keystroke to keystroke. */
  private readonly memo = new SearchMemo();
  /** The words of the workspace's files, kept up to date in the background. */
  readonly project: ProjectMemory;
  /** Document ids (URI strings) of the workspace folders, and the name their paths start with. */
  private roots: readonly { readonly uri: string; readonly name: string }[] = [];
  private notes: string[] = [];
  private projectMixing: ProjectMixing;
  private readonly languageWords?: LanguageWordLists;

  constructor(options: Partial<EngineOptions> = {}) {
    const { beamWidth, maxSteps, maxDocumentWords, memoryWeight } = defaultSearchOptions();
    this.options = {
      maxDocuments: 64, cachePriors: defaultCachePriors(), search: { beamWidth, maxSteps, maxDocumentWords, memoryWeight }, kindMemoryShare: KIND_SHARE, neuralCache: defaultNeuralCache(),
      openDocuments: defaultOpenDocumentsPriors(), projectMixing: defaultProjectMixing(), idle: () => new Promise((resolve) => setImmediate(resolve)),
      ...options,
    };
    this.project = new ProjectMemory({ idle: this.options.idle, log: (line) => this.notes.push(line) });
    this.languageWords = this.options.languageWordsDir === undefined ? undefined : new LanguageWordLists(this.options.languageWordsDir, (line) => this.notes.push(line));
    this.projectMixing = this.options.projectMixing;
  }

  /** Loads a model folder; `neuralCache` false runs it without the neural cache. */
  async load(modelDir: string, neuralCache = true): Promise<ModelInfo> {
    const next = await LanguageModel.load(modelDir, 1, neuralCache ? this.options.neuralCache : null);
    const previous = this.model;
    this.model = next;
    this.documents.clear();
    await previous?.dispose();
    // Between requests, not on the first keystrokes at a word's start (they paid up to 100 ms).
    // A failure here must not end the worker (its restart would load and fail again): logged only.
    next.memory?.warm(this.options.idle, () => this.model === next).catch((e: Error) => this.notes.push(`[model] the word memory was not built ahead: ${e.message}`));
    return this.info();
  }

  info(): ModelInfo {
    const lm = this.requireModel();
    return { dir: lm.dir, ...lm.cfg, meta: { ...lm.meta }, memoryWords: lm.memory?.words ?? 0 };
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
    const others = this.otherDocumentCaches(doc);
    const project = this.project.memory;
    const path = this.projectPath(doc);
    const mixing = lm.version > 0 ? { ...this.projectMixing, maxShare: this.projectMixing.learnedShare } : this.projectMixing;
    const seenInCode = (word: string, family: CodeFamily) =>
      cache.codeCount(word) > 0 || others.some((c) => c.family === family && c.codeCount(word) > 0) || project.codeCount(family, word) > 0;
    const allows = options.languageWordsOnly && this.languageWords ? languageFilter(this.languageWords, state.language, cache.endsInCommentOrString(), options.maxItems, seenInCode) : undefined;
    const result = await searchWords(lm, ctx, {
      ...search,
      maxItems: options.maxItems,
      cacheFor: (typed) => nestAll([
        documentScope(cache, typed, this.options.cachePriors, wanted),
        openDocumentsScope(others, typed, this.options.openDocuments, wanted),
        project.query(cache.history(), typed, path, wanted, mixing),
      ], wanted, 2),
      memoryFor: memory && ((prefix) => memory.query(cache.history(), prefix, wanted, state.language, this.options.kindMemoryShare)),
      memo: this.memo,
      allows,
      signal,
    });
    const modelVersion = lm.version;
    const best = result.items[0];
    let inline = best && best.probability >= options.inlineMinProbability ? best.word.slice(ctx.typed.length) : '';
    if (inline && options.inlineNextWords) inline += await continueGhostText(lm, ctx, inline, options.inlineMinProbability);
    return { typed: ctx.typed, items: result.items, inline, tokensFed: ctx.tokensFed, modelVersion };
  }

  /**
   * Reads the weights dynamic evaluation learned for this model (a learned-weights file) and makes
   * their sessions; useWeights() then switches to them at once. The worker prepares while it goes
   * on answering keystrokes.
   */
  async prepareWeights(file: string): Promise<PreparedWeights> {
    const lm = this.requireModel();
    const { header, weights } = readLearnedWeights(file);
    if (header.base !== modelIdentity(lm.dir, lm.meta)) throw new Error(`${file} was learned from another model than ${lm.dir}`);
    return lm.prepareWeights(weights, header.version);
  }

  /**
   * Completes with prepared weights from the next request on; every answer names the weights it
   * came from in `modelVersion`. Documents keep their text and cache; their states are read again.
   */
  useWeights(prepared: PreparedWeights): { version: number } {
    const lm = this.requireModel();
    if (prepared.model !== lm) {
      for (const s of prepared.sessions) void s.release();
      throw new Error('another model was loaded meanwhile');
    }
    lm.useWeights(prepared);
    for (const d of this.documents.values()) d.forgetStates();
    return { version: prepared.version };
  }

  close(doc: string): void {
    this.documents.delete(doc);
  }

  /** The project memory's requests (see ProjectOp). */
  async projectRequest(r: ProjectOp): Promise<ProjectStatus> {
    const p = this.project;
    switch (r.op) {
      case 'open':
        this.roots = r.roots;
        // The tuning scripts try other weights; the editor never sends any.
        this.projectMixing = { ...this.options.projectMixing, ...r.mixing };
        p.cpuBudget = r.cpuBudget ?? 1;
        p.open(r.storageFile, r.maxFileBytes);
        break;
      case 'index':
        p.index(r.files);
        break;
      case 'changed':
        p.changed(r.files);
        break;
      case 'removed':
        p.removed(r.paths);
        break;
      case 'renamed':
        p.renamed(r.pairs);
        break;
      case 'text':
        p.setText(r.path, r.text);
        break;
      case 'clear':
        await p.clear();
        break;
      case 'settled':
        await p.settled();
        break;
    }
    const notes = this.notes;
    this.notes = [];
    return { ...p.status(), notes };
  }

  /** The caches of the other documents used most recently, for the open documents' scope. */
  private otherDocumentCaches(doc: string) {
    const recent = [...this.documents.keys()].filter((d) => d !== doc).slice(-this.options.openDocuments.documents);
    return recent.map((d) => this.documents.get(d)!.documentCache());
  }

  /** The project-relative path of a document (its folder nests in the project memory), or its id. */
  private projectPath(doc: string): string {
    for (const root of this.roots) {
      const base = root.uri.endsWith('/') ? root.uri : `${root.uri}/`;
      if (doc.startsWith(base)) {
        let rel = doc.slice(base.length);
        try {
          rel = decodeURIComponent(rel);
        } catch {
          // Not percent-encoded after all: the path as it is.
        }
        return root.name ? `${root.name}/${rel}` : rel;
      }
    }
    return doc;
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
    return { ...result, surprising: mostSurprising(encoder, perToken, surprising) };
  }

  stats(): Stats {
    let checkpointBytes = 0;
    for (const d of this.documents.values()) checkpointBytes += d.checkpointBytes;
    const heap = v8.getHeapStatistics();
    const cpu = process.cpuUsage();
    return { documents: this.documents.size, checkpointBytes, rssBytes: process.memoryUsage().rss, cpuSeconds: (cpu.user + cpu.system) / 1e6, heapUsedBytes: heap.used_heap_size, heapLimitBytes: heap.heap_size_limit };
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
