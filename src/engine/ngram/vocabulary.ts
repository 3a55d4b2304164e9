// An n-gram's tokens, sorted, kept as one string and its offsets. Two hundred thousand tokens as as
// many JS strings are 8 MB more heap for every garbage collection to mark: in the engine's worker
// that made each mark-compact pause 1.5 ms longer.

export class Vocabulary {
  readonly size: number;
  private readonly text: string;
  /** Token id's first UTF-16 unit in `text`; [size + 1]. */
  private readonly starts: Uint32Array;

  constructor(tokens: readonly string[]) {
    this.size = tokens.length;
    this.text = tokens.join('');
    this.starts = new Uint32Array(tokens.length + 1);
    for (let i = 0; i < tokens.length; i++) this.starts[i + 1] = this.starts[i] + tokens[i].length;
  }

  token(id: number): string {
    return this.text.slice(this.starts[id], this.starts[id + 1]);
  }

  toArray(): string[] {
    return Array.from({ length: this.size }, (_, id) => this.token(id));
  }

  /** Compares token `id` with `s` in UTF-16 code unit order (as `<` on strings), without slicing. */
  compare(id: number, s: string): number {
    const start = this.starts[id];
    const length = this.starts[id + 1] - start;
    const n = Math.min(length, s.length);
    for (let i = 0; i < n; i++) {
      const d = this.text.charCodeAt(start + i) - s.charCodeAt(i);
      if (d !== 0) return d;
    }
    return length - s.length;
  }

  startsWith(id: number, prefix: string): boolean {
    const start = this.starts[id];
    if (this.starts[id + 1] - start < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (this.text.charCodeAt(start + i) !== prefix.charCodeAt(i)) return false;
    return true;
  }
}
