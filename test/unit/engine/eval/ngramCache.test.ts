import { strict as assert } from 'node:assert';
import { lexTokens } from '../../../../src/engine/text/incrementalLexer';
import { defaultNgramCacheOptions, NgramCache } from '../../../../src/engine/eval/ngramCache';
import { NgramModel } from '../../../../src/engine/ngram/ngramModel';
import { identifierTail } from '../../../../src/engine/text/identifier';
import { isCompletionWord } from '../../../../src/engine/text/words';

const training = [
  'function add(a, b) {\n  return a + b;\n}\n',
  'function sub(a, b) {\n  return a - b;\n}\nconst value = add(1, 2);\n',
  'const result = sub(value, 1);\nconsole.log(result);\nconsole.log(value);\n',
  'for (const item of items) {\n  console.log(item);\n}\n',
];
const model = NgramModel.train(training, { minCount: 1 });

/** The cache mixture of the ngram-cache baseline (docs/architecture.md §5), computed from scratch for every candidate. */
function bruteForce(before: string, typed: string, limit: number): { word: string; p: number }[] {
  const { unigramPrior, bigramPrior } = defaultNgramCacheOptions();
  const committed = before.slice(0, before.length - typed.length);
  const tokens = lexTokens(committed);
  const last = tokens[tokens.length - 1];
  // The cache holds final tokens: a line break in trailing whitespace is history, not yet counted.
  const cached = /\s*$/.exec(committed)![0].includes('\n') ? tokens.slice(0, -1) : tokens;
  const n = cached.length;
  const count = (w: string) => cached.filter((t) => t === w).length;
  const follows = cached.flatMap((t, i) => (i > 0 && cached[i - 1] === last ? [t] : []));
  const c = follows.length;
  const cb = (w: string) => follows.filter((t) => t === w).length;
  const lu = n / (n + unigramPrior);
  const lb = c / (c + bigramPrior);
  const candidates = new Set([...model.vocabulary.toArray().slice(2), ...cached].filter((w) => isCompletionWord(w) && w.startsWith(typed) && w !== typed));
  return [...candidates]
    .map((word) => {
      const pKN = model.knownId(word) < 0 ? 0 : model.prob(tokens, word);
      const p = (c ? (lb * cb(word)) / c : 0) + (1 - lb) * ((n ? (lu * count(word)) / n : 0) + (1 - lu) * pKN);
      return { word, p };
    })
    .sort((a, b) => b.p - a.p)
    .slice(0, limit);
}

describe('ngram/ngramCache', () => {
  const file = 'const total = add(count, 2);\nconsole.log(total);\nconst count = sub(total, count);\nconsole.log(count);\n';

  it('ranks every position like the mixture computed from scratch', () => {
    const s = new NgramCache(model);
    s.startFile('f');
    for (let i = 0; i <= file.length; i++) {
      const before = file.slice(0, i);
      const typed = identifierTail(before);
      const want = bruteForce(before, typed, 5);
      const got = s.rank(before, typed, 5);
      assert.equal(got.length, want.length, `at ${i}`);
      // Compare scores (ties may order equal words either way).
      const score = new Map(bruteForce(before, typed, 1e9).map(({ word, p }) => [word, p]));
      got.forEach((w, r) => assert.ok(Math.abs((score.get(w) ?? -1) - want[r].p) < 1e-9, `at ${i} rank ${r}: ${w}`));
    }
  });

  it('learns the file: a new identifier becomes the top suggestion where it recurs', () => {
    const s = new NgramCache(model);
    s.startFile('f');
    const text = 'const widgetCount = 3;\nconsole.log(widgetCount);\nconsole.log(widgetCount);\nconsole.log(w';
    assert.equal(model.knownId('widgetCount'), -1);
    assert.deepEqual(s.rank(text, 'w', 3)[0], 'widgetCount');
    s.startFile('g');
    assert.ok(!s.rank('console.log(w', 'w', 10).includes('widgetCount'));
  });

  it('never offers the typed word, only words, and answers at k = 0 from the model', () => {
    const s = new NgramCache(model);
    s.startFile('f');
    const ranked = s.rank('function add(a, b) {\n  ', '', 10);
    assert.equal(ranked[0], 'return');
    assert.ok(ranked.every((w) => isCompletionWord(w)));
    assert.ok(!s.rank('const value = value', 'value', 10).includes('value'));
  });
});
