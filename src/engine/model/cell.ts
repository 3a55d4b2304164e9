// What each recurrent cell (elman.ts, gru.ts, lstm.ts) provides: its ONNX recurrent op for the
// forward pass, and the backward pass through time used by the training graph.
import { GraphBuilder, Value } from '../onnx/onnxBuilder';

/** A layer's weights as graph values, in the ONNX layouts. */
export interface LayerWeights {
  W: Value; // [1, G·H, in]
  R: Value; // [1, G·H, H]
  B: Value; // [1, 2·G·H]
}

/** What a cell's backward pass gets; N = T·B rows in time-major order (row t·B + b). */
export interface BackwardInput {
  steps: number; // T
  batch: number; // B
  hidden: number; // H
  gx: Value; // [N, G·H] X·Wᵀ + Wb, recomputed for all steps at once
  gh: Value; // [N, G·H] H_prev·Rᵀ + Rb
  hPrev: Value; // [N, H] the state each step started from
  y: Value; // [N, H] each step's output h_t
  c0: Value | null; // [B, H] lstm: the chunk's initial cell state
  dy: Value; // [N, H] dLoss/dh_t from the layer above or the output head
  R2d: Value; // [G·H, H]
}

export interface Cell {
  /** ONNX recurrent op over x [T,B,in] from state0 [1,B,S]: outputs y [T,B,H] and the final state [1,B,S]. */
  op(g: GraphBuilder, x: Value, w: LayerWeights, state0: Value, hidden: number): { y: Value; state: Value };
  /**
   * Backprop through time. Only the sequential part runs in a reverse Scan; everything elementwise
   * that does not depend on the incoming gradient is computed for all steps at once beforehand.
   * Returns dLoss/d(pre-activations) on the input side (`dgx`, for dW, dWb and dX) and the
   * recurrent side (`dgh`, for dR and dRb), both [N, G·H].
   */
  backward(g: GraphBuilder, inp: BackwardInput): { dgx: Value; dgh: Value };
}

/** σ'(a) = σ(1-σ) given s = σ(a). */
export function sigmoidDeriv(g: GraphBuilder, s: Value): Value {
  return g.mul(s, g.sub(g.constFloat(1), s));
}

/** tanh'(a) = 1-t² given t = tanh(a). */
export function tanhDeriv(g: GraphBuilder, t: Value): Value {
  return g.sub(g.constFloat(1), g.mul(t, t));
}

/** Reverse Scan over T steps: `bodyFn` receives the body builder, carried states, and per-step slices. */
export function reverseScan(
  g: GraphBuilder,
  name: string,
  states: readonly Value[],
  perStep: readonly Value[],
  bodyFn: (b: GraphBuilder, states: Value[], xs: Value[]) => { states: Value[]; outputs: Value[] },
): { states: Value[]; outputs: Value[] } {
  const body = g.subgraph(name);
  const sIn = states.map((s, i) => body.input(`${body.name}.s${i}`, s.type, s.shape));
  const xIn = perStep.map((x, i) => body.input(`${body.name}.x${i}`, x.type, x.shape ? x.shape.slice(1) : null));
  const r = bodyFn(body, sIn, xIn);
  for (const v of [...r.states, ...r.outputs]) body.output(v);
  const outs = g.scan(body, states, perStep, { reverse: true });
  return { states: outs.slice(0, states.length), outputs: outs.slice(states.length) };
}

/** `v` [N, k] as [T, B, k] (time-major rows). */
export function timeMajor(g: GraphBuilder, v: Value, steps: number, batch: number): Value {
  return g.reshape(v, [steps, batch, -1]);
}
