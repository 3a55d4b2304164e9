// "No row for a word the file's language cannot contain": in code, Recurrent offers a word only if
// the code of the file's language contains it (media/languageWords, see
// src/engine/text/languageWords.ts), or the file itself or another open file of that language does
// (a project's own names), or the workspace's files do (the project memory marks such items
// `inProject`). In comments and strings, in prose and in languages we have no words of,
// every word may be offered.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { CompletionResult } from '../engine/runtime/protocol';
import { CodeFamily, codeFamilyOfLanguageId, containsWord, inCommentOrString } from '../engine/text/languageWords';

const gunzip = promisify(zlib.gunzip);

export class LanguageWordFilter {
  private readonly sets = new Map<CodeFamily, Promise<ReadonlySet<string> | undefined>>();

  constructor(private readonly dir: string, private readonly log: vscode.LogOutputChannel) {}

  /** The test for words at `position`, or undefined when any word may go there. */
  async allowsAt(document: vscode.TextDocument, position: vscode.Position): Promise<((word: string) => boolean) | undefined> {
    const family = codeFamilyOfLanguageId(document.languageId);
    if (!family || inCommentOrString(family, document.lineAt(position.line).text.slice(0, position.character))) return undefined;
    const words = await this.words(family);
    if (!words) return undefined;
    let texts: string[] | undefined;
    return (word) => {
      if (words.has(word)) return true;
      // Read the documents only for the rare word the language's list lacks.
      texts ??= [document, ...vscode.workspace.textDocuments.filter((d) => d !== document && codeFamilyOfLanguageId(d.languageId) === family)].map((d) => d.getText());
      return texts.some((t) => containsWord(t, word));
    };
  }

  /** The family's words, read once (off the extension host's thread: file read and gunzip are async). */
  private words(family: CodeFamily): Promise<ReadonlySet<string> | undefined> {
    let set = this.sets.get(family);
    if (!set) {
      set = fs.readFile(path.join(this.dir, `${family}.txt.gz`)).then(gunzip).then(
        (text) => new Set(text.toString('utf8').split('\n').filter(Boolean)),
        (e: Error) => {
          this.log.warn(`[completion] no word list for ${family}: ${e.message}; offering every word`);
          return undefined;
        },
      );
      this.sets.set(family, set);
    }
    return set;
  }
}

/** `allows`, and also every word the engine found in the workspace's files. */
export function allowingProjectWords(result: CompletionResult, allows: (word: string) => boolean): (word: string) => boolean {
  const project = new Set(result.items.filter((i) => i.inProject).map((i) => i.word));
  return (word) => project.has(word) || allows(word);
}
