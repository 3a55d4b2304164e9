// The word tokens of a whole text (see incrementalLexer) by a scan over UTF-16 units with an ASCII
// fast path: the sticky regex reads about 12 MB/s, too slow to count a workspace of 50 MB while the
// user waits; this gives the same tokens (a test compares them on corpus files and random strings).

const WORD = /^[\p{L}\p{N}_$]$/u;
const SPACE = /^\s$/u;

/** 1 word character, 2 whitespace (bit 4: a line break), 0 other, for ASCII. */
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const s = String.fromCharCode(c);
  ASCII[c] = WORD.test(s) ? 1 : SPACE.test(s) ? (c === 10 || c === 13 ? 6 : 2) : 0;
}

/** Kind of the code point at `i`: as ASCII above; `width` gets its UTF-16 length. */
function kindAt(text: string, i: number, width: { n: number }): number {
  const c = text.charCodeAt(i);
  if (c < 128) {
    width.n = 1;
    return ASCII[c];
  }
  const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
  width.n = pair ? 2 : 1;
  const s = pair ? text.slice(i, i + 2) : text[i];
  if (WORD.test(s)) return 1;
  if (SPACE.test(s)) return 2;
  return 0;
}

/**
 * Calls `visit` with the units [start, end) of `text` that spell each token in order, as lexTokens
 * returns them: a word, another character, or for a whitespace run that holds a line feed the first
 * line feed (the NEWLINE token). Ranges, not strings: a caller that interns tokens makes a string
 * only for a token it has not seen.
 */
export function scanTokens(text: string, visit: (start: number, end: number) => void): void {
  const width = { n: 1 };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const kind = kindAt(text, i, width);
    const start = i;
    i += width.n;
    if (kind === 0) {
      visit(start, i);
      continue;
    }
    if (kind === 1) {
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c < 128) {
          if (ASCII[c] !== 1) break;
          i++;
        } else if (kindAt(text, i, width) === 1) i += width.n;
        else break;
      }
      visit(start, i);
      continue;
    }
    // Whitespace: one NEWLINE token when the run holds a line feed (as lexTokens: '\n' only).
    let newline = text.charCodeAt(start) === 10 ? start : -1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        if ((ASCII[c] & 2) === 0) break;
        if (c === 10 && newline < 0) newline = i;
        i++;
      } else if (kindAt(text, i, width) === 2) i += width.n;
      else break;
    }
    if (newline >= 0) visit(newline, newline + 1);
  }
}
