// GRU cell (Cho et al. 2014) in the ONNX layout: gates z (update), r (reset), h (candidate n),
// linear_before_reset=1:  z = σ(Wz·x + Rz·h + bz),  r = σ(Wr·x + Rr·h + br),
// n = tanh(Wh·x + Wbh + r ⊙ (Rh·h + Rbh)),  h' = (1 - z) ⊙ n + z ⊙ h.
import { BackwardInput, Cell, LayerWeights, reverseScan, sigmoidDeriv, tanhDeriv, timeMajor } from './cell';
import { GraphBuilder, Value } from '../onnx/onnxBuilder';

export const gru: Cell = {
  op(g: GraphBuilder, x: Value, w: LayerWeights, state0: Value, hidden: number) {
    const [y4, hT] = g.node('GRU', [x, w.W, w.R, w.B, null, state0], { hidden_size: hidden, linear_before_reset: 1 }, [
      { shape: x.shape ? [x.shape[0], 1, x.shape[1], hidden] : null },
      { shape: state0.shape },
    ]);
    return { y: g.squeeze(y4, [1]), state: hT };
  },

  backward(g: GraphBuilder, inp: BackwardInput) {
    const { steps: T, batch: B, hidden: H } = inp;
    const [gxz, gxr, gxn] = g.split(inp.gx, 1, [H, H, H]);
    const [ghz, ghr, ghn] = g.split(inp.gh, 1, [H, H, H]);
    const z = g.unary('Sigmoid', g.add(gxz, ghz));
    const r = g.unary('Sigmoid', g.add(gxr, ghr));
    const n = g.unary('Tanh', g.add(gxn, g.mul(r, ghn)));
    // dL/da per gate = dh ⊙ K: az ← (h_prev - n)·σ'(az), an ← (1-z)·tanh'(an), ar ← an-factor·ghn·σ'(ar).
    const kz = g.mul(g.sub(inp.hPrev, n), sigmoidDeriv(g, z));
    const kn = g.mul(g.sub(g.constFloat(1), z), tanhDeriv(g, n));
    const kr = g.mul(g.mul(kn, ghn), sigmoidDeriv(g, r));
    // The recurrent side sees the candidate's pre-activation only through r ⊙ (Rh·h + Rbh).
    const kx = g.concat([kz, kr, kn], 1); // [N, 3H]
    const kh = g.concat([kz, kr, g.mul(kn, r)], 1);
    const { outputs } = reverseScan(
      g,
      'gru_bptt',
      [g.constFloat(new Array(B * H).fill(0), [B, H])],
      [timeMajor(g, inp.dy, T, B), timeMajor(g, kh, T, B), timeMajor(g, z, T, B)],
      (b, [carry], [dyT, khT, zT]) => {
        const dh = b.add(dyT, carry); // [B, H] total dL/dh_t
        const dgh = b.mul(b.concat([dh, dh, dh], 1), khT); // [B, 3H]
        const dhPrev = b.add(b.mul(dh, zT), b.matmul(dgh, inp.R2d));
        return { states: [dhPrev], outputs: [dh] };
      },
    );
    const dh = g.reshape(outputs[0], [T * B, H]);
    const dh3 = g.concat([dh, dh, dh], 1);
    return { dgx: g.mul(dh3, kx), dgh: g.mul(dh3, kh) };
  },
};
