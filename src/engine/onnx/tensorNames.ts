// The names of the graphs' inputs and outputs, shared by the graph builders (model/) and the code
// that feeds and fetches them, so that a name is spelled once.

/** Names of graph inputs and outputs shared by every graph of a model. */
export const IO = {
  tokens: 'tokens',
  stateIn: 'state_in',
  stateOut: 'state_out',
  logProbs: 'log_probs',
  wordEndLogMass: 'word_end_log_mass',
  wordTopLogProbs: 'word_top_log_probs',
  wordTopIds: 'word_top_ids',
  /** int64 [B·T, M]: per row, the tokens whose log-probabilities the search asks for (search step graph). */
  askedIds: 'asked_ids',
  /** f32 [B·T, M]: their log-probabilities, so the search need not fetch whole rows of the vocabulary. */
  askedLogProbs: 'asked_log_probs',
  targets: 'targets',
  targetLogProbs: 'target_log_probs',
  loss: 'loss',
  gradNorm: 'grad_norm',
} as const;

/** The training step's own inputs and outputs, beside the weights (named as in weightSpecs). */
export const TRAIN_IO = {
  /** f32 [], 1-based: Adam's bias correction. */
  step: 'step',
  /** f32 []: the learning rate. */
  lr: 'lr',
  /** Adam's first moment of a weight. */
  m: (weight: string) => `m.${weight}`,
  /** Adam's second moment of a weight. */
  v: (weight: string) => `v.${weight}`,
  /** The updated value of an input that the step carries forward: a weight or a moment. */
  updated: (input: string) => `new.${input}`,
  /** A weight's raw gradient, output only when debugging. */
  grad: (weight: string) => `grad.${weight}`,
} as const;
