// Weight names, shapes and initialization. Recurrent layers use the ONNX RNN/GRU/LSTM layouts
// (W [1,G·H,in], R [1,G·H,H], B [1,2·G·H] = Wb then Rb) so trained weights drop into the ONNX ops.
import { mulberry32 } from '../random';
import { ModelConfig, checkConfig, gateCount } from './modelConfig';

export type Weights = Map<string, { dims: number[]; data: Float32Array }>;

export interface WeightSpec {
  name: string;
  dims: number[];
  /** Matrices get AdamW's weight decay; biases do not. */
  decay: boolean;
}

/** Names of layer `l`'s ONNX-layout tensors. */
export function layerNames(l: number): { W: string; R: string; B: string } {
  return { W: `l${l}.W`, R: `l${l}.R`, B: `l${l}.B` };
}

/**
 * Every weight of the model, in a fixed order: `embed` [V,E] (input embedding and tied output),
 * per layer W/R/B, `proj.W` [E,H] and `proj.b` [E] (hidden → embedding space), `out.b` [V].
 */
export function weightSpecs(cfg: ModelConfig): WeightSpec[] {
  checkConfig(cfg);
  const { vocabSize: V, embedSize: E, hiddenSize: H } = cfg;
  const G = gateCount(cfg.cell);
  const specs: WeightSpec[] = [{ name: 'embed', dims: [V, E], decay: true }];
  for (let l = 0; l < cfg.layers; l++) {
    const n = layerNames(l);
    specs.push(
      { name: n.W, dims: [1, G * H, l === 0 ? E : H], decay: true },
      { name: n.R, dims: [1, G * H, H], decay: true },
      { name: n.B, dims: [1, 2 * G * H], decay: false },
    );
  }
  specs.push({ name: 'proj.W', dims: [E, H], decay: true }, { name: 'proj.b', dims: [E], decay: false }, { name: 'out.b', dims: [V], decay: false });
  return specs;
}


/**
 * Deterministic initial weights: embedding rows of norm ≈ 1 (uniform, std 1/√E), matrices
 * uniform ±1/√H as PyTorch does for recurrent layers, biases 0 except the LSTM forget gate at 1
 * (Jozefowicz et al. 2015), which keeps early gradients flowing through the cell state.
 */
export function initWeights(cfg: ModelConfig, seed: number): Weights {
  const rand = mulberry32(seed);
  const H = cfg.hiddenSize;
  const weights: Weights = new Map();
  for (const spec of weightSpecs(cfg)) {
    const data = new Float32Array(spec.dims.reduce((a, b) => a * b, 1));
    if (spec.decay) {
      const bound = spec.name === 'embed' ? Math.sqrt(3 / cfg.embedSize) : 1 / Math.sqrt(H);
      for (let i = 0; i < data.length; i++) data[i] = (2 * rand() - 1) * bound;
    } else if (cfg.cell === 'lstm' && /^l\d\.B$/.test(spec.name)) {
      data.fill(1, 2 * H, 3 * H); // Wb of the forget gate (ONNX order i, o, f, c)
    }
    weights.set(spec.name, { dims: spec.dims, data });
  }
  return weights;
}

/** Throws unless `w` holds exactly the tensors `cfg` needs, with the right shapes. */
export function checkWeights(cfg: ModelConfig, w: Weights): void {
  const specs = weightSpecs(cfg);
  for (const spec of specs) {
    const t = w.get(spec.name);
    if (!t) throw new Error(`weight "${spec.name}" is missing`);
    const n = spec.dims.reduce((a, b) => a * b, 1);
    if (t.dims.join(',') !== spec.dims.join(',') || t.data.length !== n) {
      throw new Error(`weight "${spec.name}" has dims [${t.dims}] (${t.data.length} values), expected [${spec.dims}]`);
    }
  }
  const extra = [...w.keys()].filter((k) => !specs.some((s) => s.name === k));
  if (extra.length) throw new Error(`unexpected weights: ${extra.join(', ')}`);
}
