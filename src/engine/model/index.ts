// The recurrent language model: configuration, weights, inference and training graphs, model folders.
export { CellType, ModelConfig, stateSize, gateCount, checkConfig } from './modelConfig';
export { Weights, WeightSpec, weightSpecs, initWeights, checkWeights } from './weights';
export { buildStepModel, buildSearchStepModel, SearchHeads, buildAdvanceModel, buildScoreModel, buildCacheScoreModel, readWeights } from './inferenceGraphs';
export { CACHE_IO, CacheKey, cacheKeySize, defaultNeuralCache, NeuralCacheOptions } from './cacheGraphs';
export { buildTrainStepModel, TrainStepOptions, trainStepFlopsPerToken } from './trainStep';
export { saveModelFolder, loadModelFolder, tokenizerVocabSize, ModelFolder, ModelMeta, MODEL_FILES, kindWordsFile, KindWords } from './modelFolder';
export { extendVocabulary } from './extendVocabulary';
export { encodeGradientPrior, decodeGradientPrior, gradientPriorOf, PRIOR_CLIP_NORM, PRIOR_FLOOR } from './gradientPrior';
