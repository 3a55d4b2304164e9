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
  const mask = new Uint8Array(text.length);
  const python = family === 'python';
  const lineComment = python ? '#' : '//';
  // A Rust `'` starts a lifetime as often as a character literal.
  const quotes = python ? ['"""', "'''", '"', "'"] : family === 'rust' ? ['"'] : ['"', "'", '`'];
  let i = 0;
  while (i < text.length) {
    let end: number;
    if (text.startsWith(lineComment, i)) {
      end = text.indexOf('\n', i);
      if (end < 0) end = text.length;
    } else if (!python && text.startsWith('/*', i)) {
      end = text.indexOf('*/', i + 2);
      end = end < 0 ? text.length : end + 2;
    } else {
      const q = quotes.find((x) => text.startsWith(x, i));
      if (!q) {
        i++;
        continue;
      }
      let j = i + q.length;
      let closed = false;
      while (j < text.length) {
        if (text.startsWith(q, j)) {
          closed = true;
          break;
        }
        if (q.length === 1 && q !== '`' && text[j] === '\n') break;
        j += text[j] === '\\' ? 2 : 1;
      }
      end = Math.min(text.length, closed ? j + q.length : j);
    }
    mask.fill(1, i, end);
    i = end;
  }
  return mask;
}

/** True when the end of `linePrefix` (the current line up to the cursor) is in a comment or a string,
 *  or the line continues a block comment (` * …`). */
export function inCommentOrString(family: CodeFamily, linePrefix: string): boolean {
  if (family !== 'python' && /^\s*\*/.test(linePrefix)) return true;
  if (!linePrefix) return false;
  return commentAndStringMask(family, linePrefix)[linePrefix.length - 1] === 1;
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
