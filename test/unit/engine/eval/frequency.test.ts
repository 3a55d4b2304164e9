import { strict as assert } from 'node:assert';
import { Frequency } from '../../../../src/engine/eval/frequency';

describe('eval/frequency', () => {
  const doc = 'foo bar foo baz bar foo qux a a a ';

  it('ranks earlier words by count, ties most recent first, already at k = 0', () => {
    const s = new Frequency();
    s.startFile('f');
    // "a" is too short to complete; baz and qux tie at one: qux is more recent.
    assert.deepEqual(s.rank(doc, '', 10), ['foo', 'bar', 'qux', 'baz']);
    assert.deepEqual(s.rank(doc, '', 2), ['foo', 'bar']);
  });

  it('filters by the typed prefix and never offers the typed word', () => {
    const s = new Frequency();
    s.startFile('f');
    assert.deepEqual(s.rank(doc + 'b', 'b', 10), ['bar', 'baz']);
    assert.deepEqual(s.rank(doc + 'bar baz ba', 'ba', 10), ['bar', 'baz']);
    assert.deepEqual(s.rank(doc + 'bar baz baz baz', 'baz', 10), []);
  });

  it('counts update as the text grows, and restart with a new file', () => {
    const s = new Frequency();
    s.startFile('f');
    assert.deepEqual(s.rank('one two two one one ', '', 10), ['one', 'two']);
    assert.deepEqual(s.rank('one two two one one two two x', 'x', 10), []);
    assert.deepEqual(s.rank('one two two one one two two ', '', 10), ['two', 'one']);
    s.startFile('g');
    assert.deepEqual(s.rank('three ', '', 10), ['three']);
  });
});
