import { strict as assert } from 'node:assert';
import { lexTokens } from '../../../../src/engine/text/incrementalLexer';
import { BOS, modifiedDiscounts } from '../../../../src/engine/ngram/ngramEstimate';
import { NgramModel } from '../../../../src/engine/ngram/ngramModel';
import { IDENTIFIER } from '../../../../src/engine/text/identifier';
import { isCompletionWord } from '../../../../src/engine/text/words';

const corpus = [
  'the cat sat on the mat.\nthe dog sat on the log.',
  'a cat and a dog.\nthe cat sat',
  'the the the cat; if (cat) { return cat.sat(); }',
  'San Francisco is in California. San Francisco has a bay. San Francisco.',
];

/**
 * Interpolated modified Kneser–Ney written the plain way (Chen & Goodman 1998): every n-gram in a
 * Map, γ from the discounts (D1·N1 + D2·N2 + D3·N3+)/A rather than the model's 1 − Σα.
 */
function reference(texts: string[], n: number, discounts: readonly (readonly number[])[]) {
  const raw = new Map<string, number>();
  const left = new Map<string, Set<string>>();
  const vocab = new Set<string>(['<unk>']);
  for (const text of texts) {
    const toks = [...Array(n - 1).fill(BOS), ...lexTokens(text)];
    for (let i = n - 1; i < toks.length; i++) {
      vocab.add(toks[i]);
      for (let j = 1; j <= n; j++) {
        const g = toks.slice(i - j + 1, i + 1);
        const key = g.join(' ');
        raw.set(key, (raw.get(key) ?? 0) + 1);
        if (j < n) {
          const ext = left.get(key) ?? new Set();
          ext.add(toks[i - j]);
          left.set(key, ext);
        }
      }
    }
  }
  const adjusted = (g: string[]) => {
    const key = g.join(' ');
    if (g.length === n || g[0] === BOS) return raw.get(key) ?? 0;
    return left.get(key)?.size ?? 0;
  };
  const D = (j: number, a: number) => (a === 0 ? 0 : discounts[j - 1][Math.min(a, 3) - 1]);
  const words = [...vocab];
  const p = (ctx: string[], w: string): number => {
    const j = ctx.length + 1;
    let A = 0;
    let dsum = 0;
    for (const v of words) {
      const a = adjusted([...ctx, v]);
      A += a;
      dsum += D(j, a);
    }
    const lower = j === 1 ? 1 / words.length : p(ctx.slice(1), w);
    if (A === 0) return lower;
    const a = adjusted([...ctx, w]);
    return Math.max(a - D(j, a), 0) / A + (dsum / A) * lower;
  };
  return { words, prob: (history: string[], w: string) => p([...Array(n - 1).fill(BOS), ...history].slice(-(n - 1)), w) };
}

describe('ngram/ngramModel', () => {
  it('computes modified KN discounts from counts-of-counts', () => {
    // n1 = 4, n2 = 2, n3 = 1, n4 = 1: Y = 4 / (4 + 2·2) = 0.5
    const close = (a: number[], b: number[]) => a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 1e-12, `${a} vs ${b}`));
    close(modifiedDiscounts([1, 1, 1, 1, 2, 2, 3, 4, 7]), [0.5, 1.25, 1]);
    // Out-of-range values (no n3 makes D2 = 2, D3+ undefined) fall back to k / 2.
    close(modifiedDiscounts([1, 1, 2, 2]), [1 / 3, 1, 1.5]);
  });

  it('matches a bigram model computed by hand', () => {
    // BOS a b | BOS a b | BOS b a: bigram counts (BOS a) 2, (a b) 2, (BOS b) 1, (b a) 1 → D1 = 1/3;
    // D2 falls back to 1. Unigram continuation counts a 2, b 2, <unk> 0 → D2 = 1 (fallback):
    // P1(a) = P1(b) = (2 − 1)/4 + 0.5/3 = 5/12, P1(<unk>) = 1/6.
    const m = NgramModel.train(['a b', 'a b', 'b a'], { order: 2, minCount: 1, pruneBelow: 1 });
    assert.deepEqual(m.vocabulary.toArray(), ['<s>', '<unk>', 'a', 'b']);
    const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-6, `${x} vs ${y}`);
    close(m.prob(['a'], 'b'), (2 - 1) / 2 + 0.5 * (5 / 12));
    close(m.prob(['a'], 'a'), 0.5 * (5 / 12));
    close(m.prob([], 'a'), (2 - 1) / 3 + (4 / 9) * (5 / 12)); // after BOS: (BOS a) 2, (BOS b) 1
    close(m.prob(['b'], 'a'), (1 - 1 / 3) + (1 / 3) * (5 / 12));
    close(m.prob(['zzz'], 'a'), 5 / 12); // <unk> never seen as a context: unigram
    close(m.prob(['a'], BOS), 0);
  });

  for (const order of [3, 4]) {
    it(`order ${order}: equals the reference and sums to 1 over the vocabulary`, () => {
      const m = NgramModel.train(corpus, { order, minCount: 1, pruneBelow: 1 });
      const ref = reference(corpus, order, m.discounts);
      assert.deepEqual([...m.vocabulary.toArray()].slice(1).sort(), [...ref.words].sort());
      const histories = [[], ['the'], ['the', 'cat'], ['San'], ['San', 'Francisco'], ['.', '\n'], ['sat', 'on', 'the'], ['nope', 'the']];
      for (const h of histories) {
        let sum = 0;
        for (const w of m.vocabulary.toArray()) {
          const p = m.prob(h, w);
          sum += p;
          if (w !== BOS) assert.ok(Math.abs(p - ref.prob(h, w)) < 1e-6, `P(${w} | ${h}) ${p} vs ${ref.prob(h, w)}`);
        }
        assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum} after ${JSON.stringify(h)}`);
      }
    });
  }

  it('discounts: Francisco is frequent but follows only San, so KN gives it a low unigram', () => {
    const m = NgramModel.train(corpus, { order: 3, minCount: 1, pruneBelow: 1 });
    const after = (h: string[]) => m.vocabulary.toArray().slice(1).sort((a, b) => m.prob(h, b) - m.prob(h, a))[0];
    assert.equal(after(['.', 'San']), 'Francisco');
    assert.ok(m.prob(['.', 'San'], 'Francisco') > 10 * m.prob(['nope'], 'Francisco'));
    // Unigram level (a context never seen): Francisco (3 occurrences, 1 left context) is below
    // cat (5 occurrences, 4 left contexts) and no higher than 'bay' (1 occurrence).
    assert.ok(m.prob(['nope'], 'Francisco') < m.prob(['nope'], 'cat'));
    assert.ok(m.prob(['nope'], 'Francisco') <= m.prob(['nope'], 'bay') + 1e-12);
  });

  it('pruned singletons move their mass to the lower orders, still summing to 1', () => {
    const full = NgramModel.train(corpus, { minCount: 1, pruneBelow: 1 });
    const pruned = NgramModel.train(corpus, { minCount: 1, pruneBelow: 2 });
    // (on the mat) was seen once: pruned, its trigram mass is gone; (sat on the) twice: kept.
    assert.ok(pruned.prob(['on', 'the'], 'mat') < full.prob(['on', 'the'], 'mat'));
    for (const h of [['on', 'the'], ['the', 'cat'], []]) {
      const sum = pruned.vocabulary.toArray().reduce((s, w) => s + pruned.prob(h, w), 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum}`);
    }
  });

  for (const order of [3, 4]) {
    it(`order ${order}: pruning the lower orders too keeps every distribution summing to 1`, () => {
      const full = NgramModel.train(corpus, { order, minCount: 1, pruneBelow: 1 });
      const pruned = NgramModel.train(corpus, { order, minCount: 1, pruneBelow: 2, pruneLowerBelow: 2 });
      // (the log) was seen once: gone from the bigrams, its mass moved to the unigram.
      assert.ok(pruned.prob(['nope', 'the'], 'log') < full.prob(['nope', 'the'], 'log'));
      // (sat on the) was seen twice: it and its contexts are kept.
      assert.ok(pruned.prob(['cat', 'sat', 'on'], 'the') > 0.5, `${pruned.prob(['cat', 'sat', 'on'], 'the')}`);
      for (const h of [[], ['the'], ['sat', 'on'], ['on', 'the'], ['San', 'Francisco'], ['.', '\n'], ['nope', 'the']]) {
        const sum = pruned.vocabulary.toArray().reduce((s, w) => s + pruned.prob(h, w), 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum} after ${JSON.stringify(h)}`);
      }
    });
  }

  it('total() is the probability of every completion word in the scored range', () => {
    const m = NgramModel.train(corpus, { minCount: 1, pruneBelow: 1 });
    for (const [history, prefix] of [[['the'], 'c'], [['San'], ''], [['sat', 'on'], 'S'], [[], 'zz']] as const) {
      const [lo, hi] = m.prefixRange(prefix);
      const scores = m.score(history.map((t) => m.id(t)), lo, hi);
      let expected = 0;
      for (let id = lo; id < hi; id++) if (isCompletionWord(m.vocabulary.token(id))) expected += scores.prob(id);
      assert.ok(Math.abs(scores.total() - expected) < 1e-12, `${history}|${prefix}: ${scores.total()} vs ${expected}`);
    }
  });

  it('rare tokens become <unk>', () => {
    const m = NgramModel.train(corpus, { minCount: 2 });
    assert.ok(m.vocabulary.toArray().includes('cat') && !m.vocabulary.toArray().includes('California'));
    assert.equal(m.id('California'), m.id('<unk>'));
    assert.equal(m.knownId('California'), -1);
  });

  it('finds prefix ranges and the exact best words without scoring the whole vocabulary', () => {
    const m = NgramModel.train(corpus, { minCount: 1 });
    const [lo, hi] = m.prefixRange('ca');
    assert.deepEqual(m.vocabulary.toArray().slice(lo, hi), ['cat']);
    assert.deepEqual(m.prefixRange('zz')[1] - m.prefixRange('zz')[0], 0);
    for (const prefix of ['', 's', 'S', 'c', 'th', 'Fr']) {
      for (const h of [[], ['the'], ['San'], ['the', 'cat'], ['a', 'cat', 'and'], ['return', 'cat', '.']]) {
        const [a, b] = m.prefixRange(prefix);
        const ids = h.map((t) => m.id(t));
        const exclude = m.knownId(prefix);
        const got = m.score(ids, a, b).top(3, exclude);
        const brute = m.vocabulary.toArray()
          .map((w, id) => ({ id, w, p: m.prob(h, w) }))
          .filter(({ id, w }) => id >= a && id < b && id !== exclude && w.length > 1 && IDENTIFIER.test(w))
          .sort((x, y) => y.p - x.p)
          .slice(0, 3);
        assert.deepEqual(got.probs.map((p) => p.toFixed(9)), brute.map((x) => x.p.toFixed(9)), `${prefix} | ${h}`);
      }
    }
  });
});
