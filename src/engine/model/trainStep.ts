// The whole training step as one ONNX graph: forward through the recurrent ops, mean cross-entropy,
// backprop through time written out by hand (per-step work in a reverse Scan, every weight
// gradient one large Gemm outside it), global-norm clipping and AdamW (adamW.ts).
import { AdamW, AdamWOptions } from './adamW';
import { cells, LayerRun, layerWeights, outputHead, recurrentForward, WeightValues } from './network';
import { ModelConfig, checkConfig, gateCount, stateSize } from './modelConfig';
import { encodeModel, GraphBuilder, Value } from '../onnx/onnxBuilder';
import { IO } from '../onnx/tensorNames';
import { weightSpecs } from './weights';

export interface TrainStepOptions extends AdamWOptions {
  batch: number;
  steps: number;
}

/**
 * One training step as one graph. Inputs: every weight by name, Adam moments `m.<name>`,`v.<name>`,
 * `step` f32 [] (1-based), `lr` f32 [], tokens int64 [B,T], targets int64 [B,T], state_in [L,B,S].
 * Outputs: `new.<name>`, `new.m.<name>`, `new.v.<name>`, `loss` f32 [] (mean nats/token),
 * `grad_norm` f32 [] (before clipping), state_out [L,B,S] (detached, feeds the next chunk).
 * (The names: onnx/tensorNames.)
 */
export function buildTrainStepModel(cfg: ModelConfig, opt: TrainStepOptions): Uint8Array {
  checkConfig(cfg);
  const { batch: B, steps: T } = opt;
  if (!Number.isInteger(B) || B < 1 || !Number.isInteger(T) || T < 1) throw new Error(`batch and steps must be positive integers, got ${B}, ${T}`);
  const { vocabSize: V, embedSize: E, hiddenSize: H, layers: L } = cfg;
  const N = T * B;
  const g = new GraphBuilder('recurrent_train');
  const specs = weightSpecs(cfg);
  const w: WeightValues = new Map(specs.map((s) => [s.name, g.input(s.name, 'float', s.dims)]));
  const adamW = new AdamW(g, specs, opt);
  const tokens = g.input(IO.tokens, 'int64', [B, T]);
  const targets = g.input(IO.targets, 'int64', [B, T]);
  const stateIn = g.input(IO.stateIn, 'float', [L, B, stateSize(cfg)]);

  // Forward. Rows are time-major: row t·B + b is step t of sequence b.
  const tokensTM = g.transpose(tokens, [1, 0]); // [T, B]
  const { layers, stateOut } = recurrentForward(g, cfg, tokensTM, stateIn, w);
  const tokenRows = g.reshape(tokensTM, [N, 1]);
  const targetRows = g.reshape(g.transpose(targets, [1, 0]), [N, 1]);
  const top = g.reshape(layers[L - 1].y, [N, H]);
  const { q, logits } = outputHead(g, w, top, { biasColumn: true }); // [N, E], [N, V]
  // Softmax once (each pass over [N, V] is memory-bound); -log p of the targets from the
  // probabilities, floored at 1e-38 so an underflowed target reads as 87.5 nats rather than ∞.
  const probs = g.op('Softmax', [logits], { axis: 1 }, [N, V]);
  const picked = g.op('GatherElements', [probs, targetRows], { axis: 1 }, [N, 1]);
  const loss = g.unary('Neg', g.reduce('ReduceMean', g.unary('Log', g.op('Max', [picked, g.constFloat(1e-38)], {}, [N, 1]))));

  const grads = new Map<string, Value>();
  const head = outputHeadBackward(g, w, { top, q, probs, targetRows }, grads);
  const dx = recurrentBackward(g, cfg, opt, layers, w, head.dy, grads);
  // The embedding is used twice: input rows get dL/dx, and the tied output gets -q/N at each target.
  const rows = g.concat([tokenRows, targetRows], 0); // [2N, 1]
  const updates = g.concat([dx, g.mul(q, g.constFloat(-1 / N))], 0); // [2N, E]
  grads.set('embed', g.op('ScatterND', [head.embedAsOutput, rows, updates], { reduction: 'add' }, [V, E]));

  const gradNorm = adamW.update(w, grads);
  g.output(loss, IO.loss);
  g.output(gradNorm, IO.gradNorm);
  g.output(stateOut, IO.stateOut);
  return encodeModel(g, { 'recurrent.config': JSON.stringify(cfg), 'recurrent.train': JSON.stringify(opt) });
}

/**
 * The output head's backward pass: sets the gradients of proj.W, proj.b and out.b; returns the
 * embedding's gradient as the output layer (without the one-hot rows) and dL/d(top layer outputs).
 * dL/dlogits = (softmax - onehot)/N is never formed: its two terms go through the Gemms and the
 * one-hot part becomes gathers and scatter-adds of rows.
 */
function outputHeadBackward(g: GraphBuilder, w: WeightValues, f: { top: Value; q: Value; probs: Value; targetRows: Value }, grads: Map<string, Value>): { embedAsOutput: Value; dy: Value } {
  const [N, V] = f.probs.shape as number[];
  const inv = 1 / N;
  const embed = w.get('embed')!;
  const dq = g.gemm(f.probs, embed, g.gather(embed, g.reshape(f.targetRows, [N])), { alpha: inv, beta: -inv }); // [N, E]
  grads.set('proj.W', g.gemm(dq, f.top, null, { transA: true })); // [E, H]
  grads.set('proj.b', g.reduceSum(dq, [0]));
  const outBias = g.reshape(g.matmul(g.constFloat(new Array(N).fill(inv), [1, N]), f.probs), [V]); // column sums / N
  grads.set('out.b', g.op('ScatterND', [outBias, f.targetRows, g.constFloat(new Array(N).fill(-inv), [N])], { reduction: 'add' }, [V]));
  const embedAsOutput = g.gemm(f.probs, f.q, null, { transA: true, alpha: inv }); // [V, E], minus the one-hot rows
  return { embedAsOutput, dy: g.matmul(dq, w.get('proj.W')!) }; // [N, H]
}

/** Backprop through the recurrent layers, top to bottom: sets their weights' gradients; returns dL/d(embedded inputs) [N, E]. */
function recurrentBackward(g: GraphBuilder, cfg: ModelConfig, opt: TrainStepOptions, layers: readonly LayerRun[], w: WeightValues, dyTop: Value, grads: Map<string, Value>): Value {
  const { batch: B, steps: T } = opt;
  const { embedSize: E, hiddenSize: H, layers: L } = cfg;
  const G = gateCount(cfg.cell);
  const N = T * B;
  const cell = cells[cfg.cell];
  let dy = dyTop;
  for (let l = L - 1; l >= 0; l--) {
    const lw = layerWeights(w, l);
    const { x, y, state0 } = layers[l];
    const inSize = l === 0 ? E : H;
    const x2 = g.reshape(x, [N, inSize]);
    const y2 = g.reshape(y, [N, H]);
    const [h0, c0] = cfg.cell === 'lstm' ? g.split(state0, 2, [H, H]).map((s) => g.reshape(s, [B, H])) : [g.reshape(state0, [B, H]), null];
    const hPrev = T === 1 ? h0 : g.concat([h0, g.slice(y2, 0, 0, (T - 1) * B)], 0); // [N, H]
    const W2d = g.reshape(lw.W, [G * H, inSize]);
    const R2d = g.reshape(lw.R, [G * H, H]);
    const [wb, rb] = g.split(g.reshape(lw.B, [2 * G * H]), 0, [G * H, G * H]);
    const gx = g.gemm(x2, W2d, wb, { transB: true }); // [N, G·H]
    const gh = g.gemm(hPrev, R2d, rb, { transB: true });
    const { dgx, dgh } = cell.backward(g, { steps: T, batch: B, hidden: H, gx, gh, hPrev, y: y2, c0, dy, R2d });
    grads.set(lw.W.name, g.reshape(g.gemm(dgx, x2, null, { transA: true }), [1, G * H, inSize]));
    grads.set(lw.R.name, g.reshape(g.gemm(dgh, hPrev, null, { transA: true }), [1, G * H, H]));
    grads.set(lw.B.name, g.reshape(g.concat([g.reduceSum(dgx, [0]), g.reduceSum(dgh, [0])], 0), [1, 2 * G * H]));
    dy = g.matmul(dgx, W2d); // [N, in]: dL/d(this layer's inputs)
  }
  return dy;
}

/**
 * Model FLOPs of one training step per token: 3 × the forward pass's multiply-adds × 2
 * (backward ≈ 2 × forward), counting the input and recurrent gate products, the projection and
 * the tied output layer. The gate recomputation and elementwise work are overhead, not model FLOPs.
 */
export function trainStepFlopsPerToken(cfg: ModelConfig): number {
  const { vocabSize: V, embedSize: E, hiddenSize: H, layers: L } = cfg;
  const GH = gateCount(cfg.cell) * H;
  let forward = 2 * E * GH + 2 * H * GH; // layer 0
  if (L === 2) forward += 2 * H * GH + 2 * H * GH;
  forward += 2 * H * E + 2 * E * V;
  return 3 * forward;
}
