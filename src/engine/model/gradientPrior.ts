// gradients.bin: the mean squared gradient of every weight on the model's own training text, read
// as dynamic evaluation reads text (Krause et al. 2018's "global prior"; scripts/research/gradientPrior.ts
// measures it). Dynamic evaluation divides each step by its square root, so a weight that the
// training text rarely moved moves little on one chunk of the user's text.
//
// Layout: "RGP1", u32 tensor count, then per weight in weightSpecs order: u32 length, f32 lo, f32 hi
// and one byte per element, the element's log2 on a 255-step scale from lo to hi (1/255 of the
// range, well under the spread of a gradient); then a CRC-32 of everything before it.
import * as path from 'node:path';
import { crc32 } from '../crc32';
import { ModelConfig } from './modelConfig';
import { MODEL_FILES, ModelFolder } from './modelFolder';
import { Weights, weightSpecs } from './weights';

const MAGIC = 'RGP1';

/**
 * The floor's share of a tensor's RMS, chosen on the tuning projects' bits per character (README,
 * Learning while you work): at lr 2e-4, floors of 0.1 / 0.5 / 1 scored 1.477 / 1.439 / 1.444.
 */
export const PRIOR_FLOOR = 0.5;

/** The gradient norm the prior's gradients are clipped at, as the bundled gradients.bin was
 *  measured: dynamic evaluation's rate is tuned to that scale, whatever its own clipping. */
export const PRIOR_CLIP_NORM = 1;

/**
 * Each weight's mean squared gradients, each raised to at least floorShare² of its tensor's mean
 * (an element the sample never moved would otherwise take unbounded steps).
 */
export function encodeGradientPrior(cfg: ModelConfig, meanSquares: Weights, floorShare = PRIOR_FLOOR): Uint8Array {
  const specs = weightSpecs(cfg);
  const size = 8 + specs.reduce((a, s) => a + 12 + meanSquares.get(s.name)!.data.length, 0) + 4;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC));
  view.setUint32(4, specs.length, true);
  let at = 8;
  for (const s of specs) {
    const ms = meanSquares.get(s.name)!.data;
    const floor = floorShare ** 2 * (ms.reduce((a, b) => a + b, 0) / ms.length);
    const logs = Float64Array.from(ms, (x) => Math.log2(Math.max(x, floor, Number.MIN_VALUE)));
    let min = Infinity;
    let max = -Infinity;
    for (const x of logs) (min = Math.min(min, x)), (max = Math.max(max, x));
    const lo = Math.fround(min);
    const hi = Math.fround(Math.max(max, lo + 1e-3));
    view.setUint32(at, ms.length, true);
    view.setFloat32(at + 4, lo, true);
    view.setFloat32(at + 8, hi, true);
    at += 12;
    for (let i = 0; i < logs.length; i++) out[at + i] = Math.round(((logs[i] - lo) / (hi - lo)) * 255);
    at += ms.length;
  }
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** The mean squares again, for a model of configuration `cfg`; throws, naming `where`, on a damaged or foreign file. */
export function decodeGradientPrior(cfg: ModelConfig, bytes: Uint8Array, where: string): Weights {
  const fail = (why: string): never => {
    throw new Error(`${where} is not this model's gradient statistics (${why}); it may be truncated or corrupt.`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) fail('bad signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(bytes.length - 4, true) !== crc32(bytes.subarray(0, bytes.length - 4))) fail('checksum mismatch');
  const specs = weightSpecs(cfg);
  if (view.getUint32(4, true) !== specs.length) fail('another number of weights');
  const prior: Weights = new Map();
  let at = 8;
  for (const s of specs) {
    const n = s.dims.reduce((a, b) => a * b, 1);
    if (at + 12 + n > bytes.length - 4 || view.getUint32(at, true) !== n) fail(`weight "${s.name}" has another size`);
    const lo = view.getFloat32(at + 4, true);
    const step = (view.getFloat32(at + 8, true) - lo) / 255;
    // 256 values: decode through a table.
    const table = Float32Array.from({ length: 256 }, (_, c) => 2 ** (lo + c * step));
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = table[bytes[at + 12 + i]];
    prior.set(s.name, { dims: s.dims, data });
    at += 12 + n;
  }
  if (at !== bytes.length - 4) fail('bytes past the last weight');
  return prior;
}

/** The prior of a loaded model folder, if it has one. */
export function gradientPriorOf(folder: ModelFolder, dir: string): Weights | undefined {
  return folder.gradients && decodeGradientPrior(folder.cfg, folder.gradients, path.join(dir, MODEL_FILES.gradients));
}
