import { strict as assert } from 'node:assert';
import { PairTable } from '../../../../src/engine/ngram/pairTable';

describe('ngram/pairTable', () => {
  it('interns pairs as dense ids across growth, and finds them again', () => {
    const t = new PairTable(4);
    const key = (i: number) => [(i * 7919) % 50021, i % 3] as const;
    for (let i = 0; i < 60000; i++) {
      assert.equal(t.intern(...key(i)), i);
      // Also while a full slot array moves into a larger one.
      assert.equal(t.find(...key(i >> 1)), i >> 1);
    }
    assert.equal(t.size, 60000);
    for (let i = 0; i < 60000; i += 7) {
      assert.equal(t.intern(...key(i)), i);
      assert.equal(t.find(...key(i)), i);
      assert.deepEqual([t.a(i), t.b(i)], key(i));
    }
    assert.equal(t.find(50021, 0), -1);
  });

  it('keeps two values per id beside its keys, across growth', () => {
    const t = new PairTable(4, 2);
    for (let i = 0; i < 60000; i++) {
      const id = t.intern(i % 977, i);
      t.record(id)[t.recordAt(id)] = i * 3;
      t.record(id)[t.recordAt(id) + 1] = i + 7;
    }
    for (let i = 0; i < 60000; i += 11) {
      const id = t.find(i % 977, i);
      assert.deepEqual([t.a(id), t.b(id), t.record(id)[t.recordAt(id)], t.record(id)[t.recordAt(id) + 1]], [i % 977, i, i * 3, i + 7]);
    }
  });
});
