// The byte-level BPE tokenizer: encode/decode, the completion split, and the Hugging Face
// tokenizers JSON format (Split regex + ByteLevel pre-tokenizer, BPE model, two special tokens).
// Encoding is hand-written rather than @huggingface/tokenizers because that library turns lone
// surrogates into U+FFFD (lossy) and is slower; the interop test checks both give the same ids.

import { readFileSync } from 'node:fs';
import { BYTE_TO_CHAR, CHAR_TO_BYTE, wtf8Decode, wtf8Encode } from './bytes';
import { Language, LANGUAGES, languageToken } from './language';
import { fnv1a } from '../hash';
import { PieceCache } from './pieceCache';
import { openTail, pieceEnd, pretokenize, PRETOKENIZE_PATTERN } from './preTokenizer';

/** Content of the document-start special token. */
export const DOC_TOKEN = '<|doc|>';
/** Content of the file-boundary special token. */
export const FILE_TOKEN = '<|file|>';

/** One merge: the two token ids it joins; the merged id is looked up, not assumed. */
export type Merge = readonly [number, number];

/** Pieces longer than this (in UTF-16 units) are encoded without the cache: they rarely repeat. */
const MAX_CACHED_PIECE = 64;

export class Tokenizer {
  readonly vocabSize: number;
  readonly docStartId: number;
  readonly fileSepId: number;
  /** The language tokens fed after <|doc|>, when the tokenizer has them (empty for older folders). */
  readonly languageIds: ReadonlyMap<Language, number>;
  private readonly bytesOf: Uint8Array[];
  private readonly specialIds: ReadonlySet<number>;
  private readonly merges: readonly Merge[];
  /** pair key (a * vocabSize + b) → merge rank */
  private readonly rankOf = new Map<number, number>();
  /** merge rank → id of the merged token */
  private readonly mergedId: Int32Array;
  private readonly cache = new PieceCache();

  /**
   * @param tokens bytes of every id (ids 0–255 must be the single bytes); specials map to null
   * @param merges in priority order
   */
  constructor(tokens: readonly (Uint8Array | null)[], merges: readonly Merge[], specials: { doc: number; file: number; languages?: ReadonlyMap<Language, number> }) {
    this.vocabSize = tokens.length;
    for (let b = 0; b < 256; b++) {
      const t = tokens[b];
      if (!t || t.length !== 1 || t[0] !== b) throw new Error(`tokenizer: id ${b} must be the single byte ${b}`);
    }
    this.bytesOf = tokens.map((t) => t ?? new Uint8Array(0));
    this.docStartId = specials.doc;
    this.fileSepId = specials.file;
    this.languageIds = new Map(specials.languages ?? []);
    if (this.languageIds.size && this.languageIds.size !== LANGUAGES.length) throw new Error(`tokenizer: has ${this.languageIds.size} of the ${LANGUAGES.length} language tokens`);
    this.specialIds = new Set([specials.doc, specials.file, ...this.languageIds.values()]);
    for (const id of this.specialIds) if (tokens[id] !== null) throw new Error(`tokenizer: special token id ${id} must have no bytes`);
    const idOf = new Map<string, number>();
    tokens.forEach((t, id) => t && idOf.set(bytesKey(t), id));
    this.merges = merges;
    this.mergedId = new Int32Array(merges.length);
    merges.forEach(([a, b], rank) => {
      const joined = concatBytes(this.bytesOf[a], this.bytesOf[b]);
      const id = idOf.get(bytesKey(joined));
      if (id === undefined || this.specialIds.has(a) || this.specialIds.has(b)) {
        throw new Error(`tokenizer: merge #${rank} (${a}, ${b}) does not produce a token in the vocabulary`);
      }
      const key = a * this.vocabSize + b;
      if (!this.rankOf.has(key)) this.rankOf.set(key, rank);
      this.mergedId[rank] = id;
    });
  }

  /** Reads a tokenizer from its Hugging Face tokenizers JSON (as written by toJSON). */
  static fromJSON(json: unknown): Tokenizer {
    return parseTokenizerJSON(json);
  }

  /** Reads tokenizer.json. */
  static load(file: string): Tokenizer {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`tokenizer: cannot read ${file}: ${(e as Error).message}`);
    }
    return Tokenizer.fromJSON(json);
  }

  /** Hugging Face tokenizers JSON: byte-level BPE with our pre-tokenizer regex and the two specials. */
  toJSON(): object {
    // Null prototype: a token spelled "__proto__" must become a key, not the object's prototype.
    const vocab: Record<string, number> = Object.create(null);
    for (let id = 0; id < this.vocabSize; id++) vocab[this.tokenString(id)] = id;
    const special = (id: number, content: string) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    });
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [
        special(this.docStartId, DOC_TOKEN), special(this.fileSepId, FILE_TOKEN),
        ...[...this.languageIds].map(([language, id]) => special(id, languageToken(language))),
      ],
      normalizer: null,
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: PRETOKENIZE_PATTERN }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
        ],
      },
      post_processor: null,
      decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: false,
        vocab,
        merges: this.merges.map(([a, b]) => `${this.tokenString(a)} ${this.tokenString(b)}`),
      },
    };
  }

  /**
   * The tokens a document starts with: <|doc|>, then its language's token when the tokenizer has
   * language tokens (`other` when the language is not known). Training, scoring and completion all
   * start a document's state from these.
   */
  documentStart(language?: Language): number[] {
    if (!this.languageIds.size) return [this.docStartId];
    return [this.docStartId, this.languageIds.get(language ?? 'other')!];
  }

  /** This tokenizer with the language tokens appended after its last id (the same merges and ids). */
  withLanguageTokens(): Tokenizer {
    if (this.languageIds.size) return this;
    const tokens = this.bytesOf.map((b, id) => (this.specialIds.has(id) ? null : b));
    const languages = new Map(LANGUAGES.map((l, i) => [l, this.vocabSize + i] as const));
    for (let i = 0; i < LANGUAGES.length; i++) tokens.push(null);
    return new Tokenizer(tokens, this.merges, { doc: this.docStartId, file: this.fileSepId, languages });
  }

  /** Token ids of `text` (no special tokens added). Lossless: decode(encode(s)) === s. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (let i = 0; i < text.length; ) {
      const end = pieceEnd(text, i);
      const pieceIds = this.encodeSlice(text, i, end);
      for (let k = 0; k < pieceIds.length; k++) ids.push(pieceIds[k]);
      i = end;
    }
    return ids;
  }

  /** Ids of the single piece text[start, end) (cached). Callers must not modify the returned array. */
  encodeSlice(text: string, start: number, end: number): readonly number[] {
    if (end - start > MAX_CACHED_PIECE) return this.bpe(wtf8Encode(text.slice(start, end)));
    const h = fnv1a(text, start, end);
    const cached = this.cache.get(text, start, end, h);
    if (cached) return cached;
    const piece = text.slice(start, end);
    const ids = this.bpe(wtf8Encode(piece));
    this.cache.set(piece, h, ids);
    return ids;
  }

  /** Text of a token sequence; special tokens contribute nothing, invalid byte sequences U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    let total = 0;
    for (let i = 0; i < ids.length; i++) total += this.tokenBytes(ids[i]).length;
    const bytes = new Uint8Array(total);
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const t = this.tokenBytes(ids[i]);
      bytes.set(t, n);
      n += t.length;
    }
    return wtf8Decode(bytes);
  }

  /** The raw bytes token `id` stands for (empty for special tokens). */
  tokenBytes(id: number): Uint8Array {
    const t = this.bytesOf[id];
    if (t === undefined) throw new RangeError(`tokenizer: no token id ${id} (vocabulary size ${this.vocabSize})`);
    return t;
  }

  /** The pre-token pieces of `text`; encode(text) is the concatenation of their encodings. */
  pretokenize(text: string): string[] {
    return pretokenize(text);
  }

  /**
   * For completion: `head` ends at the last pre-token boundary that typing more word characters
   * cannot move, `partial` is the rest (the word piece being typed with its leading space or `_`,
   * a lone trailing space that the next word will take, or ""). head + partial === text.
   */
  splitForCompletion(textBeforeCursor: string): { head: string; partial: string } {
    // Only the last line can hold the open piece (newline runs always end a piece boundary before
    // any word), so pre-tokenize just that much.
    const lineStart = Math.max(0, textBeforeCursor.lastIndexOf('\n'));
    const pieces = pretokenize(textBeforeCursor.slice(lineStart));
    const partial = pieces.length ? openTail(pieces[pieces.length - 1]) : '';
    return { head: textBeforeCursor.slice(0, textBeforeCursor.length - partial.length), partial };
  }

  private tokenString(id: number): string {
    if (id === this.docStartId) return DOC_TOKEN;
    if (id === this.fileSepId) return FILE_TOKEN;
    for (const [language, lid] of this.languageIds) if (lid === id) return languageToken(language);
    let s = '';
    for (const b of this.bytesOf[id]) s += BYTE_TO_CHAR[b];
    return s;
  }

  /** Standard BPE: repeatedly apply the lowest-ranked merge present, leftmost occurrences first. */
  private bpe(bytes: Uint8Array): number[] {
    const syms = Array.from(bytes);
    const V = this.vocabSize;
    while (syms.length > 1) {
      let best = -1;
      for (let i = 0; i + 1 < syms.length; i++) {
        const r = this.rankOf.get(syms[i] * V + syms[i + 1]);
        if (r !== undefined && (best < 0 || r < best)) best = r;
      }
      if (best < 0) break;
      // Every pair a merge creates ranks after it, so all occurrences of `best` go in one left-to-right pass.
      const [a, b] = this.merges[best];
      const merged = this.mergedId[best];
      let w = 0;
      for (let i = 0; i < syms.length; i++) {
        if (i + 1 < syms.length && syms[i] === a && syms[i + 1] === b) {
          syms[w++] = merged;
          i++;
        } else {
          syms[w++] = syms[i];
        }
      }
      syms.length = w;
    }
    return syms;
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function bytesKey(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

function fail(msg: string): never {
  throw new Error(`tokenizer.json: ${msg}`);
}

function parseTokenizerJSON(json: unknown): Tokenizer {
  const obj = json as Record<string, any>;
  if (!obj || typeof obj !== 'object') fail('not an object');
  const model = obj.model;
  if (!model || model.type !== 'BPE') fail('model.type must be "BPE"');
  if (!model.vocab || typeof model.vocab !== 'object') fail('model.vocab missing');
  if (!Array.isArray(model.merges)) fail('model.merges missing');
  const split = obj.pre_tokenizer?.pretokenizers?.[0];
  if (split?.type !== 'Split' || split.pattern?.Regex !== PRETOKENIZE_PATTERN) {
    fail('pre_tokenizer is not the Recurrent Split regex (this tokenizer only encodes with its own pre-tokenizer)');
  }
  const added: { id: number; content: string }[] = Array.isArray(obj.added_tokens) ? obj.added_tokens : [];
  const findSpecial = (content: string) => {
    const t = added.find((a) => a && a.content === content);
    if (!t || !Number.isInteger(t.id)) fail(`special token ${content} missing from added_tokens`);
    return t.id;
  };
  const doc = findSpecial(DOC_TOKEN);
  const file = findSpecial(FILE_TOKEN);
  // Language tokens are optional: tokenizers from before them have none and work as they did.
  const languages = new Map<Language, number>();
  for (const language of LANGUAGES) {
    const t = added.find((a) => a && a.content === languageToken(language));
    if (t && Number.isInteger(t.id)) languages.set(language, t.id);
  }
  const specialIdSet = new Set([doc, file, ...languages.values()]);

  const entries = Object.entries(model.vocab as Record<string, unknown>);
  const tokens: (Uint8Array | null)[] = new Array(entries.length).fill(undefined);
  const idOfString = new Map<string, number>();
  for (const [str, id] of entries) {
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= entries.length) {
      fail(`vocab id of ${JSON.stringify(str)} is not in 0..${entries.length - 1}`);
    }
    if (tokens[id as number] !== undefined) fail(`vocab id ${id} used twice`);
    idOfString.set(str, id as number);
    if (specialIdSet.has(id as number)) {
      tokens[id as number] = null;
      continue;
    }
    const bytes = new Uint8Array(str.length);
    for (let i = 0; i < str.length; i++) {
      const b = CHAR_TO_BYTE.get(str[i]);
      if (b === undefined) fail(`vocab entry ${JSON.stringify(str)} is not byte-level`);
      bytes[i] = b;
    }
    tokens[id as number] = bytes;
  }
  const merges: Merge[] = model.merges.map((m: unknown, i: number) => {
    const parts = typeof m === 'string' ? m.split(' ') : m;
    if (!Array.isArray(parts) || parts.length !== 2) fail(`merge #${i} is not a pair`);
    const a = idOfString.get(parts[0]);
    const b = idOfString.get(parts[1]);
    if (a === undefined || b === undefined) fail(`merge #${i} uses a token missing from the vocab`);
    return [a, b] as const;
  });
  try {
    return new Tokenizer(tokens, merges, { doc, file, languages });
  } catch (e) {
    fail((e as Error).message);
  }
}
