// The persistent hidden state of one document: the text before the cursor, its tokens, and states
// checkpointed along them, so a keystroke costs the new tokens only. After an edit the state rolls
// back to the last checkpoint before the first changed token and feeds forward from there.
import { IncrementalEncoder, Language } from '../tokenizer';
import { commonPrefixLength } from './commonPrefixLength';
import { DocumentCache } from './documentCache';
import { LanguageModel, Prediction } from './languageModel';

const wordChar = /^[\p{L}\p{N}_$]$/u;

/** The document cache reads a window of this many to 1.5 × this many characters before the cursor. */
const cacheChars = 1 << 17;

/**
 * The identifier characters at the end of `text`, found by a backward scan: the regex
 * /[\p{L}\p{N}_$]*$/u takes time quadratic in every run of identifier characters before the end,
 * seconds for a hex blob of some ten thousand characters.
 */
export function identifierTail(text: string): string {
  let i = text.length;
  while (i > 0) {
    let j = i - 1;
    const c = text.charCodeAt(j);
    if (c >= 0xdc00 && c <= 0xdfff && j > 0 && text.charCodeAt(j - 1) >= 0xd800 && text.charCodeAt(j - 1) <= 0xdbff) j--;
    if (!wordChar.test(text.slice(j, i))) break;
    i = j;
  }
  return text.slice(i);
}

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
  /** Identifier characters at the end of the head that belong to the word being typed: the
   *  pre-tokenizer splits camelCase, so in `getEl` the head ends with `get` and the partial is `El`. */
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
  private readonly cache = new DocumentCache();
  private cacheStart = 0;

  constructor(private readonly lm: LanguageModel, text = '', options: Partial<DocumentStateOptions> = {}) {
    this.options = { ...defaultDocumentStateOptions(), ...options };
    const start = windowStart(text.length, this.options.maxChars);
    this.prefix = text.slice(0, start);
    this.encoder = new IncrementalEncoder(lm.tokenizer, text.slice(start));
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
   * Replaces the text before the cursor; only what differs from the previous text is re-encoded.
   * `unchanged`: a length up to which the caller knows both texts agree (saves comparing it).
   */
  setText(text: string, unchanged = 0): void {
    const common = commonPrefixLength(this.text, text, unchanged);
    if (common === this.length && common === text.length) return;
    this.replace(common, text.slice(common));
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

  /** Applies an edit in UTF-16 code units and drops every state that depended on changed tokens. */
  edit(offset: number, deleteCount: number, insert: string): void {
    const length = this.length;
    if (!(Number.isInteger(offset) && Number.isInteger(deleteCount) && offset >= 0 && deleteCount >= 0 && offset + deleteCount <= length)) {
      throw new RangeError(`DocumentState.edit: bad range ${offset}+${deleteCount} of ${length}`);
    }
    this.splice(offset, deleteCount, insert);
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
      return;
    }
    // The window moved: tokenize the new one and feed it from the document-start state.
    const text = this.slice(0, offset) + insert + this.slice(offset + deleteCount, length);
    this.prefix = text.slice(0, start);
    this.encoder = new IncrementalEncoder(this.lm.tokenizer, text.slice(start));
    this.checkpoints = [];
    this.last = undefined;
  }

  /** The state at the last pre-token boundary before the end of the text, fed as little as possible. */
  async completionContext(): Promise<CompletionContext> {
    const { head, partial } = this.lm.tokenizer.splitForCompletion(this.encoder.text);
    const headTokens = this.tokensBefore(head.length, this.encoder.ids.length - this.lm.tokenizer.encode(partial).length);
    const headLength = this.prefix.length + head.length;
    const headWord = /^[\p{L}\p{N}_$]/u.test(partial) ? identifierTail(head) : '';
    if (this.last?.pos === headTokens) return { ...this.last, headTokens, partial, headLength, headWord, tokensFed: 0 };
    const { state, next, tokensFed } = await this.feedTo(headTokens);
    this.last = { pos: headTokens, state, next };
    return { state, next, headTokens, partial, headLength, headWord, tokensFed };
  }

  /** The identifier characters just before the cursor (read from the window). */
  wordBeforeCursor(): string {
    return identifierTail(this.encoder.text);
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
        return { state: out.state, next: out.predictions[0], tokensFed: docStart.length };
      }
      state = await this.lm.advance(docStart, this.lm.zeroState());
      pos = start;
      fed = docStart.length;
      this.addCheckpoint(pos, state);
    }
    // Advance through whole checkpoint intervals, leaving the last token for the step graph.
    while (pos < target - 1) {
      const next = Math.min(target - 1, (Math.floor(pos / checkpointEvery) + 1) * checkpointEvery);
      state = await this.lm.advance(ids.slice(pos, next), state);
      fed += next - pos;
      pos = next;
      if (pos % checkpointEvery === 0) this.addCheckpoint(pos, state);
    }
    const out = await this.lm.step([ids[target - 1]], 1, state);
    if (target % checkpointEvery === 0) this.addCheckpoint(target, out.state);
    return { state: out.state, next: out.predictions[0], tokensFed: fed + 1 };
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
