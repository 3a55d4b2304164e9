// Word completion by prefix-constrained beam search over tokens: from the state at the last
// pre-token boundary, find token sequences whose bytes continue the typed partial piece with
// identifier bytes and then end (the next token starts a new word), ranked by probability.
// Words already in the document are scored by the model too, so unseen identifiers rank by context,
// and the final ranking mixes in a cache of the document's own words (Grave et al. 2017, "Improving
// neural language models with a continuous cache"): code repeats its identifiers.
import { CompletionContext, identifierTail, WordCount } from './documentState';
import { isWordByte, LanguageModel } from './languageModel';

export interface SearchOptions {
  readonly maxItems: number;
  readonly beamWidth: number;
  /** Tokens a word may take beyond the typed part. */
  readonly maxSteps: number;
  /** The document's words with their counts, most frequent first. */
  readonly documentWords: readonly WordCount[];
  /** Document words the model scores exactly when the search missed them. */
  readonly maxDocumentWords: number;
  /** Weight of the document-word cache in the mixture with the model. */
  readonly cacheWeight: number;
  readonly signal?: AbortSignal;
}

export function defaultSearchOptions(): SearchOptions {
  return { maxItems: 8, beamWidth: 6, maxSteps: 3, documentWords: [], maxDocumentWords: 8, cacheWeight: 0.3 };
}

export interface WordItem {
  /** The whole word: the typed part and its completion. */
  readonly word: string;
  /** P(word | context, typed part), normalized over what the search explored. */
  readonly probability: number;
}

export interface SearchResult {
  /** The part of the word already typed before the cursor. */
  readonly typed: string;
  readonly items: WordItem[];
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const wordShape = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

interface Beam {
  readonly bytes: Uint8Array;
  readonly logp: number;
  /** Index of this beam's row in the previous step's output, and the token that extends it. */
  readonly parentRow: number;
  readonly token: number;
}

/** Ranked words that complete the partial piece in `ctx`. */
export async function searchWords(lm: LanguageModel, ctx: CompletionContext, options: SearchOptions): Promise<SearchResult> {
  // The search continues the partial piece; the word also takes the head's end (`get` of `getEl`).
  const typedPiece = identifierTail(ctx.partial);
  const typed = ctx.headWord + typedPiece;
  const P = utf8.encode(ctx.partial);
  const V = lm.cfg.vocabSize;
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
    if (word.length < 2 || word.length <= typed.length || !wordShape.test(word)) return;
    found.set(word, logAdd(found.get(word) ?? -Infinity, logp));
  };

  // Beams hold bytes; candidates only (row, token, logp) until they make the cut.
  let beams: Beam[] = [{ bytes: new Uint8Array(0), logp: 0, parentRow: 0, token: -1 }];
  let rows = ctx.logProbs; // [beams, V]
  let states = ctx.state; // [L, beams, S]
  const maxSteps = options.maxSteps + Math.ceil(P.length / 2);
  for (let stepIndex = 0; stepIndex < maxSteps; stepIndex++) {
    if (options.signal?.aborted) throw new Error('cancelled');
    const top = new TopK(options.beamWidth);
    let extendedMass = 0; // probability of every consistent extension, kept or not
    for (let b = 0; b < beams.length; b++) {
      const beam = beams[b];
      const lp = rows.subarray(b * V, (b + 1) * V);
      if (beam.bytes.length >= P.length) {
        // Past what is typed, any identifier token may extend the word; the word may also end here.
        const masses = rowMasses(lp, lm, (t, l) => top.offer(beam.logp + l, b, t));
        if (beam.bytes.length > P.length) addWord(beam.bytes, beam.logp + masses.end);
        extendedMass += Math.exp(beam.logp + masses.word);
      } else {
        // Still inside what is typed: only tokens whose first byte is the next typed byte can fit.
        const beamP = Math.exp(beam.logp);
        for (const t of lm.tokensByFirstByte[P[beam.bytes.length]]) {
          if (!continuesPartial(beam.bytes, lm.tokenBytes[t], P)) continue;
          extendedMass += beamP * Math.exp(lp[t]);
          top.offer(beam.logp + lp[t], b, t);
        }
      }
    }
    // A beam that cannot beat the words already found is not worth a model run.
    const worstKept = kthBest(found, options.maxItems);
    const next: Beam[] = [];
    let keptMass = 0;
    for (const c of top.sorted()) {
      if (c.logp <= worstKept) continue;
      next.push({ bytes: concat(beams[c.row].bytes, lm.tokenBytes[c.token]), logp: c.logp, parentRow: c.row, token: c.token });
      keptMass += Math.exp(c.logp);
    }
    if (extendedMass > keptMass) lostLogp = logAdd(lostLogp, Math.log(extendedMass - keptMass));
    if (!next.length) break;
    const out = await lm.step(next.map((c) => c.token), next.length, gatherStates(lm, states, beams.length, next.map((c) => c.parentRow)));
    beams = next;
    rows = out.logProbs;
    states = out.state;
    if (stepIndex === maxSteps - 1) {
      for (let b = 0; b < beams.length; b++) {
        const masses = rowMasses(rows.subarray(b * V, (b + 1) * V), lm);
        if (beams[b].bytes.length > P.length) addWord(beams[b].bytes, beams[b].logp + masses.end);
        lostLogp = logAdd(lostLogp, beams[b].logp + masses.word);
      }
    }
  }

  const cache = options.documentWords.filter((w) => w.word.length > typed.length && w.word.startsWith(typed));
  await scoreDocumentWords(lm, ctx, typedPiece, cache, found, options);
  let total = lostLogp;
  for (const lp of found.values()) total = logAdd(total, lp);
  const cacheTotal = cache.reduce((a, w) => a + w.count, 0);
  const lambda = cacheTotal > 0 ? options.cacheWeight : 0;
  const mixed = new Map<string, number>();
  for (const [word, lp] of found) mixed.set(word, (1 - lambda) * Math.exp(lp - total));
  for (const w of cache) mixed.set(w.word, (mixed.get(w.word) ?? 0) + (lambda * w.count) / cacheTotal);
  const ranked = [...mixed.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { typed, items: ranked.slice(0, options.maxItems).map(([word, probability]) => ({ word, probability })) };
}

/** Words of the document that the search did not reach, scored exactly by the model. */
async function scoreDocumentWords(lm: LanguageModel, ctx: CompletionContext, typedPiece: string, cache: readonly WordCount[], found: Map<string, number>, options: SearchOptions): Promise<void> {
  const lead = ctx.partial.slice(0, ctx.partial.length - typedPiece.length);
  const words = cache.map((w) => w.word).filter((w) => !found.has(w)).slice(0, options.maxDocumentWords);
  if (!words.length) return;
  const encoded = words.map((w) => lm.tokenizer.encode(lead + w.slice(ctx.headWord.length)));
  const T = Math.max(...encoded.map((e) => e.length));
  const tokens = new Array<number>(words.length * T).fill(0);
  encoded.forEach((ids, b) => ids.forEach((id, t) => (tokens[b * T + t] = id)));
  const out = await lm.step(tokens, words.length, gatherStates(lm, ctx.state, 1, words.map(() => 0)));
  const V = lm.cfg.vocabSize;
  encoded.forEach((ids, b) => {
    let logp = ctx.logProbs[ids[0]];
    for (let t = 1; t < ids.length; t++) logp += out.logProbs[(b * T + t - 1) * V + ids[t]];
    const end = out.logProbs.subarray((b * T + ids.length - 1) * V, (b * T + ids.length) * V);
    found.set(words[b], logp + rowMasses(end, lm).end);
  });
}

/** Whether `prefix + token` stays consistent with the partial bytes P and adds only word bytes past it. */
function continuesPartial(prefix: Uint8Array, token: Uint8Array, P: Uint8Array): boolean {
  const offset = prefix.length;
  for (let i = 0; i < token.length; i++) {
    const at = offset + i;
    if (at < P.length) {
      if (token[i] !== P[at]) return false;
    } else if (!isWordByte(token[i])) return false;
  }
  return true;
}

/** The k best (logp, row, token) offers, kept by insertion: k is small. */
class TopK {
  private readonly items: { logp: number; row: number; token: number }[] = [];
  constructor(private readonly k: number) {}
  offer(logp: number, row: number, token: number): void {
    const items = this.items;
    if (items.length === this.k && logp <= items[items.length - 1].logp) return;
    let i = items.length;
    while (i > 0 && items[i - 1].logp < logp) i--;
    items.splice(i, 0, { logp, row, token });
    if (items.length > this.k) items.pop();
  }
  sorted(): readonly { logp: number; row: number; token: number }[] {
    return this.items;
  }
}

function gatherStates(lm: LanguageModel, states: Float32Array, batch: number, rows: readonly number[]): Float32Array {
  const S = lm.stateSize;
  const out = new Float32Array(lm.layers * rows.length * S);
  for (let l = 0; l < lm.layers; l++) {
    rows.forEach((r, i) => out.set(states.subarray((l * batch + r) * S, (l * batch + r + 1) * S), (l * rows.length + i) * S));
  }
  return out;
}

/**
 * In one pass over a row of log-probabilities: log P(the next token continues the word) and
 * log P(it ends the word), and each identifier token offered to `offer`. Tokens 16 nats below the
 * best are left out (each weighs under 1e-7 of it, all together under 1e-3): they can neither make
 * a beam nor move a sum, and skipping them spares almost every exp.
 */
function rowMasses(lp: Float32Array, lm: LanguageModel, offer?: (token: number, logp: number) => void): { word: number; end: number } {
  let max = -Infinity;
  for (let i = 0; i < lp.length; i++) if (lp[i] > max) max = lp[i];
  const cutoff = max - 16;
  let word = 0;
  let end = 0;
  for (let i = 0; i < lp.length; i++) {
    const l = lp[i];
    if (l <= cutoff) continue;
    const e = Math.exp(l - max);
    if (lm.wordToken[i]) {
      word += e;
      offer?.(i, l);
    }
    if (lm.boundaryToken[i]) end += e;
  }
  return { word: max + Math.log(word), end: max + Math.log(end) };
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
