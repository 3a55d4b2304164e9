// "No row for a word the file's language cannot contain": in code, completion offers a word only if
// the code of the file's language contains it (media/languageWords, see text/languageWords), or the
// user's own code does: the code (not the comments and strings) of the document, of another open one
// of its family, or of the workspace's files of its family (the project memory), which hold the
// project's own names; a word of a comment's prose is no name of the project. In comments and
// strings, in prose and in languages we have no words of, every word may be offered. A word dropped
// from the list makes room for the next one; a word only the user's code has must rank among the
// list's length before anything is dropped (chosen when every word of the user's text counted and
// such words deeper down were mostly the comments' and the docs' prose; kept as a margin).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { CodeFamily, codeFamilyOf } from '../text/languageWords';
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
 * The test for words completing a `language` file's text at a cursor in code, or in a comment or a
 * string (`inCommentOrString`: DocumentCache.endsInCommentOrString), for a list `length` long; undefined
 * when any word may go there. `seenInCode` tells whether the user's own code of the family has the word.
 */
export function languageFilter(lists: LanguageWordLists, language: Language, inCommentOrString: boolean, length: number, seenInCode: (word: string, family: CodeFamily) => boolean): WordTest | undefined {
  const family = codeFamilyOf(language);
  if (!family || inCommentOrString) return undefined;
  const words = lists.words(family);
  return words && ((word, rank) => words.has(word) || (rank < length && seenInCode(word, family)));
}
