// Completion options shared by the extension's settings and the CLI.
import { CompleteOptions } from './protocol';

export function defaultCompleteOptions(): CompleteOptions {
  return { maxItems: 8, inlineMinProbability: 0.5, inlineNextWords: false };
}
