// Partial selection of the best few items: the rankers and the search offer thousands of
// candidates per query but keep about ten, so a short sorted buffer beats sorting everything.

/** Keeps the best `limit` items offered so far, best first; ties keep the earlier item first. */
export class TopK<T> {
  readonly items: T[] = [];

  /** `better(a, b)`: a ranks strictly before b. */
  constructor(private readonly limit: number, private readonly better: (a: T, b: T) => boolean) {}

  offer(item: T): void {
    const { items, limit } = this;
    if (limit <= 0 || (items.length === limit && !this.better(item, items[limit - 1]))) return;
    let i = items.length < limit ? items.length : limit - 1;
    for (; i > 0 && this.better(item, items[i - 1]); i--) items[i] = items[i - 1];
    items[i] = item;
  }
}
