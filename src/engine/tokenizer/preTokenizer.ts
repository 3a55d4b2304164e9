// The pre-tokenizer: one regular expression that cuts text into the pieces BPE works inside,
// written so that the same pattern means the same thing in JavaScript and in Oniguruma (the engine
// of Hugging Face tokenizers), and the completion split that depends on its rules.
//
// Pieces, tried in this order at each position (explicit classes, never `\s`/`\w`, whose meaning
// differs between the two engines):
// - word: optional leading space, optional leading `_`s, then one camelCase hump: `[Upper]*[lower]
//   [lower|digit]*` or `[Upper]+[digit]*`. So `getElementById` → `get` `Element` `By` `Id`,
//   `snake_case` → `snake` `_case`, `HTMLElement` and `int32` stay whole. Why split humps: with an
//   8k–16k vocabulary shared by code and prose, whole-identifier BPE spends merges on arbitrary
//   fragments of long names and cuts the same word differently in different identifiers; humps give
//   stable units (`Element` is `Element` in `createElement` and `HTMLElement`'s neighbours) that a
//   small model can compose into identifiers it has never seen whole, and completion at `getElem`
//   conditions the model on `get` and only has to search the tokens that extend `Elem`.
// - `_` runs that start no word; digit groups of 1–3 with an optional leading space (numbers stay
//   short and regular); punctuation runs with an optional leading space (` =`, `);`, ` //`).
// - newline runs with the following indentation (`\n    `): indentation is one token and the first
//   word of a line has no leading space, as in source code.
// - other space/tab runs leave their last space to the next piece (`x    = 1` → ` =` as usual).
// Every character matches some alternative and no alternative matches "", so the pieces cover the
// text exactly. Lone surrogates are not letters: they fall into punctuation runs.

const UPPER = '\\p{Lu}\\p{Lt}\\p{M}';
const LOWER = '\\p{Ll}\\p{Lm}\\p{Lo}';
const TAIL = '\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}\\p{N}';

/** The pre-tokenizer regex source, stored verbatim in tokenizer.json's Split pre-tokenizer. */
export const PRETOKENIZE_PATTERN = [
  ` ?_*(?:[${UPPER}]*[${LOWER}][${TAIL}]*|[${UPPER}]+\\p{N}*)`,
  ' ?_+',
  ' ?\\p{N}{1,3}',
  ' ?[^ \\t\\r\\n\\p{L}\\p{N}_]+',
  '[\\r\\n]+[ \\t]*',
  '[ \\t]+(?= [^ \\t\\r\\n])',
  '[ \\t]+',
].join('|');

const PIECE_RE = new RegExp(PRETOKENIZE_PATTERN, 'gu');
const SPACE_RUN_RE = /^[ \t]+$/;
const WORD_END_RE = /[\p{L}\p{M}\p{N}_]$/u;

/** Cuts `text` into pieces; their concatenation is `text`. */
export function pretokenize(text: string): string[] {
  return text.match(PIECE_RE) ?? [];
}

/** Calls `onPiece(start, end)` for each piece of `text[from..]`, in order, until it returns false. */
export function scanPieces(text: string, from: number, onPiece: (start: number, end: number) => boolean): void {
  PIECE_RE.lastIndex = from;
  let m: RegExpExecArray | null;
  while ((m = PIECE_RE.exec(text)) !== null) {
    const end = m.index + m[0].length;
    if (!onPiece(m.index, end)) break;
  }
}

/**
 * How much of the last piece may still change when the user keeps typing a word: a word piece
 * (with its leading space or `_`s) can grow; a trailing space will become the next word's leading
 * space; after punctuation, a tab or a newline run nothing is open.
 */
export function openTail(lastPiece: string): string {
  if (SPACE_RUN_RE.test(lastPiece)) return lastPiece.endsWith(' ') ? ' ' : '';
  return WORD_END_RE.test(lastPiece) ? lastPiece : '';
}
