// The project memory's counts: the word tokens (text/incrementalLexer) of every file of the project,
// as unigrams, bigrams and trigrams, and each folder's words, kept per file so that a file's old
// counts come out and its new ones go in exactly (save, create, delete, rename). All in typed
// arrays (ngram/PairTable): a workspace of 50 MB has millions of n-grams, and Maps of them would
// cost the worker's garbage collector what the word memory's single string saves it (ngram/vocabulary).
//
// Queried as an interpolated Witten–Bell trigram (Witten & Bell 1991, as in Chen & Goodman 1998 §2.5):
//   P3(w | u v) = (c(u v w) + T(u v)·P2(w | v)) / (C(u v) + T(u v)),  and P2 likewise over P1,
// T the distinct followers of a context and C its count, so a context the project repeats keeps
// most of its mass and one it rarely saw backs off. Its unigram nests the current file's folder
// above the rest of the project (Hellendoorn & Devanbu 2017's nested cache): a completion word's
//   P1(w) = (Ncw / N)·[(1 − φ)·c(w) / Ncw + φ·cFolder(w) / NcwFolder],
// Ncw the completion-word tokens, so the folder's own identifiers rank above the project's.
//
// Beside the counts, each file keeps the distinct words its code uses outside comments and strings
// (text/languageWords, by its path's code family), and each family how many of its files use a
// word in code: the language filter (runtime/languageFilter) lets a project's names through, not
// the prose of its comments.
import { CHUNK_MASK, ChunkedInts } from '../ngram/chunkedInts';
import { PairTable } from '../ngram/pairTable';
import { PrefixIndex } from './prefixIndex';
import { TokenTable } from './tokenTable';
import { decodeTokenIds, encodeTokenIds } from './tokenIds';
import { CodeFamily, codeFamilyOfPath, scanCommentsAndStrings } from '../text/languageWords';
import { scanTokens } from '../text/tokenScanner';
import { isCompletionWord } from '../text/words';

/** Follower lists longer than this are read only this far (for candidates, and for the sums under a prefix). */
const MAX_WALK = 1024;
/** Prefixes of up to this many words are scored word by word; larger ones (a letter or two typed
 *  in a big project) read the contexts' followers instead, which bounds a keystroke's cost. */
const RANGE_SCAN = 256;

/** A count table over dense pair ids (ngram/PairTable) with per-context follower lists and sums.
 *  Interleaved so that one add touches few cache lines: per pair [count, next + 1] beside its
 *  keys, per context [head + 1, total, completion-word total, distinct followers with a positive count]. */
class PairCounts {
  readonly table = new PairTable(1 << 12, 2);
  private readonly contexts = new ChunkedInts();

  /** Adds `delta` to (context, word); returns the pair's id. */
  add(context: number, word: number, delta: number, completion: boolean): number {
    const before = this.table.size;
    const id = this.table.intern(context, word);
    // A context's 4 fields share a chunk (ngram/ChunkedInts).
    this.contexts.ensure(context * 4 + 3);
    const ctx = this.contexts.chunkOf(context * 4);
    const c = (context * 4) & CHUNK_MASK;
    const pairs = this.table.record(id);
    const p = this.table.recordAt(id);
    if (id === before) {
      // A new pair heads its context's list.
      pairs[p + 1] = ctx[c];
      ctx[c] = id + 1;
    }
    const old = pairs[p];
    pairs[p] = old + delta;
    if (old === 0 && delta > 0) ctx[c + 3]++;
    else if (old + delta === 0 && old > 0) ctx[c + 3]--;
    ctx[c + 1] += delta;
    if (completion) ctx[c + 2] += delta;
    return id;
  }

  /** Count of (context, word). */
  get(context: number, word: number): number {
    if (context < 0) return 0;
    const id = this.table.find(context, word);
    return id < 0 ? 0 : this.table.record(id)[this.table.recordAt(id)];
  }

  /** Id of (context, word), or -1. */
  find(context: number, word: number): number {
    return context < 0 ? -1 : this.table.find(context, word);
  }

  /** Σ counts of the context, of its completion-word followers, and its distinct followers (0 for none or -1). */
  total(context: number): number {
    return this.context(context, 1);
  }

  words(context: number): number {
    return this.context(context, 2);
  }

  distinct(context: number): number {
    return this.context(context, 3);
  }

  /** Calls `visit` with the words of `context` whose count is positive and their counts, newest first, at most MAX_WALK of them. */
  forEachCount(context: number, visit: (word: number, count: number) => void): void {
    const t = this.table;
    let walked = 0;
    for (let id = this.context(context, 0) - 1; id >= 0 && walked < MAX_WALK; id = t.record(id)[t.recordAt(id) + 1] - 1, walked++) {
      const c = t.record(id)[t.recordAt(id)];
      if (c > 0) visit(this.table.b(id), c);
    }
  }

  private context(context: number, field: number): number {
    const at = context * 4 + field;
    return context >= 0 && at < this.contexts.capacity ? this.contexts.get(at) : 0;
  }
}

/** Token ids appended piece by piece (a file lexed in slices), reused from file to file: fresh arrays
 *  per file and piece, and their merged copy, were about 150 MB of garbage over a 50 MB workspace,
 *  and the worker's heap was mark-compacted 26–32 times while it indexed with them, 17–20 without. */
export class IdBuffer {
  private buffer = new Int32Array(1 << 12);
  private n = 0;

  push(id: number): void {
    if (this.n === this.buffer.length) {
      const grown = new Int32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.n++] = id;
  }

  /** The ids so far (a view, valid until the next push or clear). */
  ids(): Int32Array {
    return this.buffer.subarray(0, this.n);
  }

  clear(): void {
    this.n = 0;
  }
}

/** One file's contribution: its folder and its token ids (memory/tokenIds), so that its counts can come out again. */
export interface FileCounts {
  readonly folder: number;
  readonly tokens: Uint8Array;
  /** Ids in `tokens`. */
  readonly count: number;
  /** The code family of its path, and the distinct completion words of its code (ids as `tokens`). */
  readonly family?: CodeFamily;
  readonly codeWords: Uint8Array;
  readonly codeCount: number;
}

/** The completion words a file's code uses, gathered as its parts are lexed (see ProjectCounts.lex). */
export class CodeWordIds {
  /** What the part before left open (text/languageWords, scanCommentsAndStrings). */
  open = '';
  readonly ids = new Set<number>();
  constructor(readonly family: CodeFamily) {}

  /** For the file at `path`; undefined when its language has no code family. */
  static of(path: string): CodeWordIds | undefined {
    const family = codeFamilyOfPath(path);
    return family && new CodeWordIds(family);
  }
}

/** How far counting a file in slices has got (see countSlice): the byte to read next and the two ids before it. */
export class CountCursor {
  at = 0;
  u = -1;
  v = -1;
}

/** The mixture's side of one query: P(w) = weight(w) + modelWeight·P_model(w), as text/cacheMixture. */
export interface MemoryAnswer {
  readonly words: readonly { readonly word: string; readonly weight: number }[];
  /** Σ weight over every word the memory holds that continues the typed word (the typed word itself excluded). */
  readonly total: number;
  readonly modelWeight: number;
  /** weight(w) of any word (0 for one the memory lacks). */
  weight(word: string): number;
}

/** How the memory mixes with the rest: its share grows with the project, s = maxShare·N / (N + prior). */
export interface ProjectMixing {
  readonly maxShare: number;
  /** The engine's maxShare while the network completes with weights it learned from the project
   *  (runtime/learnProcess): it then knows part of what the counts hold. */
  readonly learnedShare: number;
  /** Tokens at which the project takes half of maxShare. */
  readonly prior: number;
  /** φ: the current file's folder's share of the unigram. */
  readonly folderShare: number;
}

/**
 * maxShare from session simulations of the tuning projects (scripts/research/tuneProject.ts: 0.25, 0.5, 0.75
 * saved 55.3, 55.9, 55.4% of keystrokes; README, Results), never the report projects; the prior is
 * a choice, not tuned; the folder's share made no difference there (0, 0.5, 0.8 within 0.1 point).
 * learnedShare likewise, with learning (`simulate --session --learn`): 0.25, 0.35, 0.5 saved 58.79,
 * 59.00, 58.75%.
 */
export function defaultProjectMixing(): ProjectMixing {
  return { maxShare: 0.5, learnedShare: 0.35, prior: 2000, folderShare: 0.5 };
}

export class ProjectCounts {
  /** id ↔ token; ids are never reused while the counts live (a token whose count fell to 0 keeps its id). */
  private readonly vocab = new TokenTable();
  private readonly completion: number[] = [];
  /** The completion words' ids by their first units, for the words under a typed prefix. */
  private readonly prefixes = new PrefixIndex();
  private readonly unigram = new ChunkedInts();
  private readonly bigram = new PairCounts();
  /** Trigrams: context = the bigram's pair id. */
  private readonly trigram = new PairCounts();
  /** (folder, word): completion words only. */
  private readonly folderWords = new PairCounts();
  private readonly folderIds = new Map<string, number>();
  /** Per family: how many of its files use each word (by id) in code. */
  private readonly codeFiles = new Map<CodeFamily, ChunkedInts>();
  private readonly files = new Map<string, FileCounts>();
  /** All tokens counted, and those that are completion words. */
  private all = 0;
  private allWords = 0;
  /** Completion words with a positive count (kept as counts change: the status asks often). */
  private distinctWords = 0;
  /** The comment-and-string mask of the text lexed last, its buffer lent to the next (garbage otherwise, as IdBuffer's). */
  private mask: Uint8Array = new Uint8Array(0);
  /** The most frequent completion words (for an empty prefix), rebuilt after a change. */
  private frequent?: number[];

  /** Files counted. */
  get fileCount(): number {
    return this.files.size;
  }

  /** Distinct completion words with a positive count. */
  get wordCount(): number {
    return this.distinctWords;
  }

  /** Tokens counted. */
  get tokenCount(): number {
    return this.all;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  paths(): IterableIterator<string> {
    return this.files.keys();
  }

  /** The counts of `path` (for the memory file). */
  file(path: string): FileCounts | undefined {
    return this.files.get(path);
  }

  /** The tokens by id, a copy (the memory file is written from it while new tokens arrive). */
  vocabulary(): string[] {
    return this.vocab.tokens.slice();
  }

  /** Counts `text` as the file at `path` (a project-relative path with `/`), replacing what it had. */
  setText(path: string, text: string): void {
    const code = CodeWordIds.of(path);
    this.setTokens(path, this.lex(text, code), code && [...code.ids]);
  }

  /**
   * The token ids of `text`, new tokens added to the vocabulary, appended to `into` (then a view of
   * all its ids); `code` gathers the words of its code. A text read in parts (cut by pieceEnd) gives
   * the ids of the whole.
   */
  lex(text: string, code?: CodeWordIds, into = new IdBuffer()): Int32Array {
    let mask: Uint8Array | undefined;
    if (code) {
      ({ mask, open: code.open } = scanCommentsAndStrings(code.family, text, code.open, this.mask));
      this.mask = mask;
    }
    scanTokens(text, (start, end) => {
      const id = this.internRange(text, start, end);
      into.push(id);
      if (mask && mask[start] !== 1 && this.completion[id] === 1) code!.ids.add(id);
    });
    return into.ids();
  }

  /** Counts the token ids (of this memory's vocabulary) as the file at `path`, replacing what it had;
   *  `codeWords`: the distinct ids of the words its code uses. */
  setTokens(path: string, ids: Int32Array, codeWords: readonly number[] = []): void {
    this.remove(path);
    this.countSlice(this.attach(path, encodeTokenIds(ids), ids.length, encodeTokenIds(codeWords), codeWords.length), 1, new CountCursor(), Infinity);
  }

  /** Takes the file's counts out; false when it was not counted. */
  remove(path: string): boolean {
    const file = this.detach(path);
    if (file) this.countSlice(file, -1, new CountCursor(), Infinity);
    return Boolean(file);
  }

  /** Moves a file's counts to another path (its folder may change). */
  rename(from: string, to: string): void {
    const moved = this.move(from, to);
    for (const file of moved?.out ?? []) this.countSlice(file, -1, new CountCursor(), Infinity);
    if (moved) this.countSlice(moved.in, 1, new CountCursor(), Infinity);
  }

  /**
   * rename's bookkeeping, for a caller that counts in slices: the entries whose counts must come
   * out (the file's, and what `to` held) and the one to count in under `to`; undefined when `from`
   * is not counted. Its code words go with it, counted in the family of its new name.
   */
  move(from: string, to: string): { out: FileCounts[]; in: FileCounts } | undefined {
    const file = this.detach(from);
    if (!file) return undefined;
    const replaced = this.detach(to);
    return { out: replaced ? [file, replaced] : [file], in: this.attach(to, file.tokens, file.count, file.codeWords, file.codeCount) };
  }

  /**
   * Makes `path` a file of the memory with these token ids and code word ids (memory/tokenIds),
   * not counted yet (see countSlice).
   */
  attach(path: string, tokens: Uint8Array, count: number, codeWords: Uint8Array = new Uint8Array(0), codeCount = 0): FileCounts {
    const file = { folder: this.folder(folderOf(path)), tokens, count, family: codeFamilyOfPath(path), codeWords, codeCount };
    this.files.set(path, file);
    return file;
  }

  /** Forgets `path` without taking its counts out (see countSlice). */
  detach(path: string): FileCounts | undefined {
    const file = this.files.get(path);
    this.files.delete(path);
    return file;
  }

  /**
   * Adds (delta 1) or takes out (−1) the counts of the next `max` tokens of a file from `cursor`
   * (the n-grams that end in them) and moves the cursor on; true when the file is done. Done slice
   * by slice in order, a large file can be counted between requests.
   */
  countSlice(file: FileCounts, delta: 1 | -1, cursor: CountCursor, max: number): boolean {
    const { tokens, folder } = file;
    let { at, u, v } = cursor;
    // Its code words go in or out with the first slice: a file has a few thousand at most.
    if (at === 0) this.countCodeWords(file, delta);
    let pair = u >= 0 ? this.bigram.find(u, v) : -1;
    for (let n = 0; n < max && at < tokens.length; n++) {
      // A varint (memory/tokenIds), read inline: this is the loop of counting.
      let w = 0;
      let byte: number;
      let shift = 0;
      do {
        byte = tokens[at++];
        w |= (byte & 0x7f) << shift;
        shift += 7;
      } while (byte & 0x80);
      const completion = this.completion[w] === 1;
      const old = this.unigram.add(w, delta);
      this.all += delta;
      if (completion) {
        this.allWords += delta;
        if (old === 0) this.distinctWords++;
        else if (old + delta === 0) this.distinctWords--;
        this.folderWords.add(folder, w, delta, true);
      }
      const next = v >= 0 ? this.bigram.add(v, w, delta, completion) : -1;
      if (pair >= 0) this.trigram.add(pair, w, delta, completion);
      pair = next;
      u = v;
      v = w;
    }
    cursor.at = at;
    cursor.u = u;
    cursor.v = v;
    this.frequent = undefined;
    return at >= tokens.length;
  }

  private countCodeWords(file: FileCounts, delta: 1 | -1): void {
    if (!file.family || !file.codeCount) return;
    let files = this.codeFiles.get(file.family);
    if (!files) this.codeFiles.set(file.family, (files = new ChunkedInts()));
    files.ensure(this.vocab.size);
    // Checked where they came from (lex, or the memory file's reader).
    for (const id of decodeTokenIds(file.codeWords, file.codeCount)!) files.add(id, delta);
  }

  /** The id of a token, added to the vocabulary if new. */
  intern(token: string): number {
    return this.internRange(token, 0, token.length);
  }

  /** The id of `text`'s units [start, end), added to the vocabulary if new. */
  private internRange(text: string, start: number, end: number): number {
    const before = this.vocab.size;
    const id = this.vocab.intern(text, start, end);
    if (id < before) return id;
    const token = this.vocab.tokens[id];
    const completion = isCompletionWord(token);
    this.completion.push(completion ? 1 : 0);
    this.unigram.ensure(id);
    if (completion) this.prefixes.add(id, token);
    return id;
  }

  /** Count of a token in the whole project (0 when unknown). */
  count(token: string): number {
    const id = this.vocab.find(token);
    return id < 0 ? 0 : this.unigram.get(id);
  }

  /** How many of the family's files use `word` in their code (0 when none, or unknown). */
  codeCount(family: CodeFamily, word: string): number {
    const id = this.vocab.find(word);
    const files = this.codeFiles.get(family);
    return id < 0 || !files || id >= files.capacity ? 0 : files.get(id);
  }

  /** Count of the bigram and trigram ending in `token` (tests compare them with a recount). */
  ngramCount(tokens: readonly string[]): number {
    const ids = tokens.map((t) => this.vocab.find(t));
    if (ids.some((id) => id < 0)) return 0;
    if (ids.length === 1) return this.unigram.get(ids[0]);
    if (ids.length === 2) return this.bigram.get(ids[0], ids[1]);
    return this.trigram.get(this.bigram.find(ids[0], ids[1]), ids[2]);
  }

  /** Count of a word in a folder (project-relative, '' for the root). */
  folderCount(folder: string, token: string): number {
    const f = this.folderIds.get(folder);
    const id = this.vocab.find(token);
    return f === undefined || id < 0 ? 0 : this.folderWords.get(f, id);
  }

  /**
   * The memory's words that continue `typed` after the last tokens `history` (oldest first), for a
   * file at `path` (its folder nests above the project), as the mixture's part (see MemoryAnswer).
   */
  query(history: readonly string[], typed: string, path: string, limit: number, mixing: ProjectMixing): MemoryAnswer {
    const share = this.all > 0 ? (mixing.maxShare * this.all) / (this.all + mixing.prior) : 0;
    if (share === 0) return { words: [], total: 0, modelWeight: 1, weight: () => 0 };
    const v = history.length >= 1 ? this.vocab.find(history[history.length - 1]) : -1;
    const u = history.length >= 2 ? this.vocab.find(history[history.length - 2]) : -1;
    const uv = u >= 0 && v >= 0 ? this.bigram.find(u, v) : -1;
    const folder = this.folderIds.get(folderOf(path)) ?? -1;
    const folderTotal = this.folderWords.total(folder);
    const phi = folderTotal > 0 ? mixing.folderShare : 0;
    const N = this.all;
    const Ncw = this.allWords;
    const b = this.bigram;
    const t = this.trigram;
    const f = this.folderWords;
    // Weights of each level in P3 = a3·c3 + g3·[a2·c2 + g2·P1]: constant over words.
    const C2 = b.total(v);
    const T2 = b.distinct(v);
    const C3 = t.total(uv);
    const T3 = t.distinct(uv);
    const a3 = C3 > 0 ? 1 / (C3 + T3) : 0;
    const g3 = C3 > 0 ? T3 / (C3 + T3) : 1;
    const a2 = C2 > 0 ? 1 / (C2 + T2) : 0;
    const g2 = C2 > 0 ? T2 / (C2 + T2) : 1;
    const u1 = Ncw > 0 ? ((1 - phi) / N) : 0;
    const f1 = phi > 0 ? (phi * Ncw) / (N * folderTotal) : 0;
    const score = (id: number) => {
      const p1 = u1 * this.unigram.get(id) + (f1 ? f1 * f.get(folder, id) : 0);
      return share * (a3 * t.get(uv, id) + g3 * (a2 * b.get(v, id) + g2 * p1));
    };
    const self = this.vocab.find(typed);
    const tokens = this.vocab.tokens;
    const accept = (id: number) => id !== self && this.completion[id] === 1 && (typed === '' || tokens[id].startsWith(typed));

    // Σ over the words that continue `typed` of each level's counts, and the candidates.
    let s3 = 0;
    let s2 = 0;
    let s1 = 0;
    let sf = 0;
    const candidates = new Set<number>();
    // Every word of the range is a completion word that starts with `typed`.
    const range = typed === '' ? [] : this.prefixes.withPrefix(typed, tokens);
    if (typed === '' || range.length > RANGE_SCAN) {
      // Many words: each context's followers give their best few by their own count (no lookups),
      // and the sums come from the same walks; only those candidates are scored.
      if (typed === '') {
        s3 = t.words(uv);
        s2 = b.words(v);
        s1 = Ncw;
        sf = folderTotal;
        for (const id of this.frequentWords(limit)) candidates.add(id);
      } else {
        const best = new BestIds(limit);
        for (const id of range) {
          if (id === self) continue;
          s1 += this.unigram.get(id);
          best.offer(id, this.unigram.get(id));
        }
        for (const id of best.ids) candidates.add(id);
      }
      for (const [level, context, sum] of [[t, uv, 3], [b, v, 2], [f, folder, 1]] as const) {
        const best = new BestIds(limit);
        level.forEachCount(context, (id, c) => {
          if (!accept(id)) return;
          best.offer(id, c);
          if (typed === '') return;
          if (sum === 3) s3 += c;
          else if (sum === 2) s2 += c;
          else sf += c;
        });
        for (const id of best.ids) candidates.add(id);
      }
    } else {
      const best = new BestIds(limit);
      for (const id of range) {
        if (id === self) continue;
        const c = this.unigram.get(id);
        if (c === 0) continue;
        s1 += c;
        // Within a small prefix range every count is looked up: exact sums, and the range is what is scored.
        const c3 = t.get(uv, id);
        const c2 = b.get(v, id);
        const cf = folder >= 0 ? f.get(folder, id) : 0;
        s3 += c3;
        s2 += c2;
        sf += cf;
        best.offer(id, score(id));
      }
      for (const id of best.ids) candidates.add(id);
    }
    const p1Total = u1 * s1 + f1 * sf;
    const total = share * (a3 * s3 + g3 * (a2 * s2 + g2 * p1Total));
    const best = new BestIds(limit);
    for (const id of candidates) best.offer(id, score(id));
    return {
      words: best.ids.map((id, i) => ({ word: tokens[id], weight: best.scores[i] })),
      total,
      modelWeight: 1 - share,
      weight: (word) => {
        const id = this.vocab.find(word);
        return id < 0 || !accept(id) ? 0 : score(id);
      },
    };
  }

  private folder(name: string): number {
    let id = this.folderIds.get(name);
    if (id === undefined) this.folderIds.set(name, (id = this.folderIds.size));
    return id;
  }

  private frequentWords(limit: number): number[] {
    if (!this.frequent || this.frequent.length < limit) {
      const best = new BestIds(Math.max(limit, 64));
      for (let id = 0; id < this.vocab.size; id++) if (this.completion[id] && this.unigram.get(id) > 0) best.offer(id, this.unigram.get(id));
      this.frequent = best.ids;
    }
    return this.frequent;
  }
}

const NON_SPACE = /\S/g;

/**
 * Where a piece of `text` that starts at `from` and holds about `chars` units may end so that the
 * pieces lex as the whole does (text/tokenScanner): after a whitespace run that holds a line feed,
 * before the next token. A cut inside such a run (before a blank line) would make it two line breaks.
 */
export function pieceEnd(text: string, from: number, chars: number): number {
  const newline = text.indexOf('\n', from + chars);
  if (newline < 0) return text.length;
  NON_SPACE.lastIndex = newline + 1;
  return NON_SPACE.exec(text)?.index ?? text.length;
}

/** The folder of a project-relative path ('' at the root). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The best few ids by score, best first; ties keep the earlier one. */
class BestIds {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  constructor(private readonly limit: number) {}
  offer(id: number, s: number): void {
    const { ids, scores, limit } = this;
    if (limit <= 0 || (ids.length === limit && !(s > scores[limit - 1]))) return;
    let i = ids.length < limit ? ids.length : limit - 1;
    for (; i > 0 && s > scores[i - 1]; i--) {
      ids[i] = ids[i - 1];
      scores[i] = scores[i - 1];
    }
    ids[i] = id;
    scores[i] = s;
  }
}
