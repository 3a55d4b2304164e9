// The parts of the network every graph shares: weights as graph values, the embedding and the
// stack of recurrent layers, and the output head tied to the embedding through a projection.
import { Cell, LayerWeights } from './cell';
import { elman } from './elman';
import { gru } from './gru';
import { lstm } from './lstm';
import { CellType, ModelConfig, stateSize } from './modelConfig';
import { GraphBuilder, Value } from '../onnx/onnxBuilder';
import { layerNames } from './weights';

export const cells: Record<CellType, Cell> = { rnn: elman, gru, lstm };

/** Weight name → the graph value (initializer or input) holding it. */
export type WeightValues = Map<string, Value>;

function need(w: WeightValues, name: string): Value {
  const v = w.get(name);
  if (!v) throw new Error(`graph has no weight "${name}"`);
  return v;
}

export function layerWeights(w: WeightValues, l: number): LayerWeights {
  const n = layerNames(l);
  return { W: need(w, n.W), R: need(w, n.R), B: need(w, n.B) };
}

export interface LayerRun {
  x: Value; // [T, B, in] the layer's input sequence
  y: Value; // [T, B, H] its outputs
  state0: Value; // [1, B, S] its initial state (a slice of state_in)
}

/**
 * Embedding lookup and the recurrent layers over time-major tokens [T, B].
 * Returns each layer's run and the final states stacked as [L, B, S].
 */
export function recurrentForward(g: GraphBuilder, cfg: ModelConfig, tokensTM: Value, stateIn: Value, w: WeightValues): { layers: LayerRun[]; stateOut: Value } {
  const cell = cells[cfg.cell];
  const states0 = cfg.layers === 1 ? [stateIn] : g.split(stateIn, 0, [1, 1]);
  let x = g.gather(need(w, 'embed'), tokensTM); // [T, B, E]
  const layers: LayerRun[] = [];
  const finals: Value[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const { y, state } = cell.op(g, x, layerWeights(w, l), states0[l], cfg.hiddenSize);
    layers.push({ x, y, state0: states0[l] });
    finals.push(state);
    x = y;
  }
  const stateOut = finals.length === 1 ? finals[0] : g.concat(finals, 0);
  if (stateOut.shape && stateIn.shape && stateOut.shape[2] !== stateSize(cfg)) throw new Error('state width mismatch');
  return { layers, stateOut };
}

/**
 * Output head on rows h [N, H]: q = h·Pᵀ + b_p [N, E], logits = q·Eᵀ + b_out [N, V]. With
 * `biasColumn` (for the training step's thousands of rows; N must be known) the output bias rides
 * along as an extra column, (q, 1)·(E, b_out)ᵀ, so the logits Gemm need not first broadcast a bias
 * over all of [N, V].
 */
export function outputHead(g: GraphBuilder, w: WeightValues, h: Value, { biasColumn = false } = {}): { q: Value; logits: Value } {
  const q = g.gemm(h, need(w, 'proj.W'), need(w, 'proj.b'), { transB: true });
  const embed = need(w, 'embed');
  if (!biasColumn) return { q, logits: g.gemm(q, embed, need(w, 'out.b'), { transB: true }) };
  const N = h.shape?.[0];
  if (typeof N !== 'number') throw new Error('outputHead: a bias column needs a known number of rows');
  const ones = g.constFloat(new Array(N).fill(1), [N, 1]);
  return { q, logits: g.gemm(g.concat([q, ones], 1), g.concat([embed, g.unsqueeze(need(w, 'out.b'), [1])], 1), null, { transB: true }) };
}
