import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CountOrder } from '../../../../src/engine/text/countOrder';

describe('text/countOrder', () => {
  it('reads keys in descending count order after any increments', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 60 }), (keys) => {
        const order = new CountOrder();
        const counts = new Map<string, number>();
        for (const k of keys) {
          order.increment(k);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        const source = order.source(2);
        const read: string[] = [];
        for (let bound = source.bound(), k = source.next(); k !== undefined; bound = source.bound(), k = source.next()) {
          assert.equal(bound, 2 * counts.get(k)!);
          read.push(k);
        }
        assert.equal(source.bound(), 0);
        assert.deepEqual([...read].sort(), [...counts.keys()].sort());
        read.forEach((k, i) => i > 0 && assert.ok(counts.get(read[i - 1])! >= counts.get(k)!));
        assert.equal(order.total, keys.length);
        for (const [k, c] of counts) assert.equal(order.count(k), c);
      }),
      { numRuns: 200 },
    );
  });
});
