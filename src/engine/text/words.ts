// What counts as a word in the typing simulation (docs/architecture.md §5): a whole run of word characters
// that starts with a letter, `_` or `$`, at least two characters (code points) long.
import { IDENTIFIER_CHARS, IDENTIFIER_START } from './identifier';

/** A word occurrence: an identifier not preceded by an identifier character. */
export const WORD_PATTERN = new RegExp(`(?<![${IDENTIFIER_CHARS}])[${IDENTIFIER_START}][${IDENTIFIER_CHARS}]*`, 'gu');
const WORD_START = new RegExp(`^[${IDENTIFIER_START}]`, 'u');
const WORD_CHARS = new RegExp(`^[${IDENTIFIER_CHARS}]*`, 'u');
const SURROGATE = /[\uD800-\uDFFF]/;

/** Number of characters (code points) of `s`: one keystroke each. */
export function charCount(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** UTF-16 length of the first `k` characters (code points) of `s`. */
export function prefixLength(s: string, k: number): number {
  let i = 0;
  for (let c = 0; c < k && i < s.length; c++) {
    const code = s.charCodeAt(i);
    i += code >= 0xd800 && code <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  return i;
}

/** True when a whole run of word characters is a word the simulation asks about (and a
 *  baseline may suggest): starts with a letter, `_` or `$`, and has at least 2 characters. */
export function isCompletionWord(run: string): boolean {
  return run.length >= 2 && WORD_START.test(run) && (run.length > 2 || charCount(run) >= 2);
}

/** The leading run of word characters of `s` (for ghost text: the part that completes the word). */
export function leadingWordChars(s: string): string {
  return (WORD_CHARS.exec(s) as RegExpExecArray)[0];
}

/** Every word occurrence of `text` with length ≥ 2, in order. */
export function findWords(text: string): { start: number; word: string }[] {
  const found: { start: number; word: string }[] = [];
  for (const m of text.matchAll(WORD_PATTERN)) {
    if (isCompletionWord(m[0])) found.push({ start: m.index as number, word: m[0] });
  }
  return found;
}
