import { strict as assert } from 'node:assert';
import * as ort from 'onnxruntime-node';

describe('toolchain', () => {
  it('loads onnxruntime-node 1.30', () => {
    assert.equal(ort.env.versions.node, '1.30.0');
  });
});
