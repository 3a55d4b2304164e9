// Creates onnxruntime-node sessions the way every part of the engine needs them.
import * as ort from 'onnxruntime-node';

/**
 * A session over an in-memory graph. Spinning is off: an idle session must cost no CPU, and a
 * spinning pool of two threads burns a whole core between keystrokes.
 */
export function createSession(graph: Uint8Array, intraOpThreads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(graph, {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
}

/** int64 tensor from token ids. */
export function int64Tensor(ids: ArrayLike<number>, dims: number[]): ort.Tensor {
  const data = new BigInt64Array(ids.length);
  for (let i = 0; i < ids.length; i++) data[i] = BigInt(ids[i]);
  return new ort.Tensor('int64', data, dims);
}
