// The persistent hidden state of one document: the text before the cursor, its tokens, and states
// checkpointed along them, so a keystroke costs the new tokens only. After an edit the state rolls
// back to the last checkpoint before the first changed token and feeds forward from there.
import { IncrementalEncoder, Language } from '../tokenizer';
import { identifierTail } from '../text/identifier';
import { codeFamilyOf } from '../text/languageWords';
import { DocumentCache } from './documentCache';
import { LanguageModel, Prediction } from './languageModel';
import { NeuralCacheRing } from './neuralCache';
import { cacheKeySize } from '../model';

/** The document cache reads a window of this many to 1.5 × this many characters before the cursor. */
const cacheChars = 1 << 17;

export interface DocumentStateOptions {
  /** A state is checkpointed every this many tokens. */
  readonly checkpointEvery: number;
  /** Checkpoints kept per document; older ones far from the cursor are thinned out beyond it. */
  readonly maxCheckpoints: number;
  /** Documents longer than this (tokens) are read from a window this long before the cursor. */
  readonly contextTokens: number;
  /** Text before the cursor longer than this (UTF-16 units) is tokenized only from a window of its
   *  last maxChars to 1.5 × maxChars units, so a huge document costs no more than a long one. */
  readonly maxChars: number;
  /** The document's language: a model with language tokens reads it after <|doc|> (Tokenizer.documentStart). */
  readonly language?: Language;
}

export function defaultDocumentStateOptions(): DocumentStateOptions {
  return { checkpointEvery: 32, maxCheckpoints: 512, contextTokens: 4096, maxChars: 1 << 18 };
}

/**
 * Where the tokenized window of a text `length` units long starts: 0 up to maxChars, else a multiple
 * of maxChars / 2. A function of the length alone, so state kept across edits equals state computed
 * afresh, the window moves only every maxChars / 2 units, and finding it never reads the text.
 */
export function windowStart(length: number, maxChars: number): number {
  if (length <= maxChars) return 0;
  const step = Math.max(1, maxChars >> 1);
  return Math.floor((length - maxChars) / step) * step;
}

/** What completion needs: the state after the final tokens before the cursor, and what follows. */
export interface CompletionContext {
  /** State after <|doc|> and the first `headTokens` tokens, [L, 1, S]. */
  readonly state: Float32Array;
  /** The next token's distribution in that state. */
  readonly next: Prediction;
  readonly headTokens: number;
  /** The trailing piece the user may still be typing (its tokens are not fed). */
  readonly partial: string;
  /** UTF-16 length of the text before the partial piece (`headTokens` count from the window's start). */
  readonly headLength: number;
  /** The identifier before the cursor: the word being typed, which every completion continues.
   *  Worked out here once per request, and carried in the result to the editor's ranges. */
  readonly typed: string;
  /** The start of `typed` that lies in the head: the pre-tokenizer splits camelCase, so in `getEl`
   *  the head ends with `get` and the partial is `El`. */
  readonly headWord: string;
  /** Tokens fed through the model to answer this request. */
  readonly tokensFed: number;
}

interface Checkpoint {
  /** State after <|doc|> and tokens [0, pos). */
  readonly pos: number;
  readonly state: Float32Array;
}

export class DocumentState {
  private readonly options: DocumentStateOptions;
  /** The text before the window (see windowStart); the encoder holds the rest. */
  private prefix: string;
  private encoder: IncrementalEncoder;
  private checkpoints: Checkpoint[] = [];
  private last?: { pos: number; state: Float32Array; next: Prediction };
  private readonly cache: DocumentCache;
  private cacheStart = 0;
  /** Keys of the window's recent positions, for the neural cache (when the model has one). */
  private readonly neural?: NeuralCacheRing;

  constructor(private readonly lm: LanguageModel, text = '', options: Partial<DocumentStateOptions> = {}) {
    this.options = { ...defaultDocumentStateOptions(), ...options };
    const start = windowStart(text.length, this.options.maxChars);
    this.prefix = text.slice(0, start);
    this.encoder = new IncrementalEncoder(lm.tokenizer, text.slice(start));
    this.cache = new DocumentCache(codeFamilyOf(this.language));
    if (lm.neuralCache?.completionLambda) this.neural = new NeuralCacheRing(lm.neuralCache, cacheKeySize(lm.cfg, lm.neuralCache.key));
  }

  get language(): Language {
    return this.options.language ?? 'other';
  }

  get text(): string {
    return this.prefix + this.encoder.text;
  }

  get length(): number {
    return this.prefix.length + this.encoder.text.length;
  }

  /** Memory held by checkpoints, in bytes. */
  get checkpointBytes(): number {
    return this.checkpoints.length * this.lm.layers * this.lm.stateSize * 4;
  }

  /**
   * The text becomes its first `keep` units followed by `append` (what one keystroke's sync sends).
   * Reads only the window, so a keystroke in a document of many megabytes costs what it does in a
   * short one.
   */
  replace(keep: number, append: string): void {
    const length = this.length;
    if (!(Number.isInteger(keep) && keep >= 0 && keep <= length)) throw new RangeError(`DocumentState.replace: cannot keep ${keep} of ${length} units`);
    this.splice(keep, length - keep, append);
  }

  private splice(offset: number, deleteCount: number, insert: string): void {
    const length = this.length;
    const from = this.prefix.length;
    const start = windowStart(length - deleteCount + insert.length, this.options.maxChars);
    if (offset >= this.cacheStart) this.cache.edited(offset - this.cacheStart, offset > 0 ? this.slice(offset - 1, offset) : '');
    else this.cache.reset();
    if (start === from && offset >= from) {
      const firstChanged = this.encoder.edit(offset - from, deleteCount, insert);
      while (this.checkpoints.length && this.checkpoints[this.checkpoints.length - 1].pos > firstChanged) this.checkpoints.pop();
      if (this.last && this.last.pos > firstChanged) this.last = undefined;
      // The key of position p depends on tokens before p only.
      this.neural?.truncate(firstChanged + 1);
      return;
    }
    // The window moved: tokenize the new one and feed it from the document-start state.
    const text = this.slice(0, offset) + insert + this.slice(offset + deleteCount, length);
    this.prefix = text.slice(0, start);
    this.encoder = new IncrementalEncoder(this.lm.tokenizer, text.slice(start));
    this.checkpoints = [];
    this.last = undefined;
    this.neural?.reset();
  }

  /** Drops every hidden state, as when the model's weights change; the text, its tokens and the cache stay. */
  forgetStates(): void {
    this.checkpoints = [];
    this.last = undefined;
    this.neural?.reset();
  }

  /** The state at the last pre-token boundary before the end of the text, fed as little as possible. */
  async completionContext(): Promise<CompletionContext> {
    const { head, partial } = this.lm.tokenizer.splitForCompletion(this.encoder.text);
    const headTokens = this.tokensBefore(head.length, this.encoder.ids.length - this.lm.tokenizer.encode(partial).length);
    const headLength = this.prefix.length + head.length;
    // Read from the window; a typed word longer than the partial piece holds all of it.
    const typed = identifierTail(this.encoder.text);
    const headWord = typed.slice(0, Math.max(0, typed.length - partial.length));
    if (this.last?.pos === headTokens) return { ...this.last, headTokens, partial, headLength, typed, headWord, tokensFed: 0 };
    const fed = await this.feedTo(headTokens);
    const { state, tokensFed } = fed;
    const next = this.neural ? this.neural.mix(fed.next, headTokens, this.encoder.ids, this.lm.tokens) : fed.next;
    this.last = { pos: headTokens, state, next };
    return { state, next, headTokens, partial, headLength, typed, headWord, tokensFed };
  }

  /** The document cache, brought up to the text before the cursor. */
  documentCache(): DocumentCache {
    const length = this.length;
    const start = windowStart(length, cacheChars);
    if (start !== this.cacheStart) {
      this.cache.reset();
      this.cacheStart = start;
    }
    this.cache.update(this.slice(start, length));
    return this.cache;
  }

  /** text.slice(from, to), without joining prefix and window when the range lies in one of them. */
  private slice(from: number, to: number): string {
    const p = this.prefix.length;
    if (from >= p) return this.encoder.text.slice(from - p, to - p);
    if (to <= p) return this.prefix.slice(from, to);
    return this.prefix.slice(from) + this.encoder.text.slice(0, to - p);
  }

  /** Number of tokens that lie wholly before UTF-16 offset `offset` (a pre-token boundary). */
  private tokensBefore(offset: number, guess: number): number {
    // tokenOffset walks the characters of the token's piece, and a piece may be a 100k-character
    // blob: check the guess (the tokens of the partial piece, counted from the end) before searching.
    const n = this.encoder.ids.length;
    if (guess >= 0 && guess <= n && (guess === 0 || this.encoder.tokenOffset(guess - 1) < offset) && (guess === n || this.encoder.tokenOffset(guess) >= offset)) return guess;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.encoder.tokenOffset(mid) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async feedTo(target: number): Promise<{ state: Float32Array; next: Prediction; tokensFed: number }> {
    const { checkpointEvery, contextTokens } = this.options;
    const ids = this.encoder.ids;
    const docStart = this.lm.tokenizer.documentStart(this.options.language);
    // The last checkpoint strictly before the target: the target's own distribution needs the
    // model to read token target−1.
    let cp: Checkpoint | undefined;
    for (let i = this.checkpoints.length - 1; i >= 0; i--) {
      if (this.checkpoints[i].pos < target) { cp = this.checkpoints[i]; break; }
    }
    // The state of the previous request is the nearest checkpoint of all while the user types on.
    if (this.last && this.last.pos < target && this.last.pos > (cp?.pos ?? -1)) cp = this.last;
    let pos: number;
    let state: Float32Array;
    let fed = 0;
    if (cp && target - cp.pos <= contextTokens) {
      pos = cp.pos;
      state = cp.state;
    } else {
      // No usable checkpoint: start from the document-start state, or, in a very long document,
      // from a window before the target (aligned so that nearby requests pick the same start).
      const start = target > contextTokens ? Math.floor((target - contextTokens) / checkpointEvery) * checkpointEvery : 0;
      this.checkpoints = this.checkpoints.filter((c) => c.pos < start);
      if (target === 0) {
        const before = docStart.length > 1 ? await this.lm.advance(docStart.slice(0, -1), this.lm.zeroState()) : this.lm.zeroState();
        const out = await this.lm.step(docStart.slice(-1), 1, before);
        this.neural?.reset();
        this.putKey(0, out.predictions[0]);
        return { state: out.state, next: out.predictions[0], tokensFed: docStart.length };
      }
      // Keys before the new start were read in another context; of the start tokens' keys only the
      // last one's (after the whole start) belongs to a position of the text.
      this.neural?.reset();
      const at = start;
      state = await this.lm.advance(docStart, this.lm.zeroState(), (keys) => this.neural?.put(at, keys.subarray(keys.length - keys.length / docStart.length)));
      pos = start;
      fed = docStart.length;
      this.addCheckpoint(pos, state);
    }
    // Advance through whole checkpoint intervals, leaving the last token for the step graph.
    while (pos < target - 1) {
      const next = Math.min(target - 1, (Math.floor(pos / checkpointEvery) + 1) * checkpointEvery);
      const at = pos + 1;
      state = await this.lm.advance(ids.slice(pos, next), state, (keys) => this.neural?.put(at, keys));
      fed += next - pos;
      pos = next;
      if (pos % checkpointEvery === 0) this.addCheckpoint(pos, state);
    }
    const out = await this.lm.step([ids[target - 1]], 1, state);
    this.putKey(target, out.predictions[0]);
    if (target % checkpointEvery === 0) this.addCheckpoint(target, out.state);
    return { state: out.state, next: out.predictions[0], tokensFed: fed + 1 };
  }

  private putKey(pos: number, p: Prediction): void {
    if (p.cacheKey) this.neural?.put(pos, p.cacheKey);
  }

  private addCheckpoint(pos: number, state: Float32Array): void {
    const list = this.checkpoints;
    if (list.length && list[list.length - 1].pos >= pos) return;
    list.push({ pos, state });
    if (list.length > this.options.maxCheckpoints) {
      // Keep every checkpoint in the most recent half; every other one before it.
      const keepFrom = list.length >> 1;
      this.checkpoints = list.filter((c, i) => i >= keepFrom || i % 2 === 0);
    }
  }
}
