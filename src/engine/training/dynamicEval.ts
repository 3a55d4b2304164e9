// Dynamic evaluation (Krause et al. 2018, "Dynamic evaluation of neural sequence models"): the
// network goes on learning from the text it has just read. Each gradient step is the training graph
// (model/trainStep) run with weight decay off. Divided by the model's gradient prior (gradients.bin,
// held fixed: Adam with β2 = 1), that is Krause's RMS-normalised update with a global prior; without
// one, by Adam's running second moments. After every step the weights move back a fraction `decay`
// of the way to where they started, so what was learned of one text fades as other texts come, and
// the model never drifts far from the one it was trained to be.
import * as ort from 'onnxruntime-node';
import { buildTrainStepModel, ModelConfig, NeuralCacheOptions, stateSize, Weights } from '../model';
import { createSession, int64Tensor } from '../onnx/ortSession';
import { Document, Score, scoreWeights } from './evaluate';
import { weightsWithMoments } from './stepInputs';

export interface DynamicEvalOptions {
  /** Adam's step size. */
  readonly lr: number;
  /** Share of the distance to the starting weights taken back after every step (Krause's λ). */
  readonly decay: number;
  /** Tokens per gradient step: how far back gradients flow, and with `passes` the steps per KB. */
  readonly chunkTokens: number;
  /** Times a text is read for learning; each pass takes one step per chunk. */
  readonly passes: number;
  readonly clipNorm: number;
  readonly beta1: number;
  readonly beta2: number;
}

/**
 * Chosen on the tuning projects (`scripts/research/projects.sh tune`; README, Results). With the
 * model's gradient prior (model/gradientPrior: Krause's RMS normalisation by the training text's
 * mean squared gradients, fixed, measured at clip PRIOR_CLIP_NORM), two passes at lr 1e-4 and
 * decay 1e-4, clipped at norm 4: a chunk's gradient norm is 1 to 9 (median 3.3–3.7), so a
 * surprising chunk takes a larger step than a familiar one, where clip 1 made every step the same
 * size. Their first 40 KB each scored 1.445 bits/char, 1.135 with the neural cache (clip 1 at
 * lr 3e-4: 1.445 and 1.140); unclipped, lr 2e-4 diverged (scripts/research/fileStarts.ts). Without
 * a prior, Adam's own second moments (β2 0.99, from zero) at lr 5e-4, clip 1: 1.508 and 1.191.
 * Two passes cost twice the CPU of one.
 */
export function defaultDynamicEvalOptions(withPrior = true): DynamicEvalOptions {
  return { lr: withPrior ? 1e-4 : 5e-4, decay: 1e-4, chunkTokens: 64, passes: 2, clipNorm: withPrior ? 4 : 1, beta1: 0, beta2: 0.99 };
}

/** A chunk shorter than this at the end of a text is not learned from (it would need a graph of its own length). */
const MIN_CHUNK = 16;

export interface Learned {
  /** Gradient steps taken and tokens they read (over all passes). */
  readonly steps: number;
  readonly tokens: number;
  /** Mean loss of the steps (nats/token, each measured before its update). */
  readonly loss: number;
}

type Tensors = Record<string, ort.Tensor>;

/** The weights being learned, their Adam moments and the starting weights they decay toward. */
export class DynamicLearner {
  private readonly sessions = new Map<number, Promise<ort.InferenceSession>>();
  private params: Tensors;
  private readonly names: string[];
  private stepCount = 0;

  private constructor(
    readonly cfg: ModelConfig,
    private readonly start: Weights,
    private readonly docStartId: number,
    readonly options: DynamicEvalOptions,
    private readonly threads: number,
    current: Weights,
    private readonly prior: Weights | undefined,
  ) {
    this.names = [...start.keys()];
    this.params = weightsWithMoments(current, prior);
  }

  /**
   * Learns from `start` on, or from `current` (weights learned earlier from the same start).
   * Never mutates either. With a `prior` (mean squared gradients per weight), each step divides
   * by its square root, held fixed, instead of by Adam's running second moments.
   */
  static create(cfg: ModelConfig, start: Weights, docStartId: number, options: Partial<DynamicEvalOptions> = {}, threads = 1, current: Weights = start, prior?: Weights): DynamicLearner {
    const o = { ...defaultDynamicEvalOptions(prior !== undefined), ...options };
    if (!(o.lr >= 0) || !(o.decay >= 0 && o.decay <= 1) || !(o.chunkTokens >= MIN_CHUNK) || !(o.passes >= 1)) throw new Error(`invalid dynamic evaluation options ${JSON.stringify(o)}`);
    for (const [name, w] of start) {
      if (current.get(name)?.data.length !== w.data.length) throw new Error(`the learned weights do not fit the model (weight "${name}")`);
    }
    for (const [name, w] of start) {
      if (prior && prior.get(name)?.data.length !== w.data.length) throw new Error(`the gradient prior does not fit the model (weight "${name}")`);
    }
    return new DynamicLearner(cfg, start, docStartId, o, threads, current, prior);
  }

  /** Whether steps are divided by the model's gradient prior (else by Adam's running moments). */
  get hasPrior(): boolean {
    return this.prior !== undefined;
  }

  /** The current weights (views: valid until the next learn()). */
  get weights(): Weights {
    const w: Weights = new Map();
    for (const name of this.names) w.set(name, { dims: [...this.params[name].dims], data: this.params[name].data as Float32Array });
    return w;
  }

  /** Euclidean distance of the current weights from the starting ones. */
  distanceFromStart(): number {
    let sum = 0;
    for (const name of this.names) {
      const w = this.params[name].data as Float32Array;
      const s = this.start.get(name)!.data;
      for (let i = 0; i < w.length; i++) sum += (w[i] - s[i]) ** 2;
    }
    return Math.sqrt(sum);
  }

  /**
   * Scores documents with the current weights, each from the start-of-document state (and an empty
   * neural cache, if one). `between` is awaited before every run of the score graph, as in learn().
   */
  score(docs: readonly Document[], cache: NeuralCacheOptions | null = null, between?: () => Promise<void>): Promise<Score> {
    return scoreWeights(this.cfg, this.weights, this.docStartId, docs, { cache, threads: this.threads, between });
  }

  /**
   * Takes gradient steps on the text `doc.ids`, read after its start tokens (Tokenizer.documentStart,
   * as training reads a document; <|doc|> alone when absent), the state carried from chunk to
   * chunk: `passes` passes, one step per chunk. `between` is awaited before every step (the
   * learning process sleeps there to keep its CPU budget). A step whose loss is not finite is
   * dropped and ends the learning, so the weights stay the last good ones.
   */
  async learn(doc: Pick<Document, 'ids' | 'start'>, between?: () => Promise<void>, signal?: AbortSignal): Promise<Learned> {
    const o = this.options;
    const start = doc.start ?? [this.docStartId];
    const stream = new Int32Array(start.length + doc.ids.length);
    stream.set(start);
    stream.set(Array.from(doc.ids), start.length);
    const predicted = stream.length - 1;
    const chunks: { at: number; length: number }[] = [];
    for (let at = 0; at < predicted; at += o.chunkTokens) {
      const length = Math.min(o.chunkTokens, predicted - at);
      const usable = length === o.chunkTokens ? length : Math.floor(length / MIN_CHUNK) * MIN_CHUNK;
      if (usable >= MIN_CHUNK) chunks.push({ at, length: usable });
    }
    let steps = 0;
    let tokens = 0;
    let lossSum = 0;
    const S = stateSize(this.cfg);
    for (let pass = 0; pass < o.passes; pass++) {
      let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(this.cfg.layers * S), [this.cfg.layers, 1, S]);
      for (const { at, length } of chunks) {
        if (signal?.aborted) throw new Error('cancelled');
        await between?.();
        const session = await this.session(length);
        this.stepCount++;
        const out = await session.run({
          ...this.params,
          step: new ort.Tensor('float32', Float32Array.of(this.stepCount), []),
          lr: new ort.Tensor('float32', Float32Array.of(o.lr), []),
          tokens: int64Tensor(stream.subarray(at, at + length), [1, length]),
          targets: int64Tensor(stream.subarray(at + 1, at + 1 + length), [1, length]),
          state_in: state,
        });
        const loss = (out.loss.data as Float32Array)[0];
        if (!Number.isFinite(loss) || !Number.isFinite((out.grad_norm.data as Float32Array)[0])) return { steps, tokens, loss: steps ? lossSum / steps : NaN };
        for (const key of Object.keys(this.params)) this.params[key] = out[`new.${key}`];
        for (const name of this.names) decayToward(this.params[name].data as Float32Array, this.start.get(name)!.data, o.decay);
        state = out.state_out;
        steps++;
        tokens += length;
        lossSum += loss;
      }
    }
    return { steps, tokens, loss: steps ? lossSum / steps : NaN };
  }

  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (s) => (await s).release()));
  }

  /** The training graph for chunks of `length` tokens, batch 1 (built on first use). */
  private session(length: number): Promise<ort.InferenceSession> {
    let s = this.sessions.get(length);
    if (!s) {
      const o = this.options;
      s = createSession(buildTrainStepModel(this.cfg, { batch: 1, steps: length, clipNorm: o.clipNorm, beta1: o.beta1, beta2: this.prior ? 1 : o.beta2, eps: 1e-8, weightDecay: 0 }), this.threads);
      this.sessions.set(length, s);
    }
    return s;
  }
}

/** w ← start + (1 − decay)·(w − start), in place: Krause's decay toward the starting weights. */
export function decayToward(w: Float32Array, start: Float32Array, decay: number): void {
  if (decay === 0) return;
  const keep = 1 - decay;
  for (let i = 0; i < w.length; i++) w[i] = start[i] + keep * (w[i] - start[i]);
}

