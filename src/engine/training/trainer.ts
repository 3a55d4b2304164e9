// The training loop: truncated BPTT over parallel token streams, one ONNX graph per step (forward,
// backward, clipping, AdamW), warmup + cosine learning rate fitted to the time limit (schedule.ts),
// early stopping on validation loss, checkpoints to resume from (checkpoint.ts), progress events
// and cancellation that leaves the caller's model as is.
import * as ort from 'onnxruntime-node';
import { buildTrainStepModel, ModelConfig, stateSize, Weights } from '../model';
import { createSession, int64Tensor } from '../onnx/ortSession';
import { IO, TRAIN_IO } from '../onnx/tensorNames';
import { mulberry32 } from '../random';
import { chunkAt, makeLanes, shuffled } from './batches';
import { Checkpoint, readCheckpoint, Tensors, writeCheckpoint } from './checkpoint';
import { Document, Scored, scoreWeights, summarize } from './evaluate';
import { Schedule } from './schedule';
import { weightsWithMoments } from './stepInputs';

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

/** Scores documents with a scoring graph built from the given weights. */
export async function evaluateWeights(cfg: ModelConfig, weights: Weights, docStartId: number, docs: readonly Document[], threads: number, signal?: AbortSignal): Promise<Scored> {
  return summarize(await scoreWeights(cfg, weights, docStartId, docs, { threads, signal }));
}

/** The best weights by validation loss so far, and the evaluations since that did not beat them. */
interface Best {
  loss: number;
  weights: Weights;
  badEvals: number;
}

/** What a run carries from step to step; a checkpoint saves it. */
interface RunState {
  /** The weights and their Adam moments, as the training step takes them. */
  params: Tensors;
  step: number;
  epoch: number;
  /** Chunks of the epoch done. */
  chunk: number;
  best: Best;
  history: TrainResult['history'];
}

/** Fine-tunes or trains `weights` on the training documents; never mutates the input weights. */
export async function train(input: TrainInput): Promise<TrainResult> {
  const { cfg, options: o, signal } = input;
  const started = Date.now();
  const check = () => { if (signal?.aborted) throw new TrainingCancelled(); };
  const names = [...input.weights.keys()];
  const evalSubset = takeTokens(input.valid, o.evalMaxTokens);

  const session = await createSession(
    buildTrainStepModel(cfg, { batch: o.batch, steps: o.steps, clipNorm: o.clipNorm, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay }),
    o.threads,
  );
  try {
    const resumed = input.checkpointFile ? readCheckpoint(input.checkpointFile, cfg, names) : undefined;
    const run = resumed ? resumedRun(resumed) : freshRun(input.weights);
    check();
    const before = await evaluateWeights(cfg, input.weights, input.docStartId, input.valid, o.threads, signal);
    const lanesOf = epochLanes(input);
    let lanes = lanesOf(run.epoch);
    const chunksPerEpoch = Math.max(1, (lanes.length - 1) / o.steps);
    if (lanes.length === 0) throw new Error(`Too little text to train on: need more than ${o.batch * o.steps} tokens.`);
    const plannedSteps = Math.round(chunksPerEpoch * o.epochs);
    const deadline = started + o.maxMinutes * 60_000;

    let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(cfg.layers * o.batch * stateSize(cfg)), [cfg.layers, o.batch, stateSize(cfg)]);
    let stopped: TrainResult['stopped'] = 'finished';
    const runStart = Date.now();
    const schedule = new Schedule(o, plannedSteps, resumed?.totalSteps ?? plannedSteps, run.step, deadline);
    const loss = new LossWatch();
    let runTokens = 0;
    const evaluate = async (docs: readonly Document[]) => evaluateWeights(cfg, toWeights(run.params, names), input.docStartId, docs, o.threads, signal);

    while (run.step < schedule.totalSteps) {
      check();
      if (run.chunk >= chunksPerEpoch) {
        run.epoch++;
        run.chunk = 0;
        if (run.epoch >= o.epochs) break;
        lanes = lanesOf(run.epoch);
      }
      const batch = chunkAt(lanes, o.batch, o.steps, run.chunk);
      const out = await trainStep(session, run.params, state, batch, o, run.step, schedule.lr(run.step));
      loss.add(out.loss, run.step);
      state = out.state;
      run.step++;
      run.chunk++;
      runTokens += o.batch * o.steps;
      schedule.fit(run.step);

      const tokensPerSecond = runTokens / Math.max((Date.now() - runStart) / 1000, 1e-3);
      const atEval = run.step % o.evalEverySteps === 0 || run.step === schedule.totalSteps;
      const validBitsPerChar = atEval && evalSubset.length ? await evaluateAndCheckpoint(run, () => evaluate(evalSubset), loss.mean, input, names, schedule.totalSteps) : undefined;
      // Also between evaluations when asked, once an evaluation has chosen best weights to keep beside the current ones.
      if (!atEval && o.checkpointEverySteps && run.step % o.checkpointEverySteps === 0 && run.best.loss < Infinity) saveRun(run, input, names, schedule.totalSteps);
      if (run.step % 10 === 0 || atEval) {
        const { step } = run;
        input.onProgress?.({ step, totalSteps: schedule.totalSteps, epoch: run.epoch, loss: loss.mean, tokensPerSecond, etaSeconds: ((schedule.totalSteps - step) * o.batch * o.steps) / tokensPerSecond, validBitsPerChar });
        if (step % 100 === 0 || atEval) loss.restart();
      }
      if (run.best.badEvals >= o.patience) { stopped = 'early stopping'; break; }
      if (schedule.timeUp) { stopped = 'time limit'; break; }
    }
    if (run.step % o.evalEverySteps !== 0 && evalSubset.length) keepIfBest(run, (await evaluate(evalSubset)).bitsPerChar, names);
    if (!evalSubset.length) run.best = { ...run.best, weights: toWeights(run.params, names, true) };
    check();
    const after = await evaluateWeights(cfg, run.best.weights, input.docStartId, input.valid, o.threads, signal);
    const seconds = (Date.now() - started) / 1000;
    const { step, history } = run;
    return { weights: run.best.weights, before, after, steps: step, trainTokens: step * o.batch * o.steps, seconds, tokensPerSecond: runTokens / ((Date.now() - runStart) / 1000), stopped, history };
  } finally {
    await session.release();
  }
}

/** One training step (forward, backward, clipping, AdamW): moves `params` on in place; returns the loss and the next chunk's state. */
async function trainStep(session: ort.InferenceSession, params: Tensors, state: ort.Tensor, batch: { inputs: ArrayLike<number>; targets: ArrayLike<number> }, o: TrainOptions, step: number, lr: number): Promise<{ loss: number; state: ort.Tensor }> {
  const out = await session.run({
    ...params,
    [TRAIN_IO.step]: new ort.Tensor('float32', Float32Array.of(step + 1), []),
    [TRAIN_IO.lr]: new ort.Tensor('float32', Float32Array.of(lr), []),
    [IO.tokens]: int64Tensor(batch.inputs, [o.batch, o.steps]),
    [IO.targets]: int64Tensor(batch.targets, [o.batch, o.steps]),
    [IO.stateIn]: state,
  });
  for (const key of Object.keys(params)) params[key] = out[TRAIN_IO.updated(key)];
  return { loss: (out[IO.loss].data as Float32Array)[0], state: out[IO.stateOut] };
}

/** The training loss: stops a run that diverges, and averages the recent steps for progress reports. */
class LossWatch {
  private readonly first: number[] = [];
  private sum = 0;
  private count = 0;

  /** The loss of step `step` (0-based). */
  add(loss: number, step: number): void {
    if (!Number.isFinite(loss)) throw new Error(`Training stopped: the loss became ${loss} at step ${step + 1}.`);
    if (this.first.length < 10) this.first.push(loss);
    else if (loss > 3 * Math.max(...this.first)) throw new Error(`Training stopped: the loss grew to ${loss.toFixed(2)}, over three times its starting value.`);
    this.sum += loss;
    this.count++;
  }

  /** Mean over the steps since the last restart. */
  get mean(): number {
    return this.sum / this.count;
  }

  restart(): void {
    this.sum = 0;
    this.count = 0;
  }
}

/** The lanes of each epoch: the training documents in a fresh order each epoch, from the seed. */
function epochLanes(input: TrainInput): (epoch: number) => ReturnType<typeof makeLanes> {
  const o = input.options;
  const trainDocs = input.train.map(streamTokens);
  const random = mulberry32(o.seed);
  const orders: (readonly ArrayLike<number>[])[] = [];
  for (let e = 0; e < o.epochs; e++) orders.push(shuffled(trainDocs, random));
  return (e) => makeLanes(orders[e], input.docStartId, o.batch, o.steps);
}

function freshRun(weights: Weights): RunState {
  return { params: weightsWithMoments(weights), step: 0, epoch: 0, chunk: 0, best: { loss: Infinity, weights, badEvals: 0 }, history: [] };
}

function resumedRun(c: Checkpoint): RunState {
  return { params: c.params, step: c.step, epoch: c.epoch, chunk: c.chunk, best: { loss: c.bestLoss, weights: c.bestWeights, badEvals: c.badEvals }, history: [...c.history] };
}

/** A periodic evaluation: scores the current weights, keeps them if best, adds them to the history and saves the run. Returns bits per character. */
async function evaluateAndCheckpoint(run: RunState, evaluate: () => Promise<Scored>, trainLoss: number, input: TrainInput, names: readonly string[], totalSteps: number): Promise<number> {
  const validBitsPerChar = (await evaluate()).bitsPerChar;
  keepIfBest(run, validBitsPerChar, names);
  run.history.push({ step: run.step, loss: trainLoss, validBitsPerChar });
  saveRun(run, input, names, totalSteps);
  return validBitsPerChar;
}

/** Writes the run to the input's checkpoint file, if it has one. */
function saveRun(run: RunState, input: TrainInput, names: readonly string[], totalSteps: number): void {
  if (!input.checkpointFile) return;
  const { params, step, epoch, chunk, best, history } = run;
  writeCheckpoint(input.checkpointFile, { cfg: input.cfg, names: [...names], params, step, epoch, chunk, totalSteps, bestLoss: best.loss, bestWeights: best.weights, badEvals: best.badEvals, history });
}

/** Counts an evaluation: the current weights become the best when they score better, else one more bad evaluation. */
function keepIfBest(run: RunState, bitsPerChar: number, names: readonly string[]): void {
  if (bitsPerChar < run.best.loss) run.best = { loss: bitsPerChar, weights: toWeights(run.params, names, true), badEvals: 0 };
  else run.best.badEvals++;
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
