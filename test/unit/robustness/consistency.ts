// The invariants every completion must keep, whatever the text: the typed word is the identifier
// at the end of the text, and every suggestion is a whole identifier that continues it, ranked by
// a probability that makes sense.
import { strict as assert } from 'node:assert';
import { IDENTIFIER, IDENTIFIER_CHARS } from '../../../src/engine/text/identifier';

// A regex, not the engine's backward scan: the check stays independent of the code it checks.
const identifierTail = new RegExp(`[${IDENTIFIER_CHARS}]*$`, 'u');

type Result = { typed: string; items: readonly { word: string; probability: number }[] };

/** Every item continues the result's own typed word and is ranked by a sound probability. */
export function assertItemsContinue(result: Result, what = ''): void {
  const typed = result.typed;
  const where = () => `${what} -> ${JSON.stringify(result).slice(0, 400)}`;
  let previous = Infinity;
  let total = 0;
  for (const item of result.items) {
    assert.ok(item.word.startsWith(typed) && item.word.length > typed.length, `${item.word} does not continue ${typed}: ${where()}`);
    assert.match(item.word, IDENTIFIER, where());
    assert.ok(item.probability > 0 && item.probability <= previous + 1e-12, where());
    previous = item.probability;
    total += item.probability;
  }
  assert.ok(total <= 1 + 1e-6, where());
}

/** The result's typed word is the identifier ending the text before the cursor, and every item continues it. */
export function assertConsistent(textBeforeCursor: string, result: Result, what = ''): void {
  // The regex is quadratic in runs of identifier characters: apply it to the end of a long text.
  const tail = textBeforeCursor.slice(-256);
  let typed = identifierTail.exec(tail)![0];
  if (typed.length === tail.length) typed = identifierTail.exec(textBeforeCursor)![0];
  assert.equal(result.typed, typed, `${what} ${JSON.stringify(textBeforeCursor.slice(-40))} -> ${JSON.stringify(result).slice(0, 400)}`);
  assertItemsContinue(result, `${what} ${JSON.stringify(textBeforeCursor.slice(-40))}`);
}
