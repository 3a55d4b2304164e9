// The contract between the typing simulation and anything that suggests words: the neural
// engine (plugged in by the CLI) and the baselines of this folder.
import { DocumentWords, TypedDocumentWords } from '../text/documentWords';
import { findWords } from '../text/words';

/** A word-completion system as the simulation drives it, one document at a time. */
export interface CompletionSystem {
  readonly name: string;
  /** A new file starts (text before the cursor is empty). */
  startFile(path: string): void | Promise<void>;
  /** Ranked candidate words (best first, at most `limit`) for the word being typed at the end of
   *  `textBeforeCursor`, whose typed part is `typed` (may be ""). Only text before the cursor exists. */
  rank(textBeforeCursor: string, typed: string, limit: number): string[] | Promise<string[]>;
  /** Optional inline ghost text (the rest of the current word, possibly more) or "". */
  inline?(textBeforeCursor: string): string | Promise<string>;
  /** Session simulation: a new project starts (it has no saved files yet). */
  startProject?(): void | Promise<void>;
  /** Session simulation: a file of the project is saved whole (after it was typed), for what follows. */
  addProjectFile?(path: string, text: string): void | Promise<void>;
}

/** A baseline over the words of the document so far and, in a session, of the project's saved files. */
export abstract class DocumentWordsSystem implements CompletionSystem {
  abstract readonly name: string;
  protected readonly words = new TypedDocumentWords();
  protected project = new DocumentWords();

  startFile(_path: string): void {
    this.words.reset();
  }

  startProject(): void {
    this.project = new DocumentWords();
  }

  addProjectFile(_path: string, text: string): void {
    for (const { word } of findWords(text)) this.project.add(word);
  }

  abstract rank(textBeforeCursor: string, typed: string, limit: number): string[];
}
