import { strict as assert } from 'node:assert';
import { Vocabulary } from '../../../../src/engine/ngram/vocabulary';

describe('ngram/vocabulary', () => {
  it('gives back its tokens and compares and matches prefixes as JS strings do', () => {
    const tokens = ['<s>', '<unk>', '', 'a', 'ab', 'abc', 'b', 'größe', '\uD83D\uDE00', '\uDC00'];
    const v = new Vocabulary(tokens);
    assert.equal(v.size, tokens.length);
    assert.deepEqual(v.toArray(), tokens);
    const probes = ['', 'a', 'aa', 'ab', 'abcd', 'b', 'gr', 'größe', 'z', '\uD83D', '\uD83D\uDE00'];
    tokens.forEach((t, id) => {
      assert.equal(v.token(id), t);
      for (const s of probes) {
        assert.equal(Math.sign(v.compare(id, s)), t < s ? -1 : t > s ? 1 : 0, `${t} vs ${s}`);
        assert.equal(v.startsWith(id, s), t.startsWith(s), `${t} startsWith ${s}`);
      }
    });
  });
});
