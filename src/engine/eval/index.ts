// Typing simulation, its baselines and their n-gram model (docs/architecture.md §5).

export type { CompletionSystem } from './completionSystem';
export { simulate, type ByK, type InlineMetrics, type SimulationOptions, type SimulationResult, type SystemMetrics } from './simulate';
export { formatSimulationTable } from './formatSimulationTable';
export { VscodeWords } from './vscodeWords';
export { Frequency } from './frequency';
export { NgramCache, defaultNgramCacheOptions, type NgramCacheOptions } from './ngramCache';
export { NgramModel, type WordScores } from '../ngram/ngramModel';
export { defaultNgramOptions, type NgramOptions } from '../ngram/ngramEstimate';
export { findWords, isCompletionWord } from '../text/words';
