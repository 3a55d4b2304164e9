// Which words the code of a language can contain. The word memory and the network learned from
// prose and from many languages at once, so in a Rust file they can offer `Catherine` (English
// prose) or in TypeScript `self` and `struct` (Python's and C's). A language's words are those seen
// in its code (outside comments and strings) in the training text, less those far more typical of
// another language; scripts/research/buildLanguageWords.ts writes them to media/languageWords/.

import { Language, languageOfId, languageOfPath } from '../tokenizer/language';

/** Languages whose code shares its words: a TypeScript file may use every JavaScript name. */
export type CodeFamily = 'jsts' | 'python' | 'go' | 'rust' | 'java' | 'c';

export const CODE_FAMILIES: readonly CodeFamily[] = ['jsts', 'python', 'go', 'rust', 'java', 'c'];

// The model's languages already join TypeScript with JavaScript and C with C++ (tokenizer/language).
const FAMILY_OF_LANGUAGE: Partial<Record<Language, CodeFamily>> = { typescript: 'jsts', python: 'python', go: 'go', rust: 'rust', java: 'java', c: 'c' };

/** The family of a language; undefined for prose, data and languages we have no words of. */
export function codeFamilyOf(language: Language): CodeFamily | undefined {
  return FAMILY_OF_LANGUAGE[language];
}

/** The family of a VS Code language id. */
export function codeFamilyOfLanguageId(languageId: string): CodeFamily | undefined {
  return codeFamilyOf(languageOfId(languageId));
}

/** The family of a file by its extension (for the corpus, which has no language ids). */
export function codeFamilyOfPath(path: string): CodeFamily | undefined {
  return codeFamilyOf(languageOfPath(path));
}

/**
 * Per UTF-16 unit of `text`, 1 inside a comment or a string literal, as a rough lexer of the
 * family sees them (no regex literals, no nesting). Good enough to count words and to tell whether
 * the cursor is in a comment; never used to change text.
 */
export function commentAndStringMask(family: CodeFamily, text: string): Uint8Array {
  return scanCommentsAndStrings(family, text).mask;
}

/**
 * commentAndStringMask of a text read in parts: `open` is what the part before left open (its
 * result's `open`: the closing delimiter of the comment or string it ended in, '\n' for a line
 * comment, '' in code). Parts cut just after a line feed mask as the whole text does.
 */
export function scanCommentsAndStrings(family: CodeFamily, text: string, open = '', reuse?: Uint8Array): { mask: Uint8Array; open: string } {
  // A caller that scans piece after piece lends one buffer (then the mask may be longer than text).
  const mask = reuse && reuse.length >= text.length ? reuse.fill(0, 0, text.length) : new Uint8Array(text.length);
  const python = family === 'python';
  const lineComment = python ? '#' : '//';
  // A Rust `'` starts a lifetime as often as a character literal.
  const quotes = python ? ['"""', "'''", '"', "'"] : family === 'rust' ? ['"'] : ['"', "'", '`'];
  const opening = (i: number) => text.startsWith(lineComment, i) ? '\n' : !python && text.startsWith('/*', i) ? '*/' : quotes.find((q) => text.startsWith(q, i)) ?? '';
  // The units a delimiter can start with: only there is `opening` asked (a third of the scan's time otherwise).
  const starts = new Set([lineComment, ...quotes, '/'].map((d) => d.charCodeAt(0)));
  let close = open;
  // The span being read starts at `start`; its body (after the opening delimiter) at `from`.
  let start = 0;
  let from = 0;
  for (;;) {
    if (close) {
      let end: number;
      let ended = true;
      if (close === '\n' || close === '*/') {
        end = text.indexOf(close, from);
        if (end < 0) [end, ended] = [text.length, false];
        else if (close === '*/') end += 2;
      } else {
        let j = from;
        ended = false;
        while (j < text.length) {
          if (text.charCodeAt(j) === close.charCodeAt(0) && text.startsWith(close, j)) {
            j += close.length;
            ended = true;
            break;
          }
          // An unterminated one-line string ends at the line break.
          if (close.length === 1 && close !== '`' && text[j] === '\n') {
            ended = true;
            break;
          }
          j += text[j] === '\\' ? 2 : 1;
        }
        end = Math.min(text.length, j);
      }
      mask.fill(1, start, end);
      if (!ended) return { mask, open: close };
      start = end;
    }
    while (start < text.length && !(starts.has(text.charCodeAt(start)) && (close = opening(start)))) start++;
    if (start >= text.length) return { mask, open: '' };
    from = start + (close === '\n' ? lineComment.length : close === '*/' ? 2 : close.length);
  }
}

/**
 * Which units of a growing text are code (see scanCommentsAndStrings), asked at increasing offsets
 * as the text grows (the document cache's tokens): each finished line is scanned once, the line
 * being asked about once per text. A unit's answer never depends on what follows it on its line
 * past the word it starts, so asking before the line is finished answers as the whole text would.
 */
export class CodePositions {
  /** Start of the first line not scanned for good, and what was open there. */
  private lineStart = 0;
  private open = '';
  /** The mask of that line in the current text (from lineStart to its line feed or the text's end). */
  private line?: Uint8Array;
  private text = '';

  constructor(readonly family: CodeFamily) {}

  /** Starts over at the text's start (the text asked about stays). */
  reset(): void {
    this.lineStart = 0;
    this.open = '';
    this.line = undefined;
  }

  /** The text now asked about: it continues the last one up to every offset asked before. */
  see(text: string): void {
    this.text = text;
    this.line = undefined;
  }

  /** Whether the unit at `offset` (no lower than the offsets asked before) is code. */
  inCode(offset: number): boolean {
    this.scanLinesBefore(offset);
    if (!this.line) {
      const end = this.text.indexOf('\n', this.lineStart);
      this.line = scanCommentsAndStrings(this.family, this.text.slice(this.lineStart, end < 0 ? this.text.length : end + 1), this.open).mask;
    }
    return this.line[offset - this.lineStart] !== 1;
  }

  /**
   * Whether the text ends inside a comment or a string (the cursor, at its end, is in one: a line
   * of a docstring or a block comment too); `final`: an offset no lower than those asked before,
   * up to which the text will not change (the document cache's lexer's consumed length).
   */
  endsInCommentOrString(final: number): boolean {
    this.scanLinesBefore(final);
    return scanCommentsAndStrings(this.family, this.text.slice(this.lineStart), this.open).open !== '';
  }

  /** Scans for good the lines that end before `offset`. */
  private scanLinesBefore(offset: number): void {
    const text = this.text;
    for (let end = text.indexOf('\n', this.lineStart); end >= 0 && end < offset; end = text.indexOf('\n', this.lineStart)) {
      this.open = scanCommentsAndStrings(this.family, text.slice(this.lineStart, end + 1), this.open).open;
      this.lineStart = end + 1;
      this.line = undefined;
    }
  }
}

const CODE_WORD = /(?<![\p{L}\p{N}_$])[\p{L}_$][\p{L}\p{N}_$]+/gu;

/** Adds the occurrences of the words (≥ 2 characters) of the code of `text` to `counts`. */
export function countCodeWords(family: CodeFamily, text: string, counts: Map<string, number>): void {
  const mask = commentAndStringMask(family, text);
  for (const m of text.matchAll(CODE_WORD)) {
    if (!mask[m.index as number]) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
}

export interface LanguageWordRule {
  /** A word must occur at least this often in the family's code. */
  readonly minCount: number;
  /** …and its rate (per word of code) may be at most this many times lower than in another family. */
  readonly maxForeignRatio: number;
}

export const defaultLanguageWordRule: LanguageWordRule = { minCount: 2, maxForeignRatio: 50 };

/** Each family's words by the rule, sorted, from per-family word counts of code. */
export function selectLanguageWords(counts: ReadonlyMap<CodeFamily, ReadonlyMap<string, number>>, rule = defaultLanguageWordRule): Map<CodeFamily, string[]> {
  const totals = new Map([...counts].map(([family, c]) => [family, [...c.values()].reduce((a, b) => a + b, 0) || 1]));
  const rate = (family: CodeFamily, word: string) => (counts.get(family)?.get(word) ?? 0) / (totals.get(family) ?? 1);
  const selected = new Map<CodeFamily, string[]>();
  for (const [family, c] of counts) {
    const words: string[] = [];
    for (const [word, n] of c) {
      if (n < rule.minCount) continue;
      const own = rate(family, word);
      let foreign = 0;
      for (const other of counts.keys()) if (other !== family) foreign = Math.max(foreign, rate(other, word));
      if (own * rule.maxForeignRatio >= foreign) words.push(word);
    }
    selected.set(family, words.sort());
  }
  return selected;
}
