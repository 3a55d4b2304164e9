import { strict as assert } from 'node:assert';
import { mulberry32 } from '../../../../src/engine/random';
import { chunkAt, makeLanes, shuffled } from '../../../../src/engine/training/batches';

describe('batches', () => {
  it('lays documents led by <|doc|> into equal lanes read in consecutive chunks', () => {
    const docs = [[1, 2, 3], [4, 5, 6, 7], [8, 9]];
    // Stream: 0 1 2 3 0 4 5 6 7 0 8 9 (12 ids); 2 lanes of 2-token chunks: length 5 each.
    const lanes = makeLanes(docs, 0, 2, 2);
    assert.equal(lanes.length, 5);
    assert.deepEqual([...lanes.data], [0, 1, 2, 3, 0, 4, 5, 6, 7, 0]);
    const c0 = chunkAt(lanes, 2, 2, 0);
    assert.deepEqual([...c0.inputs], [0, 1, 4, 5]);
    assert.deepEqual([...c0.targets], [1, 2, 5, 6]);
    const c1 = chunkAt(lanes, 2, 2, 1);
    assert.deepEqual([...c1.inputs], [2, 3, 6, 7]);
    assert.deepEqual([...c1.targets], [3, 0, 7, 0]);
  });

  it('gives nothing when the text is shorter than one batch', () => {
    assert.equal(makeLanes([[1, 2]], 0, 4, 8).length, 0);
  });

  it('shuffles deterministically for a seed', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    assert.deepEqual(shuffled(items, mulberry32(3)), shuffled(items, mulberry32(3)));
    assert.notDeepEqual(shuffled(items, mulberry32(3)), items);
    assert.deepEqual([...shuffled(items, mulberry32(3))].sort((a, b) => a - b), items);
  });
});
