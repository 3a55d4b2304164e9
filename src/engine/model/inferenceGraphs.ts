// Inference graphs with the weights as initializers: the model.onnx step graph (log-probs), the
// advance graph (state only), the score graph (log-prob of each target), and reading weights back.
import { addCacheScore, CACHE_IO, CacheKey, cacheKeySize, NeuralCacheOptions } from './cacheGraphs';
import { IO } from '../onnx/tensorNames';
import { CellType, ModelConfig, checkConfig, stateSize } from './modelConfig';
import { outputHead, recurrentForward, WeightValues } from './network';
import { decodeModel, encodeModel, GraphBuilder, tensorFloats, Value } from '../onnx/onnxBuilder';
import { checkWeights, layerNames, Weights, weightSpecs } from './weights';

type Kind = 'step' | 'advance' | 'score';

/**
 * Extra outputs of the step graph for the word search, so that it never walks a row of the
 * vocabulary in JS: per row, the probability of continuing a word and of ending it, the best word
 * tokens, and the log-probabilities of the tokens it asks for (asked_ids), which spare it fetching
 * the whole row. Built into the session the engine runs; model.onnx on disk stays the plain step graph.
 */
export interface SearchHeads {
  /** Per token id: 1 if its bytes may continue a word. */
  readonly wordToken: Uint8Array;
  /** Per token id: 1 if it ends a word. */
  readonly boundaryToken: Uint8Array;
  /** Word tokens reported per row, best first. */
  readonly topK: number;
}

/** What a graph computes for the neural cache (cacheGraphs): the score graph its probabilities, the others the keys. */
type CacheOutputs = { score: NeuralCacheOptions } | { key: CacheKey };

function buildInference(cfg: ModelConfig, w: Weights, kind: Kind, search?: SearchHeads, cache?: CacheOutputs): Uint8Array {
  checkConfig(cfg);
  checkWeights(cfg, w);
  const g = new GraphBuilder(`recurrent_${kind}`);
  const tokens = g.input(IO.tokens, 'int64', ['batch', 'time']);
  const targets = kind === 'score' ? g.input(IO.targets, 'int64', ['batch', 'time']) : null;
  const stateIn = g.input(IO.stateIn, 'float', [cfg.layers, 'batch', stateSize(cfg)]);
  const values: WeightValues = new Map();
  const keyKind = cache && ('key' in cache ? cache.key : cache.score.key);
  for (const spec of weightSpecs(cfg)) {
    // The advance graph has no output head; leaving its weights out keeps ORT from warning.
    if (kind === 'advance' && !/^(embed|l\d\.)/.test(spec.name) && !(keyKind === 'projected' && spec.name.startsWith('proj.'))) continue;
    values.set(spec.name, g.initializer(spec.name, w.get(spec.name)!.data, spec.dims));
  }
  const { layers, stateOut } = recurrentForward(g, cfg, g.transpose(tokens, [1, 0]), stateIn, values);
  if (kind === 'advance' && keyKind) addAdvanceKeys(g, values, layers[layers.length - 1].y, keyKind);
  if (kind !== 'advance') {
    const top = layers[layers.length - 1].y; // [T, B, H]
    const rows = g.reshape(g.transpose(top, [1, 0, 2]), [-1, cfg.hiddenSize]); // [B·T, H] batch-major
    const head = outputHead(g, values, rows);
    const logProbs = g.op('LogSoftmax', [head.logits], { axis: 1 }, null); // [B·T, V]
    const bt = g.op('Shape', [tokens], {}, [2], undefined, 'int64');
    const keys = () => (keyKind === 'hidden' ? rows : head.q);
    if (targets) {
      const picked = g.op('GatherElements', [logProbs, g.reshape(targets, [-1, 1])], { axis: 1 }, null);
      g.output(g.reshapeDynamic(picked, bt, ['batch', 'time']), IO.targetLogProbs);
      if (cache && 'score' in cache) addCacheScore(g, keys(), targets, bt, cacheKeySize(cfg, cache.score.key), cache.score);
    } else {
      const shape = g.concat([bt, g.constInt64([cfg.vocabSize])], 0);
      g.output(g.reshapeDynamic(logProbs, shape, ['batch', 'time', cfg.vocabSize]), IO.logProbs);
      if (search) addSearchHeads(g, cfg.vocabSize, logProbs, search, g.input(IO.askedIds, 'int64', ['rows', 'asked']));
      if (keyKind) g.output(keys(), CACHE_IO.key);
    }
  }
  g.output(stateOut, IO.stateOut);
  return encodeModel(g, { 'recurrent.config': JSON.stringify(cfg) });
}

/** The advance graph's cache key of each position, [B, T, D], from the top layer's outputs y [T, B, H]. */
function addAdvanceKeys(g: GraphBuilder, values: WeightValues, y: Value, key: CacheKey): void {
  const h = g.transpose(y, [1, 0, 2]); // [B, T, H]
  const keys = key === 'hidden' ? h : g.add(g.matmul(h, g.transpose(values.get('proj.W')!, [1, 0])), values.get('proj.b')!);
  g.output(keys, CACHE_IO.key);
}

/** Rows batch-major (b·T + t): word_end_log_mass [B·T, 2], word_top_log_probs [B·T, K], word_top_ids int64 [B·T, K], asked_log_probs [B·T, M]. */
function addSearchHeads(g: GraphBuilder, V: number, logProbs: Value, search: SearchHeads, askedIds: Value): void {
  if (search.wordToken.length !== V || search.boundaryToken.length !== V) throw new Error(`search heads: masks of ${search.wordToken.length} and ${search.boundaryToken.length} tokens for a vocabulary of ${V}`);
  const masks = new Float32Array(V * 2);
  search.wordToken.forEach((x, i) => (masks[2 * i] = x));
  search.boundaryToken.forEach((x, i) => (masks[2 * i + 1] = x));
  const mass = g.matmul(g.unary('Exp', logProbs), g.initializer('search.masks', masks, [V, 2]));
  g.output(g.unary('Log', mass), IO.wordEndLogMass);
  // Non-word tokens sink below every word token before TopK.
  const sink = g.initializer('search.word_bias', Float32Array.from(search.wordToken, (x) => (x ? 0 : -1e30)), [V]);
  g.node('TopK', [g.add(logProbs, sink), g.constInt64([search.topK])], { axis: 1, largest: 1, sorted: 1 }, [
    { shape: ['rows', search.topK], name: IO.wordTopLogProbs },
    { shape: ['rows', search.topK], name: IO.wordTopIds, type: 'int64' },
  ]).forEach((v) => g.output(v));
  g.output(g.op('GatherElements', [logProbs, askedIds], { axis: 1 }, null), IO.askedLogProbs);
}

/** model.onnx (docs/architecture.md §3): tokens int64 [B,T], state_in f32 [L,B,S] -> log_probs f32 [B,T,V], state_out [L,B,S]. */
export function buildStepModel(cfg: ModelConfig, w: Weights): Uint8Array {
  return buildInference(cfg, w, 'step');
}

/** The step graph with the word search's outputs (see SearchHeads). */
export function buildSearchStepModel(cfg: ModelConfig, w: Weights, search: SearchHeads, cacheKey?: CacheKey): Uint8Array {
  return buildInference(cfg, w, 'step', search, cacheKey && { key: cacheKey });
}

/** tokens [B,T], state_in -> state_out only (fast priming of a document), and each position's cache key when asked. */
export function buildAdvanceModel(cfg: ModelConfig, w: Weights, cacheKey?: CacheKey): Uint8Array {
  return buildInference(cfg, w, 'advance', undefined, cacheKey && { key: cacheKey });
}

/** tokens [B,T], targets int64 [B,T], state_in -> target_log_probs f32 [B,T], state_out (perplexity, eval). */
export function buildScoreModel(cfg: ModelConfig, w: Weights): Uint8Array {
  return buildInference(cfg, w, 'score');
}

/** The score graph with the neural cache: also the memory in and out, and p_cache of each target (see addCacheScore). */
export function buildCacheScoreModel(cfg: ModelConfig, w: Weights, cache: NeuralCacheOptions): Uint8Array {
  return buildInference(cfg, w, 'score', undefined, { score: cache });
}

const CELL_BY_GATES: Record<number, CellType> = { 1: 'rnn', 3: 'gru', 4: 'lstm' };

/** Weights read back from a model.onnx written by buildStepModel (to fine-tune a saved model). */
export function readWeights(onnx: Uint8Array): { cfg: ModelConfig; weights: Weights } {
  const model = decodeModel(onnx);
  const weights: Weights = new Map();
  for (const t of model.graph?.initializer ?? []) {
    if (!t.name || !/^(embed|l\d\.[WRB]|proj\.[Wb]|out\.b)$/.test(t.name)) continue;
    weights.set(t.name, { dims: (t.dims ?? []).map(Number), data: tensorFloats(t) });
  }
  const embed = weights.get('embed');
  const r0 = weights.get(layerNames(0).R);
  if (!embed || embed.dims.length !== 2) throw new Error('no embedding "embed" [V,E] among the initializers');
  if (!r0 || r0.dims.length !== 3) throw new Error(`no recurrent weight "${layerNames(0).R}" [1,G·H,H] among the initializers`);
  const hiddenSize = r0.dims[2];
  const cell = CELL_BY_GATES[r0.dims[1] / hiddenSize];
  if (!cell) throw new Error(`"${layerNames(0).R}" has dims [${r0.dims}], which fit no cell type`);
  const cfg: ModelConfig = {
    cell,
    vocabSize: embed.dims[0],
    embedSize: embed.dims[1],
    hiddenSize,
    layers: weights.has(layerNames(1).W) ? 2 : 1,
  };
  checkWeights(cfg, weights);
  return { cfg, weights };
}
