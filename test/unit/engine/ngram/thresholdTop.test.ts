import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { thresholdTop, type RankSource } from '../../../../src/engine/ngram/thresholdTop';

/** A source over explicit contributions (items missing from it contribute 0). */
function listSource(parts: Map<string, number>): RankSource {
  const sorted = [...parts].sort((a, b) => b[1] - a[1]);
  let pos = 0;
  return { bound: () => sorted[pos]?.[1] ?? 0, next: () => sorted[pos++]?.[0] };
}

describe('ngram/thresholdTop', () => {
  it('finds the same best scores as scoring every item', () => {
    const item = fc.constantFrom(...'abcdefghijklmnop'.split(''));
    const part = fc.array(fc.tuple(item, fc.integer({ min: 1, max: 50 })), { maxLength: 12 }).map((xs) => new Map(xs));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 6 }), (parts, limit) => {
        const score = (x: string) => parts.reduce((s, p) => s + (p.get(x) ?? 0), 0);
        const accept = (x: string) => x !== 'c';
        const got = thresholdTop(parts.map(listSource), score, accept, limit);
        const all = [...new Set(parts.flatMap((p) => [...p.keys()]))].filter(accept).map(score).sort((a, b) => b - a);
        assert.deepEqual(got.scores, all.slice(0, limit));
        got.items.forEach((x, i) => assert.equal(score(x), got.scores[i]));
      }),
      { numRuns: 300 },
    );
  });
});
