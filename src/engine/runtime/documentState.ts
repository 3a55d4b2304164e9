// The persistent hidden state of one document: the text before the cursor, its tokens, and states
// checkpointed along them, so a keystroke costs the new tokens only. After an edit the state rolls
// back to the last checkpoint before the first changed token and feeds forward from there.
import { IncrementalEncoder } from '../tokenizer';
import { LanguageModel } from './languageModel';

const wordPattern = /[\p{L}_$][\p{L}\p{N}_$]*/gu;
const wordTail = /[\p{L}\p{N}_$]*$/u;

export interface WordCount {
  readonly word: string;
  readonly count: number;
}

/** Distinct words (two characters or more) of a text with their counts, most frequent first. */
export function documentWords(text: string, limit = 2000): WordCount[] {
  const counts = new Map<string, number>();
  // The tail matters most and bounds the cost on huge documents.
  for (const m of text.slice(-200_000).matchAll(wordPattern)) {
    if (m[0].length >= 2) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([word, count]) => ({ word, count }));
}

export interface DocumentStateOptions {
  /** A state is checkpointed every this many tokens. */
  readonly checkpointEvery: number;
  /** Checkpoints kept per document; older ones far from the cursor are thinned out beyond it. */
  readonly maxCheckpoints: number;
  /** Documents longer than this (tokens) are read from a window this long before the cursor. */
  readonly contextTokens: number;
}

export function defaultDocumentStateOptions(): DocumentStateOptions {
  return { checkpointEvery: 32, maxCheckpoints: 512, contextTokens: 16384 };
}

/** What completion needs: the state after the final tokens before the cursor, and what follows. */
export interface CompletionContext {
  /** State after <|doc|> and the first `headTokens` tokens, [L, 1, S]. */
  readonly state: Float32Array;
  /** Log-probabilities of the next token in that state, [V]. */
  readonly logProbs: Float32Array;
  readonly headTokens: number;
  /** The trailing piece the user may still be typing (its tokens are not fed). */
  readonly partial: string;
  /** UTF-16 length of the text before the partial piece. */
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
  private encoder: IncrementalEncoder;
  private checkpoints: Checkpoint[] = [];
  private last?: { pos: number; state: Float32Array; logProbs: Float32Array };
  private words?: { upTo: number; words: WordCount[] };

  constructor(private readonly lm: LanguageModel, text = '', private readonly options = defaultDocumentStateOptions()) {
    this.encoder = new IncrementalEncoder(lm.tokenizer, text);
  }

  get text(): string {
    return this.encoder.text;
  }

  /** Memory held by checkpoints, in bytes. */
  get checkpointBytes(): number {
    return this.checkpoints.length * this.lm.layers * this.lm.stateSize * 4;
  }

  /** Replaces the text before the cursor; only what differs from the previous text is re-encoded. */
  setText(text: string): void {
    const old = this.encoder.text;
    if (old === text) return;
    let common = 0;
    const n = Math.min(old.length, text.length);
    while (common < n && old.charCodeAt(common) === text.charCodeAt(common)) common++;
    this.edit(common, old.length - common, text.slice(common));
  }

  /** Applies an edit in UTF-16 code units and drops every state that depended on changed tokens. */
  edit(offset: number, deleteCount: number, insert: string): void {
    if (this.words && offset < this.words.upTo) this.words = undefined;
    const firstChanged = this.encoder.edit(offset, deleteCount, insert);
    while (this.checkpoints.length && this.checkpoints[this.checkpoints.length - 1].pos > firstChanged) this.checkpoints.pop();
    if (this.last && this.last.pos > firstChanged) this.last = undefined;
  }

  /** The state at the last pre-token boundary before the end of the text, fed as little as possible. */
  async completionContext(): Promise<CompletionContext> {
    const { head, partial } = this.lm.tokenizer.splitForCompletion(this.encoder.text);
    const headTokens = this.tokensBefore(head.length);
    const headLength = head.length;
    const headWord = /^[\p{L}\p{N}_$]/u.test(partial) ? wordTail.exec(head)![0] : '';
    if (this.last?.pos === headTokens) return { ...this.last, headTokens, partial, headLength, headWord, tokensFed: 0 };
    const { state, logProbs, tokensFed } = await this.feedTo(headTokens);
    this.last = { pos: headTokens, state, logProbs };
    return { state, logProbs, headTokens, partial, headLength, headWord, tokensFed };
  }

  /** Distinct words of the text before `upTo`, most frequent first; cached while that text stands. */
  documentWords(upTo: number): WordCount[] {
    if (this.words?.upTo !== upTo) this.words = { upTo, words: documentWords(this.encoder.text.slice(0, upTo)) };
    return this.words.words;
  }

  /** Number of tokens that lie wholly before UTF-16 offset `offset` (a pre-token boundary). */
  private tokensBefore(offset: number): number {
    let lo = 0;
    let hi = this.encoder.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.encoder.tokenOffset(mid) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async feedTo(target: number): Promise<{ state: Float32Array; logProbs: Float32Array; tokensFed: number }> {
    const { checkpointEvery, contextTokens } = this.options;
    const ids = this.encoder.ids;
    const docStart = this.lm.tokenizer.docStartId;
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
        const out = await this.lm.step([docStart], 1, this.lm.zeroState());
        return { state: out.state, logProbs: out.logProbs, tokensFed: 1 };
      }
      state = await this.lm.advance([docStart], this.lm.zeroState());
      pos = start;
      fed = 1;
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
    return { state: out.state, logProbs: out.logProbs, tokensFed: fed + 1 };
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
