// The surprisal ranking that the editor's highlights and `recurrent surprisal` share: the spans of
// a scored text that cost the most bits, most surprising first, with the likely typos among them
// before the rest. A span is a word (the tokens of one identifier run, whose bits add up: a misspelt
// `retrun` is `re`+`tr`+`un`, none of them alone very surprising) or a single token of anything else.
import { IncrementalEncoder } from '../tokenizer';
import { NearMisses } from '../text/nearMiss';

/** Spans the editor highlights at most (and `recurrent surprisal` reports by default). */
export const SURPRISAL_HIGHLIGHTS = 40;

export interface SurprisingSpan {
  /** UTF-16 range in the text. */
  readonly start: number;
  readonly end: number;
  /** −log2 p of its tokens. */
  readonly bits: number;
  /** A likely typo: the word of the text it is one edit from (text/nearMiss). */
  readonly typoOf?: string;
}

export type SurprisalUnit = 'word' | 'token';

export interface SurprisalRanking {
  /** 'token' ranks tokens alone (to compare the two). */
  readonly unit: SurprisalUnit;
  /** Of the spans costing the most bits, this many are searched for likely typos (text/nearMiss),
   *  which then go first; 0 ranks by bits alone. */
  readonly typoPool: number;
}

/**
 * 50 chosen on 40 files of the tuning projects (scripts/research/typoSurprisal.ts): a typo was among
 * a file's top 10 spans in 75% of them, against 70% by bits alone (20: 75%, 200: 72.5%).
 */
export function defaultSurprisalRanking(): SurprisalRanking {
  return { unit: 'word', typoPool: 50 };
}

const wordChar = /[\p{L}\p{N}_$]/u;
const word = /[\p{L}\p{N}_$]+/u;

/**
 * The `count` most surprising spans of the text of `encoder`, given the log p of each of its
 * tokens, most surprising first (likely typos among the costliest first, see SurprisalRanking).
 */
export function mostSurprising(encoder: IncrementalEncoder, logProbs: Float32Array, count: number, ranking = defaultSurprisalRanking()): SurprisingSpan[] {
  const unit = ranking.unit;
  const text = encoder.text;
  const n = Math.min(encoder.ids.length, logProbs.length);
  const spans: { start: number; end: number; bits: number }[] = [];
  for (let i = 0; i < n; i++) {
    const start = encoder.tokenOffset(i);
    const end = i + 1 < encoder.ids.length ? encoder.tokenOffset(i + 1) : text.length;
    const bits = -logProbs[i] / Math.LN2;
    const last = spans[spans.length - 1];
    // A token that goes on with the identifier the previous one ended joins its word.
    if (unit === 'word' && last && last.end === start && start > 0 && start < end && wordChar.test(text[start]) && wordChar.test(text[start - 1])) {
      last.end = end;
      last.bits += bits;
    } else spans.push({ start, end, bits });
  }
  spans.sort((a, b) => b.bits - a.bits || a.start - b.start);
  if (!ranking.typoPool) return spans.slice(0, count);
  const misses = new NearMisses(text);
  const pool = spans.slice(0, Math.max(count, ranking.typoPool));
  const meant = pool.map((s) => misses.meant(word.exec(text.slice(s.start, s.end))?.[0] ?? ''));
  const typos = pool.flatMap((s, i) => (meant[i] ? [{ ...s, typoOf: meant[i] }] : []));
  return [...typos, ...spans.filter((_, i) => !meant[i])].slice(0, count);
}
