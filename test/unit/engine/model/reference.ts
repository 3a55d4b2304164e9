// A plain float64 JavaScript version of the model (forward pass, mean cross-entropy) and of one
// AdamW step, written straight from the equations; the tests check the ONNX graphs against it.
import { ModelConfig, gateCount, stateSize } from '../../../../src/engine/model/modelConfig';
import { layerNames, Weights, weightSpecs } from '../../../../src/engine/model/weights';

export type RefWeights = Map<string, Float64Array>;

export function toRef(w: Weights): RefWeights {
  return new Map([...w].map(([k, v]) => [k, Float64Array.from(v.data)]));
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

/** One cell step: h (and c for lstm) updated in place from input x. */
function cellStep(cfg: ModelConfig, w: RefWeights, l: number, x: ArrayLike<number>, h: Float64Array, c: Float64Array): void {
  const H = cfg.hiddenSize;
  const n = layerNames(l);
  const W = w.get(n.W)!, R = w.get(n.R)!, Bias = w.get(n.B)!;
  const G = gateCount(cfg.cell);
  const inSize = x.length;
  const gx = new Float64Array(G * H); // W·x + Wb
  const gh = new Float64Array(G * H); // R·h + Rb
  for (let r = 0; r < G * H; r++) {
    let s = Bias[r];
    for (let k = 0; k < inSize; k++) s += W[r * inSize + k] * x[k];
    gx[r] = s;
    let t = Bias[G * H + r];
    for (let k = 0; k < H; k++) t += R[r * H + k] * h[k];
    gh[r] = t;
  }
  const next = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    if (cfg.cell === 'rnn') next[j] = Math.tanh(gx[j] + gh[j]);
    else if (cfg.cell === 'gru') {
      const z = sigmoid(gx[j] + gh[j]);
      const r = sigmoid(gx[H + j] + gh[H + j]);
      const cand = Math.tanh(gx[2 * H + j] + r * gh[2 * H + j]);
      next[j] = (1 - z) * cand + z * h[j];
    } else {
      const i = sigmoid(gx[j] + gh[j]);
      const o = sigmoid(gx[H + j] + gh[H + j]);
      const f = sigmoid(gx[2 * H + j] + gh[2 * H + j]);
      const g = Math.tanh(gx[3 * H + j] + gh[3 * H + j]);
      c[j] = f * c[j] + i * g;
      next[j] = o * Math.tanh(c[j]);
    }
  }
  h.set(next);
}

export interface RefResult {
  logProbs: Float64Array; // [B, T, V]
  loss: number; // mean -log p(target) over B·T
  stateOut: Float64Array; // [L, B, S]
}

/** Runs tokens [B][T] from state [L, B, S]; targets (optional) give the loss. */
export function refForward(cfg: ModelConfig, w: RefWeights, tokens: number[][], state: ArrayLike<number>, targets?: number[][]): RefResult {
  const { vocabSize: V, embedSize: E, hiddenSize: H, layers: L } = cfg;
  const B = tokens.length, T = tokens[0].length, S = stateSize(cfg);
  const embed = w.get('embed')!, P = w.get('proj.W')!, pb = w.get('proj.b')!, ob = w.get('out.b')!;
  const logProbs = new Float64Array(B * T * V);
  const stateOut = new Float64Array(L * B * S);
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const hs = [...Array(L)].map((_, l) => Float64Array.from({ length: H }, (_, j) => state[(l * B + b) * S + j]));
    const cs = [...Array(L)].map((_, l) => Float64Array.from({ length: H }, (_, j) => (cfg.cell === 'lstm' ? state[(l * B + b) * S + H + j] : 0)));
    for (let t = 0; t < T; t++) {
      let x: ArrayLike<number> = embed.subarray(tokens[b][t] * E, tokens[b][t] * E + E);
      for (let l = 0; l < L; l++) {
        cellStep(cfg, w, l, x, hs[l], cs[l]);
        x = hs[l];
      }
      const q = new Float64Array(E);
      for (let e = 0; e < E; e++) {
        let s = pb[e];
        for (let j = 0; j < H; j++) s += P[e * H + j] * x[j];
        q[e] = s;
      }
      const row = logProbs.subarray((b * T + t) * V, (b * T + t + 1) * V);
      let max = -Infinity;
      for (let v = 0; v < V; v++) {
        let s = ob[v];
        for (let e = 0; e < E; e++) s += embed[v * E + e] * q[e];
        row[v] = s;
        max = Math.max(max, s);
      }
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(row[v] - max);
      const lse = max + Math.log(sum);
      for (let v = 0; v < V; v++) row[v] -= lse;
      if (targets) loss -= row[targets[b][t]];
    }
    for (let l = 0; l < L; l++) {
      stateOut.set(hs[l], (l * B + b) * S);
      if (cfg.cell === 'lstm') stateOut.set(cs[l], (l * B + b) * S + H);
    }
  }
  return { logProbs, loss: loss / (B * T), stateOut };
}

/** Central finite-difference gradient of the mean loss for every weight entry. */
export function refGradients(cfg: ModelConfig, w: RefWeights, tokens: number[][], targets: number[][], state: ArrayLike<number>, h = 1e-6): RefWeights {
  const grads: RefWeights = new Map();
  for (const [name, data] of w) {
    const g = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const keep = data[i];
      data[i] = keep + h;
      const up = refForward(cfg, w, tokens, state, targets).loss;
      data[i] = keep - h;
      const down = refForward(cfg, w, tokens, state, targets).loss;
      data[i] = keep;
      g[i] = (up - down) / (2 * h);
    }
    grads.set(name, g);
  }
  return grads;
}

export interface AdamOptions {
  lr: number; step: number; clipNorm: number; beta1: number; beta2: number; eps: number; weightDecay: number;
}

/** torch.nn.utils.clip_grad_norm_ followed by torch.optim.AdamW, on float64 copies. */
export function refAdamW(cfg: ModelConfig, w: RefWeights, m: RefWeights, v: RefWeights, grads: RefWeights, o: AdamOptions): { w: RefWeights; m: RefWeights; v: RefWeights; gradNorm: number } {
  let sq = 0;
  for (const g of grads.values()) for (const x of g) sq += x * x;
  const gradNorm = Math.sqrt(sq);
  const scale = o.clipNorm > 0 ? Math.min(1, o.clipNorm / (gradNorm + 1e-6)) : 1;
  const out = { w: new Map(), m: new Map(), v: new Map(), gradNorm } as { w: RefWeights; m: RefWeights; v: RefWeights; gradNorm: number };
  for (const spec of weightSpecs(cfg)) {
    const p = w.get(spec.name)!, g = grads.get(spec.name)!, m0 = m.get(spec.name)!, v0 = v.get(spec.name)!;
    const p1 = new Float64Array(p.length), m1 = new Float64Array(p.length), v1 = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] * scale;
      m1[i] = o.beta1 * m0[i] + (1 - o.beta1) * gi;
      v1[i] = o.beta2 * v0[i] + (1 - o.beta2) * gi * gi;
      const mHat = m1[i] / (1 - o.beta1 ** o.step);
      const vHat = v1[i] / (1 - o.beta2 ** o.step);
      const decayed = spec.decay ? p[i] * (1 - o.lr * o.weightDecay) : p[i];
      p1[i] = decayed - (o.lr * mHat) / (Math.sqrt(vHat) + o.eps);
    }
    out.w.set(spec.name, p1);
    out.m.set(spec.name, m1);
    out.v.set(spec.name, v1);
  }
  return out;
}
