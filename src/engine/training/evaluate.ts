// Bits per character and perplexity of a model on whole files, with the sequence-scoring graph.
// Each file is scored from the start-of-document state: <|doc|> (and the language token, when the
// document says one) is fed first and predicts token 1; the start tokens themselves are not scored.
import * as ort from 'onnxruntime-node';
import { buildCacheScoreModel, buildScoreModel, CACHE_IO, cacheKeySize, ModelConfig, NeuralCacheOptions, stateSize, Weights } from '../model';
import { createSession, int64Tensor } from '../onnx/ortSession';
import { IO } from '../onnx/tensorNames';

export interface Score {
  readonly files: number;
  readonly chars: number;
  readonly tokens: number;
  /** Total −log p of every token, in nats. */
  readonly nats: number;
}

export interface Scored extends Score {
  readonly bitsPerChar: number;
  /** Per model token. */
  readonly perplexity: number;
}

export function summarize(s: Score): Scored {
  return {
    ...s,
    bitsPerChar: s.chars ? s.nats / Math.LN2 / s.chars : NaN,
    perplexity: s.tokens ? Math.exp(s.nats / s.tokens) : NaN,
  };
}

export interface ScoreGraph {
  readonly session: ort.InferenceSession;
  /** State width per layer and batch entry, and number of layers. */
  readonly stateSize: number;
  readonly layers: number;
  /** A graph built by buildCacheScoreModel: its memory's size and key width, and the cache's share λ. */
  readonly cache?: { readonly size: number; readonly keySize: number; readonly lambda: number };
}

/** The ScoreGraph of a session built by buildScoreModel (`cache` null) or buildCacheScoreModel. */
export function scoreGraphOf(session: ort.InferenceSession, cfg: ModelConfig, cache: NeuralCacheOptions | null): ScoreGraph {
  return { session, stateSize: stateSize(cfg), layers: cfg.layers, cache: cache ? { size: cache.size, keySize: cacheKeySize(cfg, cache.key), lambda: cache.lambda } : undefined };
}

export interface Document {
  readonly ids: ArrayLike<number>;
  readonly chars: number;
  /** The tokens fed before `ids` (Tokenizer.documentStart); [docStartId] when absent. */
  readonly start?: readonly number[];
}

export interface ScoreOptions {
  lanes?: number;
  chunk?: number;
  signal?: AbortSignal;
  onTokenLogProbs?: (doc: number, logProbs: Float32Array) => void;
  /** Awaited between chunks: lets a worker answer keystrokes during a long score. */
  between?: () => Promise<void>;
}

/**
 * Scores documents with a score graph built for `weights` (the neural cache's when `cache` is
 * given) and released after; a caller that scores the same weights often keeps a ScoreGraph instead.
 */
export async function scoreWeights(
  cfg: ModelConfig,
  weights: Weights,
  docStartId: number,
  docs: readonly Document[],
  options: ScoreOptions & { cache?: NeuralCacheOptions | null; threads?: number } = {},
): Promise<Score> {
  const cache = options.cache ?? null;
  const session = await createSession(cache ? buildCacheScoreModel(cfg, weights, cache) : buildScoreModel(cfg, weights), options.threads ?? 1);
  try {
    return await scoreDocuments(scoreGraphOf(session, cfg, cache), docStartId, docs, options);
  } finally {
    await session.release();
  }
}

/**
 * Scores documents packed into `lanes` parallel rows of `chunk` tokens: a lane takes the next
 * document when its current one ends, at a chunk boundary, with its state zeroed there.
 * `onTokenLogProbs` receives every scored token's log p, per document, in order, when given.
 */
export async function scoreDocuments(graph: ScoreGraph, docStartId: number, docs: readonly Document[], options: ScoreOptions = {}): Promise<Score> {
  const lanes = Math.max(1, Math.min(options.lanes ?? 16, docs.length));
  const chunk = options.chunk ?? 256;
  const { stateSize: S, layers: L } = graph;
  const state = new Float32Array(L * lanes * S);
  // Per lane: which document, and how far into it (position p means tokens [p, p+chunk) are targets;
  // it starts below 0 when the document has more than one start token, whose targets are not scored).
  const laneDoc = new Int32Array(lanes).fill(-1);
  const lanePos = new Int32Array(lanes);
  let next = 0;
  let nats = 0;
  let tokens = 0;
  const perDoc = options.onTokenLogProbs ? new Map<number, number[]>() : undefined;
  const memory = graph.cache && new CacheMemory(lanes, graph.cache.size, graph.cache.keySize);

  const take = (lane: number) => {
    while (next < docs.length && docs[next].ids.length === 0) next++;
    laneDoc[lane] = next < docs.length ? next++ : -1;
    lanePos[lane] = laneDoc[lane] >= 0 ? 1 - (docs[laneDoc[lane]].start?.length ?? 1) : 0;
    for (let l = 0; l < L; l++) state.fill(0, (l * lanes + lane) * S, (l * lanes + lane + 1) * S);
    memory?.clear(lane);
  };
  for (let lane = 0; lane < lanes; lane++) take(lane);

  const inputs = new Array<number>(lanes * chunk);
  const targets = new Array<number>(lanes * chunk);
  while (laneDoc.some((d) => d >= 0)) {
    if (options.signal?.aborted) throw new Error('cancelled');
    await options.between?.();
    for (let lane = 0; lane < lanes; lane++) {
      const d = laneDoc[lane];
      const ids = d >= 0 ? docs[d].ids : [];
      const start = (d >= 0 && docs[d].start) || [docStartId];
      for (let t = 0; t < chunk; t++) {
        // Input at position p is token p−1 of start ++ ids shifted so that position 0 reads the
        // last start token; the target is token p (unscored below 0).
        const p = lanePos[lane] + t;
        const ok = p < ids.length;
        const q = p + start.length - 1;
        inputs[lane * chunk + t] = ok ? (q < start.length ? start[q] : ids[p - 1]) : docStartId;
        // An unscored start position's target is the start token that follows, so the neural
        // cache's memory holds what really came next there.
        targets[lane * chunk + t] = ok ? (p >= 0 ? ids[p] : start[q + 1]) : 0;
      }
    }
    const out = await graph.session.run({
      [IO.tokens]: int64Tensor(inputs, [lanes, chunk]),
      [IO.targets]: int64Tensor(targets, [lanes, chunk]),
      [IO.stateIn]: new ort.Tensor('float32', state, [L, lanes, S]),
      ...memory?.inputs(),
    });
    const logp = out[IO.targetLogProbs].data as Float32Array;
    state.set(out[IO.stateOut].data as Float32Array);
    if (memory) {
      memory.update(out);
      mixCache(logp, out[CACHE_IO.targetProbs].data as Float32Array, graph.cache!.lambda, lanes, chunk, lanePos);
    }
    for (let lane = 0; lane < lanes; lane++) {
      const d = laneDoc[lane];
      if (d < 0) continue;
      const skip = Math.max(0, -lanePos[lane]);
      const n = Math.max(0, Math.min(chunk, docs[d].ids.length - lanePos[lane]) - skip);
      const row = logp.subarray(lane * chunk + skip, lane * chunk + skip + n);
      for (let t = 0; t < n; t++) nats -= row[t];
      tokens += n;
      if (perDoc) {
        let list = perDoc.get(d);
        if (!list) perDoc.set(d, (list = []));
        for (let t = 0; t < n; t++) list.push(row[t]);
      }
      lanePos[lane] += chunk;
      if (lanePos[lane] >= docs[d].ids.length) {
        if (perDoc) {
          options.onTokenLogProbs!(d, Float32Array.from(perDoc.get(d) ?? []));
          perDoc.delete(d);
        }
        take(lane);
      }
    }
  }
  if (!Number.isFinite(nats)) throw new Error('the model produced a non-finite score');
  return { files: docs.length, chars: docs.reduce((a, d) => a + d.chars, 0), tokens, nats };
}

/** The score graph's cache memory per lane: the keys of the last N positions and their next tokens (−1: empty). */
class CacheMemory {
  private keys: Float32Array;
  private next: BigInt64Array;

  constructor(private readonly lanes: number, private readonly size: number, private readonly keySize: number) {
    this.keys = new Float32Array(lanes * size * keySize);
    this.next = new BigInt64Array(lanes * size).fill(-1n);
  }

  clear(lane: number): void {
    this.next.fill(-1n, lane * this.size, (lane + 1) * this.size);
  }

  inputs(): Record<string, ort.Tensor> {
    return {
      [CACHE_IO.keysIn]: new ort.Tensor('float32', this.keys, [this.lanes, this.size, this.keySize]),
      [CACHE_IO.nextIn]: new ort.Tensor('int64', this.next, [this.lanes, this.size]),
    };
  }

  update(out: ort.InferenceSession.OnnxValueMapType): void {
    this.keys = out[CACHE_IO.keysOut].data as Float32Array;
    this.next = out[CACHE_IO.nextOut].data as BigInt64Array;
  }
}

/**
 * p = (1 − λ)·p_net + λ·p_cache in place, per token of [lanes, chunk]; a document's first token
 * (position 0: nothing of its text cached yet) and its unscored start positions keep p_net.
 */
function mixCache(logp: Float32Array, cacheProbs: Float32Array, lambda: number, lanes: number, chunk: number, lanePos: Int32Array): void {
  for (let lane = 0; lane < lanes; lane++) {
    for (let t = Math.max(0, 1 - lanePos[lane]); t < chunk; t++) {
      const i = lane * chunk + t;
      logp[i] = Math.log((1 - lambda) * Math.exp(logp[i]) + lambda * cacheProbs[i]);
    }
  }
}
