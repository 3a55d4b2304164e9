// Fagin's threshold algorithm (Fagin, Lotem & Naor, "Optimal aggregation algorithms for
// middleware", PODS 2001): the best items under a score that is a sum of parts, reading each part's
// items in descending order and stopping once no unread item can beat the ones found.
import { TopK } from '../topK';

/** One part of the score, read in descending order of its contribution. */
export interface RankSource {
  /** Upper bound of this part's contribution for every item it has not returned yet (0 at the end). */
  bound(): number;
  /** The next item, or undefined at the end. */
  next(): string | undefined;
}

/** The `limit` best accepted items by `score` (= the sum of the sources' contributions), best first. */
export function thresholdTop(
  sources: RankSource[],
  score: (item: string) => number,
  accept: (item: string) => boolean,
  limit: number,
): { items: string[]; scores: number[] } {
  const top = new TopK<[string, number]>(limit, (a, b) => a[1] > b[1]);
  const best = top.items;
  const seen = new Set<string>();
  while (limit > 0) {
    let threshold = 0;
    for (const source of sources) threshold += source.bound();
    if (best.length === limit && best[limit - 1][1] >= threshold) break;
    let read = false;
    for (const source of sources) {
      const item = source.next();
      if (item === undefined) continue;
      read = true;
      if (seen.has(item)) continue;
      seen.add(item);
      if (accept(item)) top.offer([item, score(item)]);
    }
    if (!read) break;
  }
  return { items: best.map(([item]) => item), scores: best.map(([, s]) => s) };
}
