import { strict as assert } from 'node:assert';
import { defaultCachePriors, DocumentCache } from '../../../../src/engine/runtime/documentCache';
import { DocumentState } from '../../../../src/engine/runtime/documentState';
import { LanguageModel } from '../../../../src/engine/runtime/languageModel';
import { cacheWeights } from '../../../../src/engine/text/cacheMixture';
import { identifierTail } from '../../../../src/engine/text/identifier';
import { lexTokens } from '../../../../src/engine/text/incrementalLexer';
import { CodeFamily, codeFamilyOfPath, commentAndStringMask } from '../../../../src/engine/text/languageWords';
import { isCompletionWord } from '../../../../src/engine/text/words';
import { sampleFiles } from '../../helpers/tinyModel';
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

  /** The code words of `text` but its last run (still being typed), counted from scratch. */
  function codeWords(family: CodeFamily, text: string): Map<string, number> {
    const mask = commentAndStringMask(family, text);
    const counts = new Map<string, number>();
    let at = 0;
    for (const token of lexTokens(text)) {
      at = text.indexOf(token, at);
      const end = at + token.length;
      if (end < text.length && isCompletionWord(token) && !mask[at]) counts.set(token, (counts.get(token) ?? 0) + 1);
      at = end;
    }
    return counts;
  }

  it('counts apart the words of code: a word of a comment or a string only is no code word', () => {
    const cache = new DocumentCache('jsts');
    cache.update('const total = 1; // Catherine wrote this\nlet s = "Captain" + `Mister ${total}`;\n/* Sincerely\n  yours */ total');
    assert.equal(cache.count('Catherine'), 1);
    for (const w of ['Catherine', 'wrote', 'Captain', 'Mister', 'Sincerely', 'yours']) assert.equal(cache.codeCount(w), 0, w);
    // The last `total` is still being typed; the template's is a string's.
    assert.equal(cache.codeCount('total'), 1);
    assert.equal(cache.codeCount('const'), 1);
    // A document of no code family keeps none.
    const prose = new DocumentCache();
    prose.update('const total = 1;\n');
    assert.equal(prose.count('total'), 1);
    assert.equal(prose.codeCount('total'), 0);
  });

  it('keeps the code words exact as the text grows a keystroke at a time, and read whole', () => {
    const files = sampleFiles().filter((f) => codeFamilyOfPath(f.path) && f.text.length > 3000).slice(0, 4);
    assert.ok(files.length === 4);
    for (const f of files) {
      const family = codeFamilyOfPath(f.path)!;
      const text = f.text.slice(0, 4000);
      const typed = new DocumentCache(family);
      for (let end = 1; end <= text.length; end++) typed.update(text.slice(0, end));
      const whole = new DocumentCache(family);
      whole.update(text);
      const expected = codeWords(family, text);
      assert.ok(expected.size > 20, f.path);
      for (const word of new Set([...expected.keys(), ...lexTokens(text)])) {
        assert.equal(typed.codeCount(word), expected.get(word) ?? 0, `${f.path}: ${word}`);
        assert.equal(whole.codeCount(word), expected.get(word) ?? 0, `${f.path}: ${word}`);
      }
    }
  });

  it('stays equal to a fresh cache through edits, including one that joins the last token read', async () => {
    const lm = await LanguageModel.load(await tinyModelDir());
    try {
      const state = new DocumentState(lm, 'let foo = bar;\nfoo(bar', { language: 'typescript' });
      const query = () => state.documentCache().query(identifierTail(state.text), defaultCachePriors(), 50);
      const expect = () => {
        assert.deepEqual(query(), fresh(state.text).query(identifierTail(state.text), defaultCachePriors(), 50), JSON.stringify(state.text));
        const code = codeWords('jsts', state.text);
        for (const w of lexTokens(state.text)) assert.equal(state.documentCache().codeCount(w), code.get(w) ?? 0, `${w} in ${JSON.stringify(state.text)}`);
      };
      expect();
      syncEdit(state, 0, 0, '// '); // the first line becomes a comment: its words are no code words
      expect();
      syncEdit(state, 0, 3, '');
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
