// The pre-tokenizer: the pattern that cuts text into the pieces BPE merges within (stored in
// tokenizer.json, and written so it means the same in JavaScript and in Oniguruma, the engine of
// Hugging Face tokenizers), a scanner that applies it fast, and the completion split built on it.
//
// Pieces, tried in this order at each position (explicit classes, never `\s`/`\w`, whose meaning
// differs between the two engines):
// - word: optional leading space, optional leading `_`s, then one camelCase hump: `[Upper]*[lower]
//   [lower|digit]*` or `[Upper]+[digit]*`. So `getElementById` → `get` `Element` `By` `Id`,
//   `snake_case` → `snake` `_case`; `HTMLElement`, `int32` and `CONSTANT` stay whole.
//   Why humps: a hump is cut the same way in every identifier it appears in (`Element` in
//   `createElement`, `getElementById`), so a small model learns units it can combine into names it
//   has never seen whole, and completing `getElem` conditions on `get` and only searches what extends
//   `Elem`. It costs no length: on the same training sample whole-identifier pieces gave the same
//   tokens per character (0.294 at 8192 ids; 0.272 vs 0.273 on code at 16384).
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

const SPACE_RUN_RE = /^[ \t]+$/;
const WORD_END_RE = /[\p{L}\p{M}\p{N}_]$/u;

// The pieces are found by a hand-written scanner that follows the regex alternative by alternative
// (a test checks both agree on the whole corpus and on random strings): about 3× faster than
// RegExp matching, and it yields offsets without allocating a string per piece.

// Character classes of the pattern. Marks (M) count as "upper" at the start of a hump, as tail
// inside one, and as punctuation elsewhere, exactly as in the regex.
const SP = 1;
const TAB = 2;
const NL = 3;
const US = 4; // _
const DIGIT = 5; // \p{N}
const UP = 6; // \p{Lu} \p{Lt}
const MARK = 7; // \p{M}
const LOW = 8; // \p{Ll} \p{Lm} \p{Lo}
const OTHER = 9; // everything else, lone surrogates included

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (/[\p{Lu}\p{Lt}]/u.test(ch)) return UP;
  if (/[\p{Ll}\p{Lm}\p{Lo}]/u.test(ch)) return LOW;
  if (/\p{M}/u.test(ch)) return MARK;
  if (/\p{N}/u.test(ch)) return DIGIT;
  return cp === 0x20 ? SP : cp === 0x09 ? TAB : cp === 0x0a || cp === 0x0d ? NL : cp === 0x5f ? US : OTHER;
}

/** Class of every BMP code unit, filled on first use (0 = not yet known). */
const BMP_CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) BMP_CLASS[c] = classify(c);

/** Class of the code point at i, and its length in UTF-16 units via `width`. */
let width = 1;
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if ((c & 0xfc00) === 0xd800 && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if ((d & 0xfc00) === 0xdc00) {
      width = 2;
      return classify(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
    }
  }
  width = 1;
  return BMP_CLASS[c] || (BMP_CLASS[c] = classify(c));
}

const isWhite = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** End of the piece that starts at `i` (< text.length): the regex's match at i. */
export function pieceEnd(text: string, i: number): number {
  const n = text.length;
  const c0 = text.charCodeAt(i);
  let j = i;
  if (c0 === 0x20) {
    if (i + 1 < n && !isWhite(text.charCodeAt(i + 1))) j = i + 1; // the space leads the next piece
    else return spaceRunEnd(text, i);
  } else if (c0 === 0x09) {
    return spaceRunEnd(text, i);
  } else if (c0 === 0x0a || c0 === 0x0d) {
    let k = i + 1;
    while (k < n && (text.charCodeAt(k) === 0x0a || text.charCodeAt(k) === 0x0d)) k++;
    while (k < n && (text.charCodeAt(k) === 0x20 || text.charCodeAt(k) === 0x09)) k++;
    return k;
  }
  // ` ?_*` then a hump: `[UP MARK]*[LOW][LOW MARK DIGIT]*` or `[UP MARK]+[DIGIT]*`.
  let u = j;
  while (u < n && text.charCodeAt(u) === 0x5f) u++;
  let k = u;
  let cls = k < n ? classAt(text, k) : 0;
  while (cls === UP || cls === MARK) {
    k += width;
    cls = k < n ? classAt(text, k) : 0;
  }
  if (cls === LOW) {
    do {
      k += width;
      cls = k < n ? classAt(text, k) : 0;
    } while (cls === LOW || cls === MARK || cls === DIGIT);
    return k;
  }
  if (k > u) {
    while (cls === DIGIT) {
      k += width;
      cls = k < n ? classAt(text, k) : 0;
    }
    return k;
  }
  if (u > j) return u; // ` ?_+`
  cls = classAt(text, j);
  if (cls === DIGIT) {
    // ` ?\p{N}{1,3}`
    k = j + width;
    for (let d = 1; d < 3 && k < n && classAt(text, k) === DIGIT; d++) k += width;
    return k;
  }
  // ` ?[^ \t\r\n\p{L}\p{N}_]+`: here cls is OTHER (letters, marks and digits were taken above)
  k = j + width;
  while (k < n) {
    cls = classAt(text, k);
    if (cls !== OTHER && cls !== MARK) break;
    k += width;
  }
  return k;
}

/** `[ \t]+(?= [^ \t\r\n])|[ \t]+` at i: a run leaves its last space to a following non-space. */
function spaceRunEnd(text: string, i: number): number {
  const n = text.length;
  let r = i + 1;
  while (r < n && (text.charCodeAt(r) === 0x20 || text.charCodeAt(r) === 0x09)) r++;
  if (r - i >= 2 && text.charCodeAt(r - 1) === 0x20 && r < n && !isWhite(text.charCodeAt(r))) return r - 1;
  return r;
}

/** Cuts `text` into pieces; their concatenation is `text`. */
export function pretokenize(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; ) {
    const end = pieceEnd(text, i);
    pieces.push(text.slice(i, end));
    i = end;
  }
  return pieces;
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
