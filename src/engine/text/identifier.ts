// What an identifier is, for every part of completion: the typed word before the cursor, the words
// offered, the document's words and the simulation's. Letters, digits, `_` and `$`, as in VS Code's
// default word pattern for JavaScript; an identifier starts with a letter, `_` or `$`.

/** The identifier characters, as the body of a regex character class (for patterns built on it). */
export const IDENTIFIER_CHARS = '\\p{L}\\p{N}_$';
/** The characters an identifier may start with, as the body of a character class. */
export const IDENTIFIER_START = '\\p{L}_$';

/** A whole identifier. */
export const IDENTIFIER = new RegExp(`^[${IDENTIFIER_START}][${IDENTIFIER_CHARS}]*$`, 'u');
const identifierChar = new RegExp(`^[${IDENTIFIER_CHARS}]$`, 'u');

/** Whether `c` (one character: a code unit or a surrogate pair) is an identifier character. */
export function isIdentifierChar(c: string): boolean {
  return identifierChar.test(c);
}

/**
 * The identifier characters at the end of `text`, found by a backward scan: the regex
 * /[\p{L}\p{N}_$]*$/u takes time quadratic in every run of identifier characters before the end,
 * seconds for a hex blob of some ten thousand characters.
 */
export function identifierTail(text: string): string {
  let i = text.length;
  while (i > 0) {
    let j = i - 1;
    const c = text.charCodeAt(j);
    if (c >= 0xdc00 && c <= 0xdfff && j > 0 && text.charCodeAt(j - 1) >= 0xd800 && text.charCodeAt(j - 1) <= 0xdbff) j--;
    if (!identifierChar.test(text.slice(j, i))) break;
    i = j;
  }
  return text.slice(i);
}

/** The UTF-8 bytes the token search lets extend a word: ASCII identifier characters and every byte
 *  of a multi-byte character (the whole word is checked against IDENTIFIER once decoded). */
export function isIdentifierByte(b: number): boolean {
  return (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b === 95 || b === 36 || b >= 0x80;
}
