// The mean squared gradient of every weight over texts read as dynamic evaluation reads them (batch
// 1, chunks carrying the state): the measurement behind a model's gradient prior
// (model/gradientPrior; scripts/research/gradientPrior.ts runs it on the training corpus).
import * as ort from 'onnxruntime-node';
import { buildTrainStepModel, ModelConfig, stateSize, Weights, weightSpecs } from '../model';
import { createSession, int64Tensor } from '../onnx/ortSession';
import { TRAIN_IO } from '../onnx/tensorNames';
import { weightsWithMoments } from './stepInputs';

/** Over the first `maxChunks` chunks of `chunkTokens` of each stream (start tokens included); the clipped gradients, as learning clips them. */
export async function meanSquaredGradients(cfg: ModelConfig, weights: Weights, streams: readonly ArrayLike<number>[], o: { chunkTokens: number; maxChunks: number; clipNorm: number; threads?: number }): Promise<{ meanSquares: Weights; chunks: number }> {
  const T = o.chunkTokens;
  // With β2 = 0 and a learning rate of 0, the step's new second moments are the squared gradients.
  const session = await createSession(buildTrainStepModel(cfg, { batch: 1, steps: T, clipNorm: o.clipNorm, beta1: 0, beta2: 0, eps: 1e-8, weightDecay: 0 }), o.threads ?? 1);
  const specs = weightSpecs(cfg);
  const feeds: Record<string, ort.Tensor> = { ...weightsWithMoments(weights), step: new ort.Tensor('float32', Float32Array.of(1), []), lr: new ort.Tensor('float32', Float32Array.of(0), []) };
  const sums = new Map(specs.map((s) => [s.name, new Float64Array(weights.get(s.name)!.data.length)]));
  let chunks = 0;
  try {
    for (const stream of streams) {
      const ids = Array.from(stream);
      let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(cfg.layers * stateSize(cfg)), [cfg.layers, 1, stateSize(cfg)]);
      for (let c = 0; c < o.maxChunks && (c + 1) * T < ids.length; c++) {
        const out = await session.run({ ...feeds, state_in: state,
          tokens: int64Tensor(ids.slice(c * T, (c + 1) * T), [1, T]), targets: int64Tensor(ids.slice(c * T + 1, (c + 1) * T + 1), [1, T]) });
        for (const s of specs) {
          const g2 = out[TRAIN_IO.updated(TRAIN_IO.v(s.name))].data as Float32Array;
          const sum = sums.get(s.name)!;
          for (let i = 0; i < g2.length; i++) sum[i] += g2[i];
        }
        state = out.state_out;
        chunks++;
      }
    }
  } finally {
    await session.release();
  }
  if (!chunks) throw new Error(`no text of more than ${T} tokens to measure gradients on`);
  return { meanSquares: new Map(specs.map((s) => [s.name, { dims: s.dims, data: Float32Array.from(sums.get(s.name)!, (x) => x / chunks) }])), chunks };
}
