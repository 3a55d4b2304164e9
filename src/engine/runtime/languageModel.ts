// A loaded model folder: tokenizer, configuration and the ORT sessions that run it for completion
// (1 intra-op thread, so typing never competes with itself for the two cores).
//
// Sessions (B batch, T tokens, L layers, S state width, V vocabulary):
//   step:    tokens int64 [B,T], state_in f32 [L,B,S], asked_ids int64 [B·T,M]
//            -> log_probs f32 [B,T,V], state_out [L,B,S], and the word search's heads per row
//            (see SearchHeads), among them asked_log_probs [B·T,M]
//   advance: tokens int64 [B,T], state_in            -> state_out [L,B,S]
//   score:   tokens, targets int64 [B,T], state_in   -> target_log_probs f32 [B,T], state_out
import * as path from 'node:path';
import { isIdentifierByte } from '../text/identifier';
import * as ort from 'onnxruntime-node';
import { buildAdvanceModel, buildCacheScoreModel, buildScoreModel, buildSearchStepModel, CACHE_IO, checkWeights, defaultNeuralCache, kindWordsFile, loadModelFolder, MODEL_FILES, ModelConfig, ModelMeta, NeuralCacheOptions, stateSize, Weights } from '../model';
import { Tokenizer, WordMemoryKind } from '../tokenizer';
import { createSession, int64Tensor } from '../onnx/ortSession';
import { IO } from '../onnx/tensorNames';
import { ScoreGraph, scoreGraphOf } from '../training/evaluate';
import { NgramModel } from '../ngram/ngramModel';
import { WordMemory } from '../ngram/wordMemory';

/** Word tokens the step graph reports per row: the word search's beam can be no wider. */
export const SEARCH_TOP_K = 8;

/** What the step graph's search heads report of every row (see SearchHeads). */
export interface RowHeads {
  /** log P(the next token continues a word) and log P(it ends the word). */
  readonly wordLogMass: number;
  readonly endLogMass: number;
  /** The SEARCH_TOP_K most probable word tokens, best first, and their log-probabilities. */
  readonly topIds: Int32Array;
  readonly topLogProbs: Float32Array;
}

/** One row of next-token predictions, with what the word search reads of it (from the graph). */
export interface Prediction extends RowHeads {
  /** Log-probabilities of every next token, [V]. */
  readonly logProbs: Float32Array;
  /** The row's neural cache key (see runtime/neuralCache), when the model runs with the cache. */
  readonly cacheKey?: Float32Array;
}

/** A row of which only the asked tokens' log-probabilities were fetched (see LanguageModel.ask). */
export interface AskedPrediction extends RowHeads {
  readonly askedIds: ArrayLike<number>;
  /** askedLogProbs[i] is the log-probability of askedIds[i]. */
  readonly askedLogProbs: Float32Array;
}

export class LanguageModel {
  readonly stateSize: number;
  /** Which weights the sessions run: 0 for the folder's own, else the version of learned weights in use (see useWeights). */
  private weightsVersion = 0;

  private constructor(
    readonly dir: string,
    readonly cfg: ModelConfig,
    readonly tokenizer: Tokenizer,
    readonly meta: ModelMeta,
    readonly tokens: TokenTables,
    /** The folder's word memory (words.bin, and words.<kind>.bin beside it), if it has one. */
    readonly memory: WordMemory | undefined,
    private stepSession: ort.InferenceSession,
    private advanceSession: ort.InferenceSession,
    private scoreSession: ort.InferenceSession,
    private readonly scoreThreads: number,
    /** The neural cache completion and scoring mix in, or null for the network alone. */
    readonly neuralCache: NeuralCacheOptions | null,
  ) {
    this.stateSize = stateSize(cfg);
  }

  /** Loads a model folder; throws an Error that names the faulty file. */
  static async load(dir: string, scoreThreads = 1, neuralCache: NeuralCacheOptions | null = defaultNeuralCache()): Promise<LanguageModel> {
    const folder = loadModelFolder(dir);
    // loadModelFolder counts the ids; the tokenizer may still reject its merges or lack a token.
    const tokenizerFile = path.join(path.resolve(dir), MODEL_FILES.tokenizer);
    let tokenizer: Tokenizer;
    try {
      tokenizer = Tokenizer.fromJSON(folder.tokenizerJSON);
    } catch (e) {
      throw new Error(`${tokenizerFile}: ${(e as Error).message.replace(/^(tokenizer(\.json)?: )+/, '')}`);
    }
    if (tokenizer.vocabSize !== folder.cfg.vocabSize) {
      throw new Error(`${tokenizerFile} has ${tokenizer.vocabSize} tokens but the model's vocabulary size is ${folder.cfg.vocabSize}.`);
    }
    const tokens = tokenTables(tokenizer);
    const where = (name: string) => path.join(path.resolve(dir), name);
    const kinds = new Map(Object.entries(folder.kindWords ?? {}).map(([kind, bytes]) => [kind as WordMemoryKind, NgramModel.decode(bytes, where(kindWordsFile(kind as WordMemoryKind)))]));
    const memory = folder.words && new WordMemory(NgramModel.decode(folder.words, where(MODEL_FILES.words)), kinds);
    const [step, advance, score] = await createSessions(folder.cfg, folder.weights, tokens, scoreThreads, neuralCache);
    return new LanguageModel(dir, folder.cfg, tokenizer, folder.meta ?? {}, tokens, memory, step, advance, score, scoreThreads, neuralCache);
  }

  get version(): number {
    return this.weightsVersion;
  }

  /** Sessions for other weights of the same configuration (dynamic evaluation's), to switch to with useWeights. */
  async prepareWeights(weights: Weights, version: number): Promise<PreparedWeights> {
    checkWeights(this.cfg, weights);
    return { model: this, version, sessions: await createSessions(this.cfg, weights, this.tokens, this.scoreThreads, this.neuralCache) };
  }

  /**
   * Runs the prepared weights from now on: the three sessions change in one synchronous step, so a
   * caller that runs one request at a time never answers a request with a mix of old and new weights.
   */
  useWeights(prepared: PreparedWeights): void {
    if (prepared.model !== this) throw new Error('the weights were prepared for another model');
    const old = [this.stepSession, this.advanceSession, this.scoreSession];
    [this.stepSession, this.advanceSession, this.scoreSession] = prepared.sessions;
    this.weightsVersion = prepared.version;
    for (const s of old) void s.release();
  }

  get layers(): number {
    return this.cfg.layers;
  }

  /** A zeroed state for `batch` sequences, [L, B, S]. */
  zeroState(batch = 1): Float32Array {
    return new Float32Array(this.cfg.layers * batch * this.stateSize);
  }

  /** Runs tokens [B, T] from states [L, B, S]; returns the predictions after each token (row b·T + t) and the new states. */
  async step(tokens: ArrayLike<number>, batch: number, state: Float32Array): Promise<{ predictions: Prediction[]; state: Float32Array }> {
    const rows = tokens.length;
    const out = await this.stepSession.run(this.stepFeeds(tokens, batch, state, int64Tensor(new Array<number>(rows).fill(0), [rows, 1])));
    const V = this.cfg.vocabSize;
    const logProbs = out[IO.logProbs].data as Float32Array;
    const keys = out[CACHE_IO.key]?.data as Float32Array | undefined;
    const D = keys ? keys.length / rows : 0;
    const heads = rowHeads(out, rows);
    const predictions = heads.map((h, r) => ({ ...h, logProbs: logProbs.subarray(r * V, (r + 1) * V), cacheKey: keys?.subarray(r * D, (r + 1) * D) }));
    return { predictions, state: out[IO.stateOut].data as Float32Array };
  }

  /**
   * step() that fetches of each row only the log-probabilities of the tokens `asked[row]` names:
   * a whole row is 4·V bytes the worker would allocate and collect for each row the search runs.
   */
  async ask(tokens: ArrayLike<number>, batch: number, state: Float32Array, asked: readonly ArrayLike<number>[]): Promise<{ predictions: AskedPrediction[]; state: Float32Array }> {
    const rows = tokens.length;
    if (asked.length !== rows) throw new Error(`asked for ${asked.length} rows of ${rows}`);
    const M = Math.max(1, ...asked.map((a) => a.length));
    const ids = new Array<number>(rows * M).fill(0);
    for (let r = 0; r < rows; r++) for (let i = 0; i < asked[r].length; i++) ids[r * M + i] = asked[r][i];
    const fetches = [IO.wordEndLogMass, IO.wordTopLogProbs, IO.wordTopIds, IO.askedLogProbs, IO.stateOut];
    const out = await this.stepSession.run(this.stepFeeds(tokens, batch, state, int64Tensor(ids, [rows, M])), fetches);
    const askedLogProbs = out[IO.askedLogProbs].data as Float32Array;
    const heads = rowHeads(out, rows);
    const predictions = heads.map((h, r) => ({ ...h, askedIds: asked[r], askedLogProbs: askedLogProbs.subarray(r * M, r * M + asked[r].length) }));
    return { predictions, state: out[IO.stateOut].data as Float32Array };
  }

  private stepFeeds(tokens: ArrayLike<number>, batch: number, state: Float32Array, askedIds: ort.Tensor): ort.InferenceSession.FeedsType {
    return {
      [IO.tokens]: int64Tensor(tokens, [batch, tokens.length / batch]),
      [IO.stateIn]: new ort.Tensor('float32', state, [this.cfg.layers, batch, this.stateSize]),
      [IO.askedIds]: askedIds,
    };
  }

  /**
   * Advances one sequence's state over tokens without computing any distribution; `onKeys` gets the
   * neural cache keys [T, D] of the positions after each token, when the model runs with the cache.
   */
  async advance(tokens: ArrayLike<number>, state: Float32Array, onKeys?: (keys: Float32Array) => void): Promise<Float32Array> {
    const out = await this.advanceSession.run({
      [IO.tokens]: int64Tensor(tokens, [1, tokens.length]),
      [IO.stateIn]: new ort.Tensor('float32', state, [this.cfg.layers, 1, this.stateSize]),
    });
    if (onKeys && out[CACHE_IO.key]) onKeys(out[CACHE_IO.key].data as Float32Array);
    return out[IO.stateOut].data as Float32Array;
  }

  /** The scoring graph, for perplexity over whole documents (with the neural cache when the model has it). */
  get scoreGraph(): ScoreGraph {
    return scoreGraphOf(this.scoreSession, this.cfg, this.neuralCache);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.stepSession.release(), this.advanceSession.release(), this.scoreSession.release()]);
  }
}

/** Each row's search heads, from a run of the search step graph. */
function rowHeads(out: ort.InferenceSession.OnnxValueMapType, rows: number): RowHeads[] {
  const K = SEARCH_TOP_K;
  const masses = out[IO.wordEndLogMass].data as Float32Array;
  const topLogProbs = out[IO.wordTopLogProbs].data as Float32Array;
  const topIds = Int32Array.from(out[IO.wordTopIds].data as BigInt64Array, Number);
  return Array.from({ length: rows }, (_, r) => ({
    wordLogMass: masses[2 * r],
    endLogMass: masses[2 * r + 1],
    topIds: topIds.subarray(r * K, (r + 1) * K),
    topLogProbs: topLogProbs.subarray(r * K, (r + 1) * K),
  }));
}

function createSessions(cfg: ModelConfig, weights: Weights, tokens: TokenTables, scoreThreads: number, neuralCache: NeuralCacheOptions | null): Promise<ort.InferenceSession[]> {
  // Completion reads keys only when it mixes the cache in; without them its graphs run as before.
  const key = neuralCache?.completionLambda ? neuralCache.key : undefined;
  return Promise.all([
    createSession(buildSearchStepModel(cfg, weights, { wordToken: tokens.wordToken, boundaryToken: tokens.boundaryToken, topK: SEARCH_TOP_K }, key), 1),
    createSession(buildAdvanceModel(cfg, weights, key), 1),
    createSession(neuralCache ? buildCacheScoreModel(cfg, weights, neuralCache) : buildScoreModel(cfg, weights), scoreThreads),
  ]);
}

/** Sessions of learned weights, made while the model went on serving requests. */
export interface PreparedWeights {
  readonly model: LanguageModel;
  readonly version: number;
  readonly sessions: ort.InferenceSession[];
}

/** What the search needs to know of every token id. */
export interface TokenTables {
  /** Per token: its bytes are all identifier bytes (may continue a word). */
  readonly wordToken: Uint8Array;
  /** Per token: its first byte ends a word (punctuation, space, special token). */
  readonly boundaryToken: Uint8Array;
  readonly bytes: Uint8Array[];
  /** Token ids by their first byte, so matching typed text skips most of the vocabulary. */
  readonly byFirstByte: Int32Array[];
}

function tokenTables(tokenizer: Tokenizer): TokenTables {
  const V = tokenizer.vocabSize;
  const wordToken = new Uint8Array(V);
  const boundaryToken = new Uint8Array(V);
  const bytes: Uint8Array[] = [];
  const byFirstByte: number[][] = Array.from({ length: 256 }, () => []);
  for (let id = 0; id < V; id++) {
    const b = tokenizer.tokenBytes(id);
    bytes.push(b);
    if (b.length) byFirstByte[b[0]].push(id);
    wordToken[id] = b.length > 0 && b.every(isIdentifierByte) ? 1 : 0;
    boundaryToken[id] = b.length === 0 || !isIdentifierByte(b[0]) ? 1 : 0;
  }
  return { wordToken, boundaryToken, bytes, byFirstByte: byFirstByte.map((ids) => Int32Array.from(ids)) };
}
