import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { decodeGradientPrior, encodeGradientPrior, gradientPriorOf, loadModelFolder, ModelConfig, weightSpecs, Weights } from '../../../../src/engine/model';
import { mulberry32 } from '../../../../src/engine/random';

const cfg: ModelConfig = { cell: 'gru', vocabSize: 11, embedSize: 4, hiddenSize: 6, layers: 1 };

/** Mean squares spread over many octaves, a few of them 0 (weights the sample never moved). */
function meanSquares(seed: number): Weights {
  const rand = mulberry32(seed);
  return new Map(weightSpecs(cfg).map((s) => {
    const n = s.dims.reduce((a, b) => a * b, 1);
    return [s.name, { dims: s.dims, data: Float32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 2 ** (-30 + 20 * rand()))) }];
  }));
}

describe('gradient prior (gradients.bin)', () => {
  it('decodes what it encoded within its 1/255 step, each value raised to the floor of its tensor', () => {
    const ms = meanSquares(1);
    const decoded = decodeGradientPrior(cfg, encodeGradientPrior(cfg, ms, 0.5), 'test');
    for (const [name, { data }] of ms) {
      const mean = data.reduce((a, b) => a + b, 0) / data.length;
      const floored = data.map((x) => Math.max(x, 0.25 * mean));
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of floored) (lo = Math.min(lo, Math.log2(x))), (hi = Math.max(hi, Math.log2(x)));
      const got = decoded.get(name)!.data;
      assert.deepEqual(decoded.get(name)!.dims, ms.get(name)!.dims);
      for (let i = 0; i < got.length; i++) {
        assert.ok(Math.abs(Math.log2(got[i]) - Math.log2(floored[i])) <= (hi - lo) / 510 + 1e-4, `${name}[${i}]: ${got[i]} for ${floored[i]}`);
      }
    }
  });

  it('a damaged, truncated or foreign file is refused with a message naming it', () => {
    const bytes = encodeGradientPrior(cfg, meanSquares(2));
    const flipped = bytes.slice();
    flipped[100] ^= 1;
    assert.throws(() => decodeGradientPrior(cfg, flipped, '/m/gradients.bin'), /\/m\/gradients\.bin .*checksum mismatch.*truncated or corrupt/);
    assert.throws(() => decodeGradientPrior(cfg, bytes.subarray(0, bytes.length - 9), '/m/gradients.bin'), /\/m\/gradients\.bin .*checksum/);
    assert.throws(() => decodeGradientPrior(cfg, new Uint8Array(3), '/m/gradients.bin'), /bad signature/);
    assert.throws(() => decodeGradientPrior({ ...cfg, vocabSize: 12 }, bytes, '/m/gradients.bin'), /weight "embed" has another size/);
  });

  it('the bundled model ships one that fits it, every value positive and finite', () => {
    const dir = path.join(__dirname, '..', '..', '..', '..', 'media', 'models', 'base');
    const prior = gradientPriorOf(loadModelFolder(dir), dir);
    assert.ok(prior, 'media/models/base/gradients.bin');
    for (const [name, { data }] of prior) assert.ok(data.every((x) => x > 0 && Number.isFinite(x)), name);
  });
});
