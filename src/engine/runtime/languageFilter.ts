// "No row for a word the file's language cannot contain": in code, completion offers a word only if
// the code of the file's language contains it (media/languageWords, see text/languageWords), or the
// user's own text does: the document, another open one, or the workspace's files (the project
// memory), which hold the project's own names. In comments and strings, in prose and in languages we
// have no words of, every word may be offered. A word of the language dropped from the list makes
// room for the next one; a word only the user's text has must rank among the list's length before
// anything is dropped: deeper down such words are mostly the comments' and the docs' prose.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CodeFamily, codeFamilyOf, inCommentOrString } from '../text/languageWords';
import type { Language } from '../tokenizer/language';

export class LanguageWordLists {
  private readonly sets = new Map<CodeFamily, ReadonlySet<string> | undefined>();

  /** `dir` holds one `<family>.txt.gz` per family; `log` hears once of a list that cannot be read. */
  constructor(private readonly dir: string, private readonly log: (message: string) => void) {}

  /** The family's words, read at its first use (a few milliseconds, once); undefined if unreadable. */
  words(family: CodeFamily): ReadonlySet<string> | undefined {
    if (!this.sets.has(family)) {
      const file = path.join(this.dir, `${family}.txt.gz`);
      try {
        this.sets.set(family, new Set(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean)));
      } catch (e) {
        this.log(`[completion] no word list for ${family} (${file}): ${(e as Error).message}; offering every word`);
        this.sets.set(family, undefined);
      }
    }
    return this.sets.get(family);
  }
}

/** Whether a word at `rank` of the ranking (0: best; before any is dropped) may be listed. */
export type WordTest = (word: string, rank: number) => boolean;

/**
 * The test for words completing `lineBefore` (the cursor's line up to the cursor) in a `language`
 * file whose list is `length` long, or undefined when any word may go there. `seen` tells whether
 * the user's own text has the word.
 */
export function languageFilter(lists: LanguageWordLists, language: Language, lineBefore: string, length: number, seen: (word: string) => boolean): WordTest | undefined {
  const family = codeFamilyOf(language);
  if (!family || inCommentOrString(family, lineBefore)) return undefined;
  const words = lists.words(family);
  return words && ((word, rank) => words.has(word) || (rank < length && seen(word)));
}
