// Completion options' defaults, the one place the code sets them: the extension's settings (whose
// defaults in package.json must match, see test/unit/defaults.test.ts), the CLI, the search, simulate
// and bench all start from them.
import { CompleteOptions } from './protocol';

export function defaultCompleteOptions(): CompleteOptions {
  return { maxItems: 8, inlineMinProbability: 0.5, inlineNextWords: false, languageWordsOnly: true };
}
