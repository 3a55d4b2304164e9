// LSTM cell (Hochreiter & Schmidhuber 1997, no peepholes) in the ONNX layout, gates i, o, f, c:
// i,o,f = σ(W·x + R·h + b), g = tanh(Wc·x + Rc·h + bc), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
// The state is h then c along the last axis.
import { BackwardInput, Cell, LayerWeights, reverseScan, sigmoidDeriv, tanhDeriv, timeMajor } from './cell';
import { GraphBuilder, Value } from '../onnx/onnxBuilder';

export const lstm: Cell = {
  op(g: GraphBuilder, x: Value, w: LayerWeights, state0: Value, hidden: number) {
    const [h0, c0] = g.split(state0, -1, [hidden, hidden]);
    const half = state0.shape ? [...state0.shape.slice(0, -1), hidden] : null;
    const [y4, hT, cT] = g.node('LSTM', [x, w.W, w.R, w.B, null, h0, c0], { hidden_size: hidden }, [
      { shape: x.shape ? [x.shape[0], 1, x.shape[1], hidden] : null },
      { shape: half },
      { shape: half },
    ]);
    return { y: g.squeeze(y4, [1]), state: g.concat([hT, cT], -1) };
  },

  backward(g: GraphBuilder, inp: BackwardInput) {
    const { steps: T, batch: B, hidden: H } = inp;
    if (!inp.c0) throw new Error('lstm backward needs the initial cell state');
    const a = g.add(inp.gx, inp.gh);
    const [ai, ao, af, ac] = g.split(a, 1, [H, H, H, H]);
    const [i, o, f] = [ai, ao, af].map((v) => g.unary('Sigmoid', v));
    const gc = g.unary('Tanh', ac);
    // The cell states are not an output of the LSTM op: rerun c' = f ⊙ c + i ⊙ g, elementwise only.
    const fwd = g.subgraph('lstm_cells');
    const cIn = fwd.input(`${fwd.name}.c`, 'float', [B, H]);
    const fIn = fwd.input(`${fwd.name}.f`, 'float', [B, H]);
    const igIn = fwd.input(`${fwd.name}.ig`, 'float', [B, H]);
    const cNext = fwd.add(fwd.mul(fIn, cIn), igIn);
    fwd.output(cNext);
    fwd.output(fwd.unary('Identity', cNext));
    const [, cAll] = g.scan(fwd, [inp.c0], [timeMajor(g, f, T, B), timeMajor(g, g.mul(i, gc), T, B)]);
    const c = g.reshape(cAll, [T * B, H]);
    const cPrev = T === 1 ? inp.c0 : g.concat([inp.c0, g.slice(c, 0, 0, (T - 1) * B)], 0);
    const tc = g.unary('Tanh', c);
    // dc_t = dc_{t+1}·f_{t+1} + dh_t·kc;  dL/da = [dc·ki, dh·ko, dc·kf, dc·kg].
    const kc = g.mul(o, tanhDeriv(g, tc));
    const k = g.concat([g.mul(gc, sigmoidDeriv(g, i)), g.mul(tc, sigmoidDeriv(g, o)), g.mul(cPrev, sigmoidDeriv(g, f)), g.mul(i, tanhDeriv(g, gc))], 1);
    const zero = g.constFloat(new Array(B * H).fill(0), [B, H]);
    const { outputs } = reverseScan(
      g,
      'lstm_bptt',
      [zero, zero],
      [timeMajor(g, inp.dy, T, B), timeMajor(g, kc, T, B), timeMajor(g, k, T, B), timeMajor(g, f, T, B)],
      (b, [dhCarry, dcCarry], [dyT, kcT, kT, fT]) => {
        const dh = b.add(dyT, dhCarry);
        const dc = b.add(dcCarry, b.mul(dh, kcT));
        const da = b.mul(b.concat([dc, dh, dc, dc], 1), kT); // [B, 4H]
        return { states: [b.matmul(da, inp.R2d), b.mul(dc, fT)], outputs: [da] };
      },
    );
    const da = g.reshape(outputs[0], [T * B, 4 * H]);
    return { dgx: da, dgh: da };
  },
};
