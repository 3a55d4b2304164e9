import { strict as assert } from 'node:assert';
import { defaultCachePriors, DocumentCache } from '../../../../src/engine/runtime/documentCache';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { cacheWeights } from '../../../../src/engine/text/cacheMixture';
import { identifierTail } from '../../../../src/engine/text/identifier';
import { tinyModelDir } from '../../helpers/tinyModel';
import { syncEdit } from '../../helpers/syncText';

describe('DocumentCache', function () {
  this.timeout(60_000);
  const priors = { unigramPrior: 10, bigramPrior: 3 };
  const fresh = (text: string) => {
    const cache = new DocumentCache();
    cache.update(text);
    return cache;
  };

  it('weighs the words that continue the typed one by their counts and by what followed the previous token', () => {
    // 23 tokens before 'ge' (this . get ( ) ; NEWLINE, three times, then this .); '.' was followed
    // by get, set and getAll.
    const cache = fresh('this.get();\nthis.set();\nthis.getAll();\nthis.ge');
    const w = cacheWeights(23, 3, priors);
    const q = cache.query('ge', priors, 10);
    assert.deepEqual(q.words.map((x) => x.word), ['get', 'getAll']);
    for (const x of q.words) assert.ok(Math.abs(x.weight - (w.bigram + w.unigram)) < 1e-12);
    assert.ok(Math.abs(q.total - 2 * (w.bigram + w.unigram)) < 1e-12);
    assert.equal(q.modelWeight, w.model);
    // After a line break the previous token is the line break, whether it was read or is pending.
    const u = cacheWeights(8, 1, priors);
    assert.deepEqual(fresh('alpha = 1\nbeta = 2\nal').query('al', priors, 10).words, [{ word: 'alpha', weight: u.unigram }]);
    assert.deepEqual(fresh('alpha = 1\nbeta = 2\n').query('', priors, 10).words.map((x) => x.word), ['beta', 'alpha']);
    // At most `limit` words, the total still over all of them.
    const many = fresh('aa ab ac ad ae a').query('a', priors, 2);
    assert.equal(many.words.length, 2);
    assert.ok(Math.abs(many.total - 5 * cacheWeights(5, 0, priors).unigram) < 1e-12);
  });

  it('stays equal to a fresh cache through edits, including one that joins the last token read', async () => {
    const lm = await LanguageModel.load(await tinyModelDir());
    try {
      const state = new DocumentState(lm, 'let foo = bar;\nfoo(bar');
      const query = () => state.documentCache().query(identifierTail(state.text), defaultCachePriors(), 50);
      const expect = () => assert.deepEqual(query(), fresh(state.text).query(identifierTail(state.text), defaultCachePriors(), 50), JSON.stringify(state.text));
      expect();
      syncEdit(state, 7, 0, 'd'); // "food": joins the word the lexer read, right where it stopped
      expect();
      syncEdit(state, state.length, 0, ', baz'); // typing on
      expect();
      syncEdit(state, 3, 1, ''); // an edit far back
      expect();
      state.replace(state.length - 2, ''); // backspace over the word being typed and what precedes it
      expect();
    } finally {
      await lm.dispose();
    }
  });

  it('reads a very long document from a window before the cursor', async () => {
    const lm = await LanguageModel.load(await tinyModelDir());
    try {
      const line = 'const value = compute(value);\n';
      const text = 'uniqueAtTheTop = 1;\n' + line.repeat(20_000) + 'uniq';
      const state = new DocumentState(lm, text);
      const q = state.documentCache().query('uniq', defaultCachePriors(), 10);
      assert.deepEqual(q.words, [], 'a word only far above the window is not in the cache');
      assert.ok(state.documentCache().query('val', defaultCachePriors(), 10).words.some((w) => w.word === 'value'));
    } finally {
      await lm.dispose();
    }
  });
});
