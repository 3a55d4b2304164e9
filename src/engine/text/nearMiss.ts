// Likely typos: a word written once that is one edit (a letter dropped, added, changed, or two
// swapped) away from a word the same text uses elsewhere. The surprisal view ranks them first: a
// first occurrence of a long rare name, a URL or a hash costs the model as many bits as a typo, but
// has no such neighbour. Plurals (a trailing `s`) and changes of case are not typos.

const WORD = /[\p{L}\p{N}_$]+/gu;
const EDIT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';

/** Words of at least this many characters can be typos (shorter ones have too many neighbours). */
const MIN_LENGTH = 4;

export class NearMisses {
  private readonly counts = new Map<string, number>();

  constructor(text: string) {
    for (const [w] of text.matchAll(WORD)) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
  }

  /** The word of the text that `word`, written once, is one edit from (the most used such), if any. */
  meant(word: string): string | undefined {
    if (word.length < MIN_LENGTH || this.counts.get(word) !== 1) return undefined;
    let best: string | undefined;
    for (const other of edits(word)) {
      if (other === word || benign(word, other)) continue;
      const n = this.counts.get(other) ?? 0;
      if (n > 0 && (!best || n > this.counts.get(best)!)) best = other;
    }
    return best;
  }
}

/** Every string one edit from `w` (Damerau–Levenshtein distance 1 over EDIT_CHARS). */
function* edits(w: string): Generator<string> {
  for (let i = 0; i < w.length; i++) {
    yield w.slice(0, i) + w.slice(i + 1);
    if (i + 1 < w.length) yield w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    for (const c of EDIT_CHARS) yield w.slice(0, i) + c + w.slice(i + 1);
  }
  for (let i = 0; i <= w.length; i++) for (const c of EDIT_CHARS) yield w.slice(0, i) + c + w.slice(i);
}

/** A plural or a change of case: a difference that is no typo. */
function benign(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || a === `${b}s` || b === `${a}s`;
}
