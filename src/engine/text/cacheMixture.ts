// How a cache of the current file mixes with a model of code in general (Tu, Su & Devanbu, "On the
// Localness of Software", FSE 2014), by Dirichlet smoothing with the model as the prior: with N
// tokens in the file so far and C tokens seen after the previous token v,
//   P(w) = λb·c(v w)/C + (1 − λb)·[λu·c(w)/N + (1 − λu)·P_model(w)],
//   λu = N / (N + unigramPrior),  λb = C / (C + bigramPrior),
// so the cache counts for little at the top of a file and more as the file shows its own words.

export interface CachePriors {
  /** Dirichlet strength of the model against the cache's unigram counts, in tokens. */
  readonly unigramPrior: number;
  /** Dirichlet strength of the above against the cache's bigram counts, in tokens. */
  readonly bigramPrior: number;
}

/** P(w) = bigram·c(v w) + unigram·c(w) + model·P_model(w). */
export interface CacheWeights {
  readonly bigram: number;
  readonly unigram: number;
  readonly model: number;
}

export function cacheWeights(tokens: number, follows: number, priors: CachePriors): CacheWeights {
  const lb = follows / (follows + priors.bigramPrior);
  const lu = tokens / (tokens + priors.unigramPrior);
  return {
    bigram: follows > 0 ? lb / follows : 0,
    unigram: tokens > 0 ? ((1 - lb) * lu) / tokens : 0,
    model: (1 - lb) * (1 - lu),
  };
}
