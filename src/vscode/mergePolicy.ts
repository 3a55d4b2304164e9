// Where Recurrent's words go in the suggest list that VS Code merges from every provider. VS Code
// sorts the merged list by how well each label matches the typed text, then by sortText across
// providers (microsoft/vscode#136898); every word here continues the typed text, so sortText
// decides. A word the model is confident about goes above the language service's items; the rest
// go after all of them, so a guess never buries the service's exact items (after a `.`, say).

export interface RankedWord {
  readonly word: string;
  readonly probability: number;
}

export interface PlacedWord extends RankedWord {
  readonly sortText: string;
  /** Selected when the list opens: only a confident first word takes the selection. */
  readonly preselect: boolean;
}

/** sortText sorts case-insensitively as a string: ' ' before the digits and letters language
 *  services use (the TypeScript service's start at "10"), U+FFFF after all of them. */
const ABOVE = ' ';
const BELOW = '\uffff';

/** The words to list, in the model's order, each with its sortText: words of at least `confidentProbability` go first. */
export function placeWords(words: readonly RankedWord[], confidentProbability: number): PlacedWord[] {
  return words.map((w, rank) => {
    const confident = w.probability >= confidentProbability;
    return { ...w, sortText: (confident ? ABOVE : BELOW) + String(rank).padStart(4, '0'), preselect: rank === 0 && confident };
  });
}
