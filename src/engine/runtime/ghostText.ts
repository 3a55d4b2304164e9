// Ghost text past the current word: after the completed word, the model's most likely next tokens
// while it stays confident, up to the end of the line.
import { CompletionContext } from './documentState';
import { LanguageModel } from './languageModel';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text that most probably follows `completion` (the rest of the partial piece's word) in
 * `ctx`, token by token while each has at least `minProbability`; stops at a line break, after
 * `maxTokens`, or where the bytes so far do not end a whole character.
 */
export async function continueGhostText(lm: LanguageModel, ctx: CompletionContext, completion: string, minProbability: number, maxTokens = 8): Promise<string> {
  const ids = lm.tokenizer.encode(ctx.partial + completion);
  if (!ids.length) return '';
  let { predictions, state } = await lm.step(ids, 1, ctx.state);
  let logProbs = predictions[ids.length - 1].logProbs;
  const bytes: number[] = [];
  let text = '';
  for (let i = 0; i < maxTokens; i++) {
    let best = 0;
    for (let t = 1; t < logProbs.length; t++) if (logProbs[t] > logProbs[best]) best = t;
    const tokenBytes = lm.tokens.bytes[best];
    if (Math.exp(logProbs[best]) < minProbability || tokenBytes.length === 0 || tokenBytes.includes(10) || tokenBytes.includes(13)) break;
    bytes.push(...tokenBytes);
    try {
      text = strictUtf8.decode(Uint8Array.from(bytes));
    } catch {
      // A character split across tokens: wait for its other bytes.
    }
    ({ predictions, state } = await lm.step([best], 1, state));
    logProbs = predictions[0].logProbs;
  }
  return text;
}
