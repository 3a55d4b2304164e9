import * as assert from 'node:assert/strict';
import { decodeTokenIds, encodeTokenIds } from '../../../../src/engine/memory/tokenIds';

describe('memory/tokenIds', () => {
  it('reads back every id, one byte for the small ones, and refuses bytes that end inside one or hold more', () => {
    const ids = Int32Array.of(0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28 + 5, 2 ** 31 - 1, 3);
    const bytes = encodeTokenIds(ids);
    assert.deepEqual(decodeTokenIds(bytes, ids.length), ids);
    assert.equal(encodeTokenIds([5, 100, 127]).length, 3);
    assert.equal(decodeTokenIds(bytes.subarray(0, bytes.length - 1), ids.length), undefined);
    assert.equal(decodeTokenIds(bytes, ids.length - 1), undefined);
    assert.equal(decodeTokenIds(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 1), undefined);
  });
});
