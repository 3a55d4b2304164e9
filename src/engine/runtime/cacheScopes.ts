// The caches of completion as nested scopes, innermost first: the current document's words (and
// what followed the previous token), then the words of the other open documents, then the project
// memory with the current file's folder above the rest of the project, and what is left goes to
// the model and the word memory. Each scope takes its share of what the scope above leaves,
// P(w) = weight₁(w) + m₁·[weight₂(w) + m₂·[… + m_k·P_model(w)]], as Hellendoorn & Devanbu's
// nested cache (FSE 2017) does with the file, its folder and the project.
import type { MemoryAnswer } from '../memory/projectCounts';
import type { CachePriors } from '../text/cacheMixture';
import type { CacheQuery, DocumentCache } from './documentCache';

/** The other open documents' word counts as a Dirichlet cache: λ = N / (N + prior) of the rest. */
export interface OpenDocumentsPriors {
  readonly prior: number;
  /** Most recently used other documents read (each query walks their words under the prefix). */
  readonly documents: number;
}

/** The document cache's unigram prior (runtime/documentCache); not tuned for this scope. */
export function defaultOpenDocumentsPriors(): OpenDocumentsPriors {
  return { prior: 400, documents: 4 };
}

/** Words read per other document and query: bounds a keystroke's cost when little is typed. */
const MAX_WORDS_PER_DOCUMENT = 512;

/** The current document's cache as the outermost scope. */
export function documentScope(cache: DocumentCache, typed: string, priors: CachePriors, limit: number): MemoryAnswer {
  const mix = cache.mixture(priors);
  const q = cache.query(typed, priors, limit);
  return { ...q, weight: (word) => (word.length > typed.length && word.startsWith(typed) ? mix.weight(word) : 0) };
}

/** The words of other documents that continue `typed`, by their summed counts. */
export function openDocumentsScope(caches: readonly DocumentCache[], typed: string, priors: OpenDocumentsPriors, limit: number): MemoryAnswer {
  let tokens = 0;
  for (const c of caches) tokens += c.tokenCount;
  if (tokens === 0) return { words: [], total: 0, modelWeight: 1, weight: () => 0 };
  const unit = 1 / (tokens + priors.prior);
  const weight = (word: string) => {
    let n = 0;
    for (const c of caches) n += c.count(word);
    return n * unit;
  };
  // Each document's words under the prefix, at most MAX_WORDS_PER_DOCUMENT of them (the total is
  // then a lower bound; it only normalizes the displayed probability).
  const seen = new Set<string>();
  const best: { word: string; weight: number }[] = [];
  let total = 0;
  for (const c of caches) {
    let read = 0;
    c.forEachWithPrefix(typed, (word) => {
      if (read++ >= MAX_WORDS_PER_DOCUMENT) return false;
      if (word.length <= typed.length || seen.has(word)) return;
      seen.add(word);
      const w = weight(word);
      total += w;
      if (best.length === limit && w <= best[limit - 1].weight) return;
      let i = best.length;
      while (i > 0 && best[i - 1].weight < w) i--;
      best.splice(i, 0, { word, weight: w });
      if (best.length > limit) best.pop();
    });
  }
  return {
    words: best,
    total,
    modelWeight: priors.prior * unit,
    weight: (word) => (word.length > typed.length && word.startsWith(typed) ? weight(word) : 0),
  };
}

/** `inner` nested under `outer`: it takes the share `outer` leaves to the model. */
export function nestScopes(outer: MemoryAnswer, inner: MemoryAnswer, limit: number): MemoryAnswer {
  const m = outer.modelWeight;
  const weight = (word: string) => outer.weight(word) + m * inner.weight(word);
  const words = new Map<string, number>();
  for (const w of outer.words) words.set(w.word, w.weight + m * inner.weight(w.word));
  for (const w of inner.words) if (!words.has(w.word)) words.set(w.word, outer.weight(w.word) + m * w.weight);
  const ranked = [...words].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  return { words: ranked.map(([word, w]) => ({ word, weight: w })), total: outer.total + m * inner.total, modelWeight: m * inner.modelWeight, weight };
}

/** The scopes, innermost first, as the word search takes a cache; the words of the first `exactScopes` are the ones the model scores exactly. */
export function nestAll(scopes: readonly MemoryAnswer[], limit: number, exactScopes = scopes.length): CacheQuery {
  const nest = (some: readonly MemoryAnswer[]) => some.reduce((outer, inner) => nestScopes(outer, inner, limit));
  return { ...nest(scopes), exactWords: nest(scopes.slice(0, exactScopes)).words.map((w) => w.word) };
}
