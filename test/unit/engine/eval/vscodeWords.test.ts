import { strict as assert } from 'node:assert';
import { VscodeWords } from '../../../../src/engine/eval/vscodeWords';
import { identifierTail } from '../../../../src/engine/text/identifier';

describe('eval/vscodeWords', () => {
  const doc = 'beta Zed alpha alphabet apple Apple a1 aB ab x\n';

  it('offers the distinct earlier words with the typed prefix (exact case), in code-unit order', () => {
    const s = new VscodeWords();
    s.startFile('f');
    assert.deepEqual(s.rank(doc + 'a', 'a', 10), ['a1', 'aB', 'ab', 'alpha', 'alphabet', 'apple']);
    assert.deepEqual(s.rank(doc + 'al', 'al', 10), ['alpha', 'alphabet']);
    assert.deepEqual(s.rank(doc + 'A', 'A', 10), ['Apple']);
  });

  it('offers nothing at k = 0, never the typed word itself, and respects the limit', () => {
    const s = new VscodeWords();
    s.startFile('f');
    assert.deepEqual(s.rank(doc, '', 10), []);
    assert.deepEqual(s.rank(doc + 'alpha', 'alpha', 10), ['alphabet']);
    assert.deepEqual(s.rank(doc + 'a', 'a', 2), ['a1', 'aB']);
  });

  it('sees only complete words before the cursor and forgets them on a new file', () => {
    const s = new VscodeWords();
    s.startFile('f');
    assert.deepEqual(s.rank('zebra zo', 'zo', 10), []);
    assert.deepEqual(s.rank('zebra zoo', 'z', 10), ['zebra']);
    assert.deepEqual(s.rank('zebra zoo z', 'z', 10), ['zebra', 'zoo']);
    s.startFile('g');
    assert.deepEqual(s.rank('zi', 'zi', 10), []);
    assert.deepEqual(s.rank('zip z', 'z', 10), ['zip']);
  });

  it('agrees with a fresh instance when the text is typed incrementally', () => {
    const text = 'const total = items.map(item => item.price).reduce(add, 0);\nreturn total;';
    const typed = new VscodeWords();
    typed.startFile('f');
    for (let i = 1; i <= text.length; i++) {
      const before = text.slice(0, i);
      const word = identifierTail(before);
      if (!word) continue;
      const fresh = new VscodeWords();
      fresh.startFile('f');
      assert.deepEqual(typed.rank(before, word, 5), fresh.rank(before, word, 5));
    }
  });
});
