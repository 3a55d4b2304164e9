import { strict as assert } from 'node:assert';
import { NgramModel } from '../../../../src/engine/ngram/ngramModel';
import { sampleFiles } from '../../helpers/tinyModel';

describe('ngram/ngramFile', () => {
  const texts = sampleFiles().map((f) => f.text);
  const histories = [[], ['const'], ['app', '.'], ['\n', 'function'], ['return', 'this'], ['nope', 'nope']];

  for (const options of [{ order: 2, minCount: 1, pruneBelow: 1, pruneLowerBelow: 1 }, { order: 3, minCount: 2, pruneBelow: 2, pruneLowerBelow: 2 }, { order: 4, minCount: 1, pruneBelow: 3, pruneLowerBelow: 2 }]) {
    it(`gives back the same model (order ${options.order}, pruned below ${options.pruneBelow}/${options.pruneLowerBelow})`, () => {
      const m = NgramModel.train(texts, options);
      const back = NgramModel.decode(m.encode(), 'words.bin');
      assert.deepEqual(back.vocabulary.toArray(), m.vocabulary.toArray());
      assert.deepEqual(back.discounts, m.discounts);
      for (const h of histories) {
        for (let id = 0; id < m.vocabulary.size; id += 7) {
          const w = m.vocabulary.token(id);
          const [a, b] = [m.prob(h, w), back.prob(h, w)];
          // The unigram is stored as float32; everything else already was.
          assert.ok(Math.abs(a - b) <= 1e-6 * a, `P(${w} | ${h}) ${a} vs ${b}`);
        }
      }
    });
  }

  it('names the file when it is truncated, altered or not a word memory', () => {
    const bytes = NgramModel.train(texts.slice(0, 5), { order: 3, minCount: 1 }).encode();
    const bad = [bytes.subarray(0, bytes.length >> 1), new Uint8Array(0), new TextEncoder().encode('{"not": "this"}')];
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length >> 1] ^= 0xff;
    bad.push(flipped);
    for (const b of bad) assert.throws(() => NgramModel.decode(b, '/m/words.bin'), /\/m\/words\.bin is not a word memory file \(.+\); it may be truncated or corrupt\./);
  });
});
