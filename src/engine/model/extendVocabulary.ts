// New token ids for a trained model (the language tokens): the tied embedding gets a row per new id
// and the output bias an entry, so training can continue from the model instead of starting over.
import { checkWeights, Weights } from './weights';
import { ModelConfig } from './modelConfig';

/**
 * Appends `added` ids after the last one. Each new embedding row is a copy of row `likeId` (for the
 * language tokens, <|doc|>: fed after it, they should first leave the state much as it would be),
 * and each new output bias is the lowest existing bias, so that before training the new ids take
 * almost no probability from the tokens the model already predicts.
 */
export function extendVocabulary(cfg: ModelConfig, weights: Weights, added: number, likeId: number): { cfg: ModelConfig; weights: Weights } {
  checkWeights(cfg, weights);
  const { vocabSize: V, embedSize: E } = cfg;
  if (!Number.isInteger(added) || added < 1) throw new Error(`extendVocabulary: added must be a positive integer, got ${added}`);
  if (!Number.isInteger(likeId) || likeId < 0 || likeId >= V) throw new Error(`extendVocabulary: no token id ${likeId} to copy`);
  const embed = weights.get('embed')!.data;
  const bias = weights.get('out.b')!.data;
  const newEmbed = new Float32Array((V + added) * E);
  newEmbed.set(embed);
  for (let i = 0; i < added; i++) newEmbed.set(embed.subarray(likeId * E, (likeId + 1) * E), (V + i) * E);
  const newBias = new Float32Array(V + added);
  newBias.set(bias);
  newBias.fill(bias.reduce((a, b) => Math.min(a, b), Infinity), V);
  const out: Weights = new Map();
  for (const [name, w] of weights) {
    if (name === 'embed') out.set(name, { dims: [V + added, E], data: newEmbed });
    else if (name === 'out.b') out.set(name, { dims: [V + added], data: newBias });
    else out.set(name, { dims: [...w.dims], data: w.data.slice() });
  }
  const next = { ...cfg, vocabSize: V + added };
  checkWeights(next, out);
  return { cfg: next, weights: out };
}
