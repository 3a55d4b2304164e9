// The training loop: truncated BPTT over parallel token streams, one ONNX graph per step (forward,
// backward, clipping, AdamW), warmup + cosine learning rate, early stopping on validation loss,
// checkpoints to resume from, progress events and cancellation that leaves the caller's model as is.
import * as fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { buildScoreModel, buildTrainStepModel, ModelConfig, stateSize, Weights, weightSpecs } from '../model';
import { createSession, int64Tensor } from '../runtime/ortSession';
import { mulberry32 } from '../random';
import { chunkAt, makeLanes, shuffled } from './batches';
import { Document, scoreDocuments, Scored, summarize } from './evaluate';

export interface TrainOptions {
  readonly batch: number;
  /** Tokens per chunk: how far back gradients flow. */
  readonly steps: number;
  readonly lr: number;
  /** The cosine schedule ends at lr × minLrRatio. */
  readonly minLrRatio: number;
  readonly warmupSteps: number;
  readonly epochs: number;
  readonly maxMinutes: number;
  readonly evalEverySteps: number;
  /** Also checkpoint (without evaluating) every this many steps, so a stopped slow run loses little; 0: at evaluations only. */
  readonly checkpointEverySteps?: number;
  /** Stop after this many evaluations without a better validation loss. */
  readonly patience: number;
  /** Periodic evaluations score at most this many validation tokens (the final one scores all). */
  readonly evalMaxTokens: number;
  readonly clipNorm: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly threads: number;
}

export function defaultTrainOptions(): TrainOptions {
  return {
    batch: 32, steps: 64, lr: 3e-3, minLrRatio: 0.1, warmupSteps: 100, epochs: 1, maxMinutes: 60,
    evalEverySteps: 500, patience: 3, evalMaxTokens: 200_000, clipNorm: 1, beta1: 0.9, beta2: 0.99,
    eps: 1e-8, weightDecay: 0.01, seed: 1, threads: 2,
  };
}

export interface TrainProgress {
  readonly step: number;
  readonly totalSteps: number;
  readonly epoch: number;
  /** Mean training loss (nats/token) over recent steps. */
  readonly loss: number;
  readonly tokensPerSecond: number;
  readonly etaSeconds: number;
  readonly validBitsPerChar?: number;
}

export interface TrainInput {
  readonly cfg: ModelConfig;
  readonly weights: Weights;
  readonly docStartId: number;
  readonly train: readonly Document[];
  readonly valid: readonly Document[];
  readonly options: TrainOptions;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TrainProgress) => void;
  /** Saved every evaluation; a run resumes from it when it exists and fits. */
  readonly checkpointFile?: string;
}

export interface TrainResult {
  /** The weights with the best validation loss seen. */
  readonly weights: Weights;
  readonly before: Scored;
  readonly after: Scored;
  readonly steps: number;
  readonly trainTokens: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  readonly stopped: 'finished' | 'early stopping' | 'time limit';
  readonly history: { step: number; loss: number; validBitsPerChar: number }[];
}

export class TrainingCancelled extends Error {
  constructor() {
    super('Training was cancelled.');
  }
}

type Tensors = Record<string, ort.Tensor>;

/** Scores documents with a scoring graph built from the given weights. */
export async function evaluateWeights(cfg: ModelConfig, weights: Weights, docStartId: number, docs: readonly Document[], threads: number, signal?: AbortSignal): Promise<Scored> {
  const session = await createSession(buildScoreModel(cfg, weights), threads);
  try {
    return summarize(await scoreDocuments({ session, stateSize: stateSize(cfg), layers: cfg.layers }, docStartId, docs, { signal }));
  } finally {
    await session.release();
  }
}

/** Fine-tunes or trains `weights` on the training documents; never mutates the input weights. */
export async function train(input: TrainInput): Promise<TrainResult> {
  const { cfg, options: o, signal } = input;
  const started = Date.now();
  const check = () => { if (signal?.aborted) throw new TrainingCancelled(); };
  const names = [...input.weights.keys()];
  const S = stateSize(cfg);
  const evalSubset = takeTokens(input.valid, o.evalMaxTokens);

  const session = await createSession(
    buildTrainStepModel(cfg, { batch: o.batch, steps: o.steps, clipNorm: o.clipNorm, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay }),
    o.threads,
  );
  try {
    let params: Tensors = {};
    for (const [name, w] of input.weights) {
      params[name] = new ort.Tensor('float32', w.data.slice(), w.dims);
      params[`m.${name}`] = new ort.Tensor('float32', new Float32Array(w.data.length), w.dims);
      params[`v.${name}`] = new ort.Tensor('float32', new Float32Array(w.data.length), w.dims);
    }
    let step = 0;
    let epoch = 0;
    let chunk = 0;
    let best = { loss: Infinity, weights: input.weights, badEvals: 0 };
    const history: TrainResult['history'] = [];
    const resumed = input.checkpointFile ? readCheckpoint(input.checkpointFile, cfg, names) : undefined;
    if (resumed) {
      params = resumed.params;
      ({ step, epoch, chunk } = resumed);
      best = { loss: resumed.bestLoss, weights: resumed.bestWeights, badEvals: resumed.badEvals };
      history.push(...resumed.history);
    }

    check();
    const before = await evaluateWeights(cfg, input.weights, input.docStartId, input.valid, o.threads, signal);
    const trainDocs = input.train.map(streamTokens);
    const random = mulberry32(o.seed);
    const epochOrders: (readonly ArrayLike<number>[])[] = [];
    for (let e = 0; e < o.epochs; e++) epochOrders.push(shuffled(trainDocs, random));
    const lanesOf = (e: number) => makeLanes(epochOrders[e], input.docStartId, o.batch, o.steps);
    let lanes = lanesOf(epoch);
    const chunksPerEpoch = Math.max(1, (lanes.length - 1) / o.steps);
    if (lanes.length === 0) throw new Error(`Too little text to train on: need more than ${o.batch * o.steps} tokens.`);
    const plannedSteps = Math.round(chunksPerEpoch * o.epochs);
    let totalSteps = resumed?.totalSteps ?? plannedSteps;
    const deadline = started + o.maxMinutes * 60_000;

    let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(cfg.layers * o.batch * S), [cfg.layers, o.batch, S]);
    let lossSum = 0;
    let lossCount = 0;
    let stopped: TrainResult['stopped'] = 'finished';
    const runStart = Date.now();
    const firstStep = step;
    let window = { step, time: runStart };
    let runTokens = 0;
    const firstLoss: number[] = [];

    const evaluate = async (docs: readonly Document[]) => evaluateWeights(cfg, toWeights(params, names), input.docStartId, docs, o.threads, signal);

    while (step < totalSteps) {
      check();
      if (chunk >= chunksPerEpoch) {
        epoch++;
        chunk = 0;
        if (epoch >= o.epochs) break;
        lanes = lanesOf(epoch);
      }
      const { inputs, targets } = chunkAt(lanes, o.batch, o.steps, chunk);
      const lr = learningRate(o, step, totalSteps);
      const feeds: Tensors = {
        ...params,
        step: new ort.Tensor('float32', Float32Array.of(step + 1), []),
        lr: new ort.Tensor('float32', Float32Array.of(lr), []),
        tokens: int64Tensor(inputs, [o.batch, o.steps]),
        targets: int64Tensor(targets, [o.batch, o.steps]),
        state_in: state,
      };
      const out = await session.run(feeds);
      const loss = (out.loss.data as Float32Array)[0];
      if (!Number.isFinite(loss)) throw new Error(`Training stopped: the loss became ${loss} at step ${step + 1}.`);
      if (firstLoss.length < 10) firstLoss.push(loss);
      else if (loss > 3 * Math.max(...firstLoss)) throw new Error(`Training stopped: the loss grew to ${loss.toFixed(2)}, over three times its starting value.`);
      for (const key of Object.keys(params)) params[key] = out[`new.${key}`];
      state = out.state_out;
      step++;
      chunk++;
      runTokens += o.batch * o.steps;
      lossSum += loss;
      lossCount++;

      const elapsed = (Date.now() - runStart) / 1000;
      if (step === firstStep + 20 || step % 500 === 0) {
        // When the time limit would cut the schedule short, fit the schedule to the time left (at the
        // recent speed, which changes with the machine's load) so that the learning rate still decays.
        // A resumed run with more epochs or minutes refits 20 steps in: a warm restart of the cosine.
        const stepsPerSecond = (step - window.step) / Math.max(1e-3, (Date.now() - window.time) / 1000);
        const reachable = Math.floor(step + ((deadline - Date.now()) / 1000) * stepsPerSecond * 0.97);
        totalSteps = Math.max(step + 1, Math.min(plannedSteps, reachable));
        window = { step, time: Date.now() };
      }
      const tokensPerSecond = runTokens / Math.max(elapsed, 1e-3);
      const atEval = step % o.evalEverySteps === 0 || step === totalSteps;
      let validBitsPerChar: number | undefined;
      if (atEval && evalSubset.length) {
        const scored = await evaluate(evalSubset);
        validBitsPerChar = scored.bitsPerChar;
        history.push({ step, loss: lossSum / lossCount, validBitsPerChar });
        if (scored.bitsPerChar < best.loss) best = { loss: scored.bitsPerChar, weights: toWeights(params, names, true), badEvals: 0 };
        else best.badEvals++;
        if (input.checkpointFile) writeCheckpoint(input.checkpointFile, { cfg, names, params, step, epoch, chunk, totalSteps, bestLoss: best.loss, bestWeights: best.weights, badEvals: best.badEvals, history });
      } else if (input.checkpointFile && o.checkpointEverySteps && step % o.checkpointEverySteps === 0 && best.loss < Infinity) {
        // Between evaluations; only once an evaluation has chosen best weights to keep beside the current ones.
        writeCheckpoint(input.checkpointFile, { cfg, names, params, step, epoch, chunk, totalSteps, bestLoss: best.loss, bestWeights: best.weights, badEvals: best.badEvals, history });
      }
      if (step % 10 === 0 || atEval) {
        input.onProgress?.({ step, totalSteps, epoch, loss: lossSum / lossCount, tokensPerSecond, etaSeconds: ((totalSteps - step) * o.batch * o.steps) / tokensPerSecond, validBitsPerChar });
        if (step % 100 === 0 || atEval) { lossSum = 0; lossCount = 0; }
      }
      if (best.badEvals >= o.patience) { stopped = 'early stopping'; break; }
      if (Date.now() > deadline) { stopped = 'time limit'; break; }
    }
    if (step % o.evalEverySteps !== 0 && evalSubset.length) {
      const scored = await evaluate(evalSubset);
      if (scored.bitsPerChar < best.loss) best = { loss: scored.bitsPerChar, weights: toWeights(params, names, true), badEvals: 0 };
    }
    if (!evalSubset.length) best = { ...best, weights: toWeights(params, names, true) };
    check();
    const after = await evaluateWeights(cfg, best.weights, input.docStartId, input.valid, o.threads, signal);
    const seconds = (Date.now() - started) / 1000;
    return { weights: best.weights, before, after, steps: step, trainTokens: step * o.batch * o.steps, seconds, tokensPerSecond: runTokens / ((Date.now() - runStart) / 1000), stopped, history };
  } finally {
    await session.release();
  }
}

/** Linear warmup, then cosine decay to lr × minLrRatio. */
export function learningRate(o: Pick<TrainOptions, 'lr' | 'warmupSteps' | 'minLrRatio'>, step: number, totalSteps: number): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const progress = Math.min(1, (step - o.warmupSteps) / Math.max(1, totalSteps - o.warmupSteps));
  return o.lr * (o.minLrRatio + (1 - o.minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** A document's tokens in the training stream after its <|doc|> (makeLanes adds that): the rest of its start tokens, then its text. */
function streamTokens(d: Document): ArrayLike<number> {
  if (!d.start || d.start.length <= 1) return d.ids;
  const out = new Int32Array(d.start.length - 1 + d.ids.length);
  out.set(d.start.slice(1));
  out.set(d.ids, d.start.length - 1);
  return out;
}

function takeTokens(docs: readonly Document[], maxTokens: number): Document[] {
  const out: Document[] = [];
  let n = 0;
  for (const d of docs) {
    if (n >= maxTokens) break;
    out.push(d);
    n += d.ids.length;
  }
  return out;
}

function toWeights(params: Tensors, names: readonly string[], copy = false): Weights {
  const w: Weights = new Map();
  for (const name of names) {
    const t = params[name];
    const data = t.data as Float32Array;
    w.set(name, { dims: [...t.dims], data: copy ? data.slice() : data });
  }
  return w;
}

// Checkpoint: a JSON header (its byte length first, as uint32) followed by every float32 tensor in
// header order. Written to a temporary file and renamed, so a crash never leaves half a checkpoint.
interface Checkpoint {
  cfg: ModelConfig; names: string[]; params: Tensors; step: number; epoch: number; chunk: number; totalSteps: number;
  bestLoss: number; bestWeights: Weights; badEvals: number; history: TrainResult['history'];
}

function writeCheckpoint(file: string, c: Checkpoint): void {
  const tensors: { key: string; dims: readonly number[]; data: Float32Array }[] = [];
  for (const key of Object.keys(c.params)) tensors.push({ key, dims: c.params[key].dims, data: c.params[key].data as Float32Array });
  for (const [name, w] of c.bestWeights) tensors.push({ key: `best.${name}`, dims: w.dims, data: w.data });
  const header = Buffer.from(JSON.stringify({
    format: 1, cfg: c.cfg, step: c.step, epoch: c.epoch, chunk: c.chunk, totalSteps: c.totalSteps, bestLoss: c.bestLoss,
    badEvals: c.badEvals, history: c.history, tensors: tensors.map((t) => ({ key: t.key, dims: t.dims })),
  }));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, len);
    fs.writeSync(fd, header);
    for (const t of tensors) fs.writeSync(fd, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function readCheckpoint(file: string, cfg: ModelConfig, names: readonly string[]): Checkpoint | undefined {
  if (!fs.existsSync(file)) return undefined;
  const buf = fs.readFileSync(file);
  const headerLength = buf.readUInt32LE(0);
  const h = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8'));
  if (JSON.stringify(h.cfg) !== JSON.stringify(cfg)) throw new Error(`Checkpoint ${file} is for a different model configuration; remove it or use the same sizes.`);
  let offset = 4 + headerLength;
  const params: Tensors = {};
  const bestWeights: Weights = new Map();
  for (const t of h.tensors as { key: string; dims: number[] }[]) {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + n * 4));
    offset += n * 4;
    if (t.key.startsWith('best.')) bestWeights.set(t.key.slice(5), { dims: t.dims, data });
    else params[t.key] = new ort.Tensor('float32', data, t.dims);
  }
  if (offset !== buf.length || names.some((n) => !params[n])) throw new Error(`Checkpoint ${file} is truncated or does not match the model.`);
  return { cfg, names: [...names], params, step: h.step, epoch: h.epoch, chunk: h.chunk, totalSteps: h.totalSteps, bestLoss: h.bestLoss, bestWeights, badEvals: h.badEvals, history: h.history };
}

/** The best weights a checkpoint holds and where it stood, to export a run stopped before it finished. */
export function readCheckpointBest(file: string, cfg: ModelConfig): { weights: Weights; step: number; bestBitsPerChar: number; history: TrainResult['history'] } {
  const c = readCheckpoint(file, cfg, weightSpecs(cfg).map((s) => s.name));
  if (!c) throw new Error(`There is no checkpoint ${file}.`);
  return { weights: c.bestWeights, step: c.step, bestBitsPerChar: c.bestLoss, history: c.history };
}
