// Elman cell, the seed model's: h' = tanh(W·x + R·h + Wb + Rb), as the ONNX RNN op (tanh).
import { BackwardInput, Cell, LayerWeights, reverseScan, tanhDeriv, timeMajor } from './cell';
import { GraphBuilder, Value } from '../onnx/onnxBuilder';

export const elman: Cell = {
  op(g: GraphBuilder, x: Value, w: LayerWeights, state0: Value, hidden: number) {
    const [y4, hT] = g.node('RNN', [x, w.W, w.R, w.B, null, state0], { hidden_size: hidden }, [
      { shape: x.shape ? [x.shape[0], 1, x.shape[1], hidden] : null },
      { shape: state0.shape },
    ]);
    return { y: g.squeeze(y4, [1]), state: hT };
  },

  backward(g: GraphBuilder, inp: BackwardInput) {
    const { steps: T, batch: B, hidden: H } = inp;
    const k = tanhDeriv(g, inp.y); // [N, H]
    const { outputs } = reverseScan(
      g,
      'rnn_bptt',
      [g.constFloat(new Array(B * H).fill(0), [B, H])],
      [timeMajor(g, inp.dy, T, B), timeMajor(g, k, T, B)],
      (b, [carry], [dyT, kT]) => {
        const da = b.mul(b.add(dyT, carry), kT); // dL/d(pre-activation) [B, H]
        return { states: [b.matmul(da, inp.R2d)], outputs: [da] };
      },
    );
    const da = g.reshape(outputs[0], [T * B, H]);
    return { dgx: da, dgh: da };
  },
};
