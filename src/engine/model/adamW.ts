// The optimizer half of the training step as graph nodes: global-norm gradient clipping (as
// torch.nn.utils.clip_grad_norm_) and AdamW with bias correction (Loshchilov & Hutter, ICLR 2019).
import { GraphBuilder, Value } from '../onnx/onnxBuilder';
import { TRAIN_IO } from '../onnx/tensorNames';
import type { WeightValues } from './network';
import type { WeightSpec } from './weights';

export interface AdamWOptions {
  /** Global gradient-norm threshold; 0 or Infinity turns clipping off. */
  readonly clipNorm: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Decoupled weight decay, applied to matrices only. */
  readonly weightDecay: number;
  /** Also output each raw gradient (before clipping) as TRAIN_IO.grad(name); for tests. */
  readonly debugGradients?: boolean;
}

/**
 * Inputs TRAIN_IO.step (f32 [], 1-based), TRAIN_IO.lr (f32 []) and each weight's moments; outputs
 * each weight and moment updated (TRAIN_IO.updated of its name).
 */
export class AdamW {
  private readonly moments: { m: Value; v: Value }[];
  private readonly step: Value;
  private readonly lr: Value;

  constructor(private readonly g: GraphBuilder, private readonly specs: readonly WeightSpec[], private readonly opt: AdamWOptions) {
    this.moments = specs.map((s) => ({ m: g.input(TRAIN_IO.m(s.name), 'float', s.dims), v: g.input(TRAIN_IO.v(s.name), 'float', s.dims) }));
    this.step = g.input(TRAIN_IO.step, 'float', []);
    this.lr = g.input(TRAIN_IO.lr, 'float', []);
  }

  /** Outputs the step's updates from the gradients of every weight; returns the gradients' global norm before clipping. */
  update(w: WeightValues, grads: ReadonlyMap<string, Value>): Value {
    const { g, opt, step, lr } = this;
    const gradNorm = g.unary('Sqrt', g.sum(this.specs.map((s) => g.reduce('ReduceSumSquare', grads.get(s.name)!))));
    const clip = opt.clipNorm > 0 && Number.isFinite(opt.clipNorm);
    const scale = clip ? g.min(g.constFloat(1), g.div(g.constFloat(opt.clipNorm), g.add(gradNorm, g.constFloat(1e-6)))) : null;
    const one = g.constFloat(1);
    const bc1 = g.sub(one, g.pow(g.constFloat(opt.beta1), step));
    // β2 = 1 keeps the second moments as given (Krause's global prior), so there is nothing to correct.
    const bc2 = opt.beta2 === 1 ? one : g.sub(one, g.pow(g.constFloat(opt.beta2), step));
    const stepSize = g.div(lr, bc1);
    const invSqrtBc2 = g.div(one, g.unary('Sqrt', bc2));
    const gScale1 = scale ? g.mul(scale, g.constFloat(1 - opt.beta1)) : g.constFloat(1 - opt.beta1);
    const gScale2 = scale ? g.mul(g.mul(scale, scale), g.constFloat(1 - opt.beta2)) : g.constFloat(1 - opt.beta2);
    const decay = g.sub(one, g.mul(lr, g.constFloat(opt.weightDecay)));
    this.specs.forEach((s, i) => {
      const grad = grads.get(s.name)!;
      const { m, v } = this.moments[i];
      const m2 = g.add(g.mul(m, g.constFloat(opt.beta1)), g.mul(grad, gScale1));
      const v2 = g.add(g.mul(v, g.constFloat(opt.beta2)), g.mul(g.mul(grad, grad), gScale2));
      const denom = g.add(g.mul(g.unary('Sqrt', v2), invSqrtBc2), g.constFloat(opt.eps));
      const update = g.mul(g.div(m2, denom), stepSize);
      const kept = s.decay && opt.weightDecay !== 0 ? g.mul(w.get(s.name)!, decay) : w.get(s.name)!;
      g.output(g.sub(kept, update), TRAIN_IO.updated(s.name));
      g.output(m2, TRAIN_IO.updated(TRAIN_IO.m(s.name)));
      g.output(v2, TRAIN_IO.updated(TRAIN_IO.v(s.name)));
      if (opt.debugGradients) g.output(grad, TRAIN_IO.grad(s.name));
    });
    return gradNorm;
  }
}
