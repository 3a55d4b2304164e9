// The surprisal ranking that the editor's highlights and `recurrent surprisal` share: the tokens of
// a scored text that cost the most bits, most surprising first.
import { IncrementalEncoder } from '../tokenizer';

/** Tokens the editor highlights at most (and `recurrent surprisal` reports by default). */
export const SURPRISAL_HIGHLIGHTS = 40;

export interface SurprisingSpan {
  /** UTF-16 range of the token in the text. */
  readonly start: number;
  readonly end: number;
  /** −log2 p of the token. */
  readonly bits: number;
}

/** The `count` tokens with the lowest log p (`logProbs` per token of `encoder`), most surprising first. */
export function mostSurprising(encoder: IncrementalEncoder, logProbs: Float32Array, count: number): SurprisingSpan[] {
  const n = encoder.ids.length;
  const order = [...logProbs.keys()].sort((a, b) => logProbs[a] - logProbs[b]).slice(0, count);
  return order.map((i) => ({
    start: encoder.tokenOffset(i),
    end: i + 1 < n ? encoder.tokenOffset(i + 1) : encoder.text.length,
    bits: -logProbs[i] / Math.LN2,
  }));
}
