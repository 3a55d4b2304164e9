// What the training-step graph (model/trainStep) carries from step to step, as its inputs.
import * as ort from 'onnxruntime-node';
import { Weights } from '../model';
import { TRAIN_IO } from '../onnx/tensorNames';

/**
 * Every weight (a copy: learning may change it in place) with its Adam moments: the first zero,
 * the second zero unless given (a gradient prior, model/gradientPrior).
 */
export function weightsWithMoments(weights: Weights, secondMoments?: Weights): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, w] of weights) {
    feeds[name] = new ort.Tensor('float32', w.data.slice(), w.dims);
    feeds[TRAIN_IO.m(name)] = new ort.Tensor('float32', new Float32Array(w.data.length), w.dims);
    feeds[TRAIN_IO.v(name)] = new ort.Tensor('float32', secondMoments ? secondMoments.get(name)!.data.slice() : new Float32Array(w.data.length), w.dims);
  }
  return feeds;
}
