// Word completion by prefix-constrained beam search over tokens: from the state at the last
// pre-token boundary, find token sequences whose bytes continue the typed partial piece with
// identifier bytes and then end (the next token starts a new word), ranked by probability.
// Words already in the document are scored by the model too, so unseen identifiers rank by context,
// and the final ranking mixes in the word memory of the training text (see wordMemory) and a cache
// of the document's own words and of the words that followed the previous token (see
// text/cacheMixture): code repeats its identifiers.
import { defaultCompleteOptions } from './completeOptions';
import { CacheQuery } from './documentCache';
import { WordMemoryQuery } from '../ngram/wordMemory';
import { CompletionContext } from './documentState';
import type { WordTest } from './languageFilter';
import { AskedPrediction, LanguageModel, Prediction, SEARCH_TOP_K, TokenTables } from './languageModel';
import { IDENTIFIER, isIdentifierByte } from '../text/identifier';
import { TopK } from '../topK';

export interface SearchOptions {
  readonly maxItems: number;
  /** At most SEARCH_TOP_K: the graph reports that many word tokens per row. */
  readonly beamWidth: number;
  /** Tokens a word may take beyond the typed part. */
  readonly maxSteps: number;
  /** The document cache's words that continue the typed word (as the search takes it), and its share in the mixture. */
  readonly cacheFor?: (typed: string) => CacheQuery;
  /** The word memory's words that continue `prefix` after the document's last tokens. */
  readonly memoryFor?: (prefix: string) => WordMemoryQuery;
  /** The memory's share against the model, inside the cache mixture's model part. */
  readonly memoryWeight: number;
  /** Cached words the model scores exactly when the search missed them (remembered ones rank as well without). */
  readonly maxDocumentWords: number;
  /** Kept across calls, it spares the model runs of paths the last search from the same context ran. */
  readonly memo?: SearchMemo;
  /** Words that may be listed (runtime/languageFilter); the rest make room for the next ones. */
  readonly allows?: WordTest;
  readonly signal?: AbortSignal;
}

/**
 * Since the word memory supplies the long rare identifiers, 4 beams × 2 steps rank as well as 6 × 3
 * did on the tuning files (keystrokes saved 52.9% either way) in 13% less time per keystroke.
 */
export function defaultSearchOptions(): SearchOptions {
  return { maxItems: defaultCompleteOptions().maxItems, beamWidth: 4, maxSteps: 2, maxDocumentWords: 8, memoryWeight: 0.5 };
}

export interface WordItem {
  /** The whole word: the typed part and its completion. */
  readonly word: string;
  /** P(word | context, typed part), normalized over what the search explored. */
  readonly probability: number;
}

export interface SearchResult {
  /** The part of the word already typed before the cursor (the context's). */
  readonly typed: string;
  readonly items: WordItem[];
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

interface Beam {
  readonly bytes: Uint8Array;
  readonly logp: number;
  /** The token path from the context, as memo key. */
  readonly path: string;
  /** The context's whole row, or an expansion's with the tokens that can continue the typed bytes. */
  readonly prediction: Prediction | AskedPrediction;
  /** State after the path, [L, 1, S]. */
  readonly state: Float32Array;
}

/** A beam extended by one token, before it makes the cut. */
interface Offer {
  readonly logp: number;
  /** The beam's index. */
  readonly row: number;
  readonly token: number;
}

interface Expansion {
  readonly prediction: AskedPrediction;
  readonly state: Float32Array;
  /** The typed bytes still ahead of the path when it ran, whose fitting tokens its row was asked for. */
  readonly ahead: Uint8Array;
}

/**
 * What the searches from one completion context have computed, kept across keystrokes: while the
 * user types on inside a word the context (the state at the last pre-token boundary) stays the
 * same, and each search mostly walks token paths that the one before already ran.
 */
export class SearchMemo {
  private context?: Float32Array;
  private readonly paths = new Map<string, Expansion>();
  private readonly words = new Map<string, number>();

  constructor(private readonly maxEntries = 256) {}

  /** Starts over when the context is not the one remembered (its state is the same object while it stands). */
  use(ctx: CompletionContext): this {
    if (this.context !== ctx.state) {
      this.context = ctx.state;
      this.paths.clear();
      this.words.clear();
    }
    return this;
  }

  path(key: string): Expansion | undefined {
    return this.paths.get(key);
  }

  setPath(key: string, e: Expansion): void {
    if (this.paths.size >= this.maxEntries) this.paths.clear();
    // Kept as a view into its batch's output, whose every row is kept too: copying would only add garbage.
    this.paths.set(key, e);
  }

  word(key: string): number | undefined {
    return this.words.get(key);
  }

  setWord(key: string, logp: number): void {
    if (this.words.size >= this.maxEntries) this.words.clear();
    this.words.set(key, logp);
  }
}

/** Ranked words that complete the partial piece in `ctx`. */
export async function searchWords(lm: LanguageModel, ctx: CompletionContext, options: SearchOptions): Promise<SearchResult> {
  // The search continues the partial piece; the word also takes the head's end (`get` of `getEl`).
  const typed = ctx.typed;
  const typedPiece = typed.slice(ctx.headWord.length);
  const P = utf8.encode(ctx.partial);
  const memo = (options.memo ?? new SearchMemo()).use(ctx);
  const found = new Map<string, number>(); // word -> log p (summed over segmentations)
  let lostLogp = -Infinity;

  const addWord = (bytes: Uint8Array, logp: number) => {
    let text: string;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      return;
    }
    const word = typed + text.slice(ctx.partial.length);
    // Like VS Code's word suggestions: words of two characters or more, never just what is typed.
    if (word.length < 2 || word.length <= typed.length || !IDENTIFIER.test(word)) return;
    found.set(word, logAdd(found.get(word) ?? -Infinity, logp));
  };

  // Beams hold bytes and states; candidates only (row, token, logp) until they make the cut.
  let beams: Beam[] = [{ bytes: new Uint8Array(0), logp: 0, path: '', prediction: ctx.next, state: ctx.state }];
  const beamWidth = Math.min(options.beamWidth, SEARCH_TOP_K);
  const maxSteps = options.maxSteps + Math.ceil(P.length / 2);
  for (let stepIndex = 0; stepIndex < maxSteps; stepIndex++) {
    if (options.signal?.aborted) throw new Error('cancelled');
    const top = new TopK<Offer>(beamWidth, (a, b) => a.logp > b.logp);
    let extendedMass = 0; // probability of every consistent extension, kept or not
    for (let b = 0; b < beams.length; b++) {
      const beam = beams[b];
      const row = beam.prediction;
      if (beam.bytes.length >= P.length) {
        // Past what is typed, any identifier token may extend the word; the word may also end here.
        for (let i = 0; i < row.topIds.length; i++) top.offer({ logp: beam.logp + row.topLogProbs[i], row: b, token: row.topIds[i] });
        if (beam.bytes.length > P.length) addWord(beam.bytes, beam.logp + row.endLogMass);
        extendedMass += Math.exp(beam.logp + row.wordLogMass);
      } else {
        // Still inside what is typed: only tokens that continue the typed bytes can fit.
        const beamP = Math.exp(beam.logp);
        const offer = (t: number, lp: number) => {
          extendedMass += beamP * Math.exp(lp);
          top.offer({ logp: beam.logp + lp, row: b, token: t });
        };
        if ('logProbs' in row) for (const t of fittingTokens(lm.tokens, beam.bytes, P)) offer(t, row.logProbs[t]);
        // A remembered row was asked for what fitted then, which may hold tokens that no longer fit.
        else for (let i = 0; i < row.askedIds.length; i++) if (continuesPartial(beam.bytes, lm.tokens.bytes[row.askedIds[i]], P)) offer(row.askedIds[i], row.askedLogProbs[i]);
      }
    }
    // A beam that cannot beat the words already found is not worth a model run.
    const worstKept = kthBest(found, options.maxItems);
    const chosen = top.items.filter((c) => c.logp > worstKept);
    const keptMass = chosen.reduce((a, c) => a + Math.exp(c.logp), 0);
    if (extendedMass > keptMass) lostLogp = logAdd(lostLogp, Math.log(extendedMass - keptMass));
    if (!chosen.length) break;
    const extended = chosen.map((c) => concat(beams[c.row].bytes, lm.tokens.bytes[c.token]));
    const expansions = await expand(lm, memo, P, chosen.map((c, i) => ({ parent: beams[c.row], token: c.token, bytes: extended[i] })));
    beams = chosen.map((c, i) => ({
      bytes: extended[i],
      logp: c.logp,
      path: expansions[i].path,
      prediction: expansions[i].prediction,
      state: expansions[i].state,
    }));
    if (stepIndex === maxSteps - 1) {
      for (const beam of beams) {
        if (beam.bytes.length > P.length) addWord(beam.bytes, beam.logp + beam.prediction.endLogMass);
        lostLogp = logAdd(lostLogp, beam.logp + beam.prediction.wordLogMass);
      }
    }
  }

  // Mixed as joint probabilities (see text/cacheMixture), then conditioned on the typed word: in
  // units of the model's mass of words that continue it, so an unlikely typed word cannot underflow.
  const cache = options.cacheFor?.(typed) ?? { words: [], total: 0, modelWeight: 1 };
  const mu = options.memoryFor ? options.memoryWeight : 0;
  // The model is conditioned on the head of the word (`get` of `getEl`); the memory and the cache
  // are not. The memory's P(the word starts with the head) puts the model back in joint units.
  const headMass = mu && ctx.headWord ? options.memoryFor!(ctx.headWord).total : 1;
  const memory = mu ? options.memoryFor!(typed) : { words: [], total: 0, prob: () => 0 };
  await scoreDocumentWords(lm, ctx, memo, typedPiece, cache.exactWords ?? cache.words.map((w) => w.word), found, options);
  let modelTotal = lostLogp;
  for (const lp of found.values()) modelTotal = logAdd(modelTotal, lp);
  // Everything in units of the model's joint mass of the words that continue what is typed.
  const scale = Math.exp(Math.min(700, -modelTotal)) / (headMass > 0 ? headMass : 1);
  const modelShare = cache.modelWeight * (1 - mu);
  const memoryShare = cache.modelWeight * mu * scale;
  const z = modelShare + memoryShare * memory.total + cache.total * scale;
  const mixed = new Map<string, number>();
  for (const [word, lp] of found) mixed.set(word, modelShare * Math.exp(lp - modelTotal));
  for (const w of cache.words) mixed.set(w.word, (mixed.get(w.word) ?? 0) + w.weight * scale);
  if (mu) {
    for (const w of memory.words) mixed.set(w.word, mixed.get(w.word) ?? 0);
    for (const [word, score] of mixed) mixed.set(word, score + memoryShare * memory.prob(word));
  }
  const allows = options.allows;
  const ranked = [...mixed.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).filter(([word], rank) => !allows || allows(word, rank));
  return { typed, items: ranked.slice(0, options.maxItems).map(([word, score]) => ({ word, probability: score / z })) };
}

/**
 * Each parent beam extended by its token: from the memo, or by one batched model run for the rest,
 * whose rows are asked for the tokens that fit the typed bytes still ahead of each new beam.
 */
async function expand(lm: LanguageModel, memo: SearchMemo, P: Uint8Array, wanted: readonly { parent: Beam; token: number; bytes: Uint8Array }[]): Promise<(Expansion & { path: string })[]> {
  const paths = wanted.map((w) => `${w.parent.path},${w.token}`);
  const aheads = wanted.map((w) => P.subarray(Math.min(w.bytes.length, P.length)));
  const result = paths.map((path, i) => {
    const e = memo.path(path);
    return e && coversAhead(e.ahead, aheads[i]) ? e : undefined;
  });
  const missing = result.flatMap((r, i) => (r ? [] : [i]));
  if (missing.length) {
    const asked = missing.map((i) => fittingTokens(lm.tokens, wanted[i].bytes, P));
    const out = await lm.ask(missing.map((i) => wanted[i].token), missing.length, stackStates(lm, missing.map((i) => wanted[i].parent.state)), asked);
    const rows = splitStates(lm, out.state, missing.length);
    missing.forEach((i, b) => {
      result[i] = { prediction: out.predictions[b], state: rows[b], ahead: aheads[i] };
      memo.setPath(paths[i], result[i]!);
    });
  }
  return result.map((r, i) => ({ ...r!, path: paths[i] }));
}

/** The tokens that can follow `bytes` inside the typed bytes P (none once P is behind). */
export function fittingTokens(tokens: TokenTables, bytes: Uint8Array, P: Uint8Array): Int32Array {
  if (bytes.length >= P.length) return new Int32Array(0);
  return tokens.byFirstByte[P[bytes.length]].filter((t) => continuesPartial(bytes, tokens.bytes[t], P));
}

/**
 * Whether a row asked for the tokens that fit `was` holds every token that fits `now`: when nothing
 * is ahead any more, or when the user typed on in the word (then what fits `now` fits `was` too).
 */
export function coversAhead(was: Uint8Array, now: Uint8Array): boolean {
  if (now.length === 0) return true;
  if (was.length === 0 || now.length < was.length) return false;
  for (let i = 0; i < now.length; i++) if (i < was.length ? now[i] !== was[i] : !isIdentifierByte(now[i])) return false;
  return true;
}

/** Words of the document that the search did not reach, scored exactly by the model. */
async function scoreDocumentWords(lm: LanguageModel, ctx: CompletionContext, memo: SearchMemo, typedPiece: string, cached: readonly string[], found: Map<string, number>, options: SearchOptions): Promise<void> {
  const lead = ctx.partial.slice(0, ctx.partial.length - typedPiece.length);
  const words = cached.filter((w) => !found.has(w)).slice(0, options.maxDocumentWords);
  const texts = words.map((w) => lead + w.slice(ctx.headWord.length));
  const unknown = texts.filter((t) => memo.word(t) === undefined);
  if (unknown.length) {
    const encoded = unknown.map((t) => lm.tokenizer.encode(t));
    const T = Math.max(...encoded.map((e) => e.length));
    const tokens = new Array<number>(unknown.length * T).fill(0);
    encoded.forEach((ids, b) => ids.forEach((id, t) => (tokens[b * T + t] = id)));
    // Row b·T + t − 1 is asked for the word's token t (padding rows for token 0).
    const asked = encoded.flatMap((ids) => Array.from({ length: T }, (_, t) => [ids[t + 1] ?? 0]));
    const out = await lm.ask(tokens, unknown.length, stackStates(lm, unknown.map(() => ctx.state)), asked);
    encoded.forEach((ids, b) => {
      let logp = ctx.next.logProbs[ids[0]];
      for (let t = 1; t < ids.length; t++) logp += out.predictions[b * T + t - 1].askedLogProbs[0];
      memo.setWord(unknown[b], logp + out.predictions[b * T + ids.length - 1].endLogMass);
    });
  }
  words.forEach((w, i) => found.set(w, memo.word(texts[i])!));
}

/** Whether `prefix + token` stays consistent with the partial bytes P and adds only word bytes past it. */
function continuesPartial(prefix: Uint8Array, token: Uint8Array, P: Uint8Array): boolean {
  const offset = prefix.length;
  for (let i = 0; i < token.length; i++) {
    const at = offset + i;
    if (at < P.length) {
      if (token[i] !== P[at]) return false;
    } else if (!isIdentifierByte(token[i])) return false;
  }
  return true;
}


/** States [L, 1, S] stacked into a batch [L, B, S]. */
function stackStates(lm: LanguageModel, states: readonly Float32Array[]): Float32Array {
  const S = lm.stateSize;
  const B = states.length;
  const out = new Float32Array(lm.layers * B * S);
  for (let l = 0; l < lm.layers; l++) states.forEach((st, b) => out.set(st.subarray(l * S, (l + 1) * S), (l * B + b) * S));
  return out;
}

/** A batch of states [L, B, S] split into B states [L, 1, S]. */
function splitStates(lm: LanguageModel, states: Float32Array, B: number): Float32Array[] {
  const S = lm.stateSize;
  return Array.from({ length: B }, (_, b) => {
    const out = new Float32Array(lm.layers * S);
    for (let l = 0; l < lm.layers; l++) out.set(states.subarray((l * B + b) * S, (l * B + b + 1) * S), l * S);
    return out;
  });
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function kthBest(found: Map<string, number>, k: number): number {
  if (found.size < k) return -Infinity;
  return [...found.values()].sort((a, b) => b - a)[k - 1];
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
