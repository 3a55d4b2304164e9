// The recurrent language model: configuration, weights, inference and training graphs, model folders.
export { CellType, ModelConfig, IO, stateSize, gateCount, checkConfig } from './modelConfig';
export { Weights, WeightSpec, weightSpecs, initWeights, checkWeights } from './weights';
export { buildStepModel, buildSearchStepModel, SearchHeads, buildAdvanceModel, buildScoreModel, readWeights } from './inferenceGraphs';
export { buildTrainStepModel, TrainStepOptions, trainStepFlopsPerToken } from './trainStep';
export { saveModelFolder, loadModelFolder, tokenizerVocabSize, ModelFolder, ModelMeta, MODEL_FILES } from './modelFolder';
export { extendVocabulary } from './extendVocabulary';
