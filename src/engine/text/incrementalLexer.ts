// Word tokens of the text before the cursor (runs of word characters, single other characters, "\n" for
// whitespace holding a line break), lexed incrementally as it grows: the document caches' tokens.
import { IDENTIFIER_CHARS } from './identifier';

const TOKEN = new RegExp(`([${IDENTIFIER_CHARS}]+)|(\\s+)|[^]`, 'uy');
/** Token that stands for a run of whitespace holding a line break. */
export const NEWLINE = '\n';
/** How much of the consumed text is compared to recognise that a new text continues it. */
const TAIL_CHECK = 1024;

/** Receives the tokens of one document in order; `reset` starts the document over. */
export interface TokenSink {
  reset(): void;
  /** `offset`: where the token starts in the text (UTF-16 units). */
  token(token: string, offset: number): void;
}

/** Every token of `text`, including a trailing word or whitespace run. */
export function lexTokens(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    if (m[2] === undefined) tokens.push(m[0]);
    else if (m[2].includes('\n')) tokens.push(NEWLINE);
  }
  return tokens;
}

/**
 * Feeds a sink the final tokens of a growing text. A run of word characters or whitespace that
 * touches the end of the text may still grow, so it stays pending (`pending`) until something
 * follows it. When a text does not continue the previous one, the sink is reset and the text
 * is lexed from the start. Continuation is recognised by the consumed length and its last
 * 1,024 characters (checking the whole prefix at every keystroke would cost O(length)); an
 * edit further back goes unnoticed, so callers that edit old text must call `reset`.
 */
export class IncrementalLexer {
  private consumedLength = 0;
  private tail = '';
  private pendingText = '';

  constructor(private readonly sink: TokenSink) {}

  /** Length of the text whose tokens were delivered. */
  get consumed(): number {
    return this.consumedLength;
  }

  /** The unfinished run at the end of the text: the word being typed, or whitespace, or "". */
  get pending(): string {
    return this.pendingText;
  }

  /** True when the pending text is whitespace holding a line break (a "\n" token to come);
   *  a pending word run never holds one. */
  get pendingNewline(): boolean {
    return this.pendingText.includes('\n');
  }

  /** Starts over with an empty document. */
  reset(): void {
    this.consumedLength = 0;
    this.tail = '';
    this.pendingText = '';
    this.sink.reset();
  }

  /** Brings the sink up to date with `text`. */
  update(text: string): void {
    if (!this.continues(text)) this.reset();
    let pos = this.consumedLength;
    TOKEN.lastIndex = pos;
    for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
      const end = pos + m[0].length;
      if (end === text.length && (m[1] !== undefined || m[2] !== undefined)) break;
      if (m[2] === undefined) this.sink.token(m[0], pos);
      else if (m[2].includes('\n')) this.sink.token(NEWLINE, pos);
      pos = end;
    }
    if (pos !== this.consumedLength) {
      this.tail = text.slice(Math.max(0, pos - TAIL_CHECK), pos);
      this.consumedLength = pos;
    }
    this.pendingText = text.slice(pos);
  }

  private continues(text: string): boolean {
    return text.length >= this.consumedLength && text.startsWith(this.tail, this.consumedLength - this.tail.length);
  }
}
