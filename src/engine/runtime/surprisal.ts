// The surprisal ranking that the editor's highlights and `recurrent surprisal` share: the spans of
// a scored text that cost the most bits, most surprising first. A span is a word (the tokens of one
// identifier run, whose bits add up: a misspelt `retrun` is `re`+`tr`+`un`, none of them alone very
// surprising) or a single token of anything else.
import { IncrementalEncoder } from '../tokenizer';

/** Spans the editor highlights at most (and `recurrent surprisal` reports by default). */
export const SURPRISAL_HIGHLIGHTS = 40;

export interface SurprisingSpan {
  /** UTF-16 range in the text. */
  readonly start: number;
  readonly end: number;
  /** −log2 p of its tokens. */
  readonly bits: number;
}

export type SurprisalUnit = 'word' | 'token';

const wordChar = /[\p{L}\p{N}_$]/u;

/**
 * The `count` most surprising spans of the text of `encoder`, given the log p of each of its
 * tokens, most surprising first; `unit` 'token' ranks tokens alone (to compare the two).
 */
export function mostSurprising(encoder: IncrementalEncoder, logProbs: Float32Array, count: number, unit: SurprisalUnit = 'word'): SurprisingSpan[] {
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
  return spans.sort((a, b) => b.bits - a.bits || a.start - b.start).slice(0, count);
}
