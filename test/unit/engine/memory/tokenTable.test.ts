import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { TokenTable } from '../../../../src/engine/memory/tokenTable';

describe('TokenTable', () => {
  it('gives each distinct token one dense id, found again from a string or from a range of any text', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { maxLength: 3000 }), (words) => {
      const table = new TokenTable();
      const ids = new Map<string, number>();
      const text = words.join('');
      let at = 0;
      for (const w of words) {
        const id = table.intern(text, at, at + w.length);
        at += w.length;
        if (!ids.has(w)) {
          assert.equal(id, ids.size, 'ids are dense, in the order tokens came');
          ids.set(w, id);
        }
        assert.equal(id, ids.get(w));
      }
      assert.equal(table.size, ids.size);
      for (const [w, id] of ids) {
        assert.equal(table.tokens[id], w);
        assert.equal(table.find(w), id);
        assert.equal(table.findRange(`«${w}»`, 1, 1 + w.length), id);
      }
      assert.equal(table.find('never interned: longer than any word'), -1);
    }), { numRuns: 200 });
  });
});
